# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Verdicts of the ``aovpn.rras.diagnose`` role (pure: no Ansible imports).

SSTP clients drop the tunnel (RasSstp Event ID 6) when the certificate they are shown is not the one
whose hash RRAS holds. Neither side logs it on the server, so the role compares the two views: what
``win_rras_info`` read on the server and what the public endpoint presented to a TLS client. This
module turns both into findings, a verdict per host and the reports, so the logic is unit-tested here
instead of being spread over Jinja.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the aovpn.rras collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.
# See also: https://github.com/ansible/community/issues/539#issuecomment-780839686
# Please open an issue if you have questions about this.

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Mapping, Sequence

from ansible_collections.aovpn.rras.plugins.module_utils._tls_probe import parse_target
from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import CertificateError, name_is_covered, normalize_thumbprint
from ansible_collections.aovpn.rras.plugins.plugin_utils._hardening import LEGACY_SERVER_PROTOCOLS
from ansible_collections.aovpn.rras.plugins.plugin_utils._http_sys import foreign_binding_error
from ansible_collections.aovpn.rras.plugins.plugin_utils._sstp import sha1_hash_warning

FAIL = "fail"
WARN = "warn"
INFO = "info"
# Host status from its most severe finding; a host without findings is "ok".
STATUS_BY_SEVERITY = {FAIL: "failing", WARN: "warning", INFO: "info"}
OK_VERDICT = "OK"
DISCONNECT = "clients will disconnect (RasSstp Event ID 6)"
INSPECTION = "SSL inspection suspected"
# Finding codes of certificate expiry (``<what>_expired``, ``<what>_expiring``): the filter also warns with them.
EXPIRY_CODES = ("_expired", "_expiring")
_CN = re.compile(r"(?:^|,)\s*CN=((?:[^,\\]|\\.)*)", re.IGNORECASE)


class DiagnoseError(ValueError):
    """An input the verdict cannot be computed from (a bad expected hash, not a finding about the host)."""


def _finding(code: str, severity: str, title: str, detail: str, fix: str | None = None) -> dict[str, t.Any]:
    return {"code": code, "severity": severity, "title": title, "detail": detail, "fix": fix}


def _issuer_cn(issuer: str) -> str | None:
    match = _CN.search(issuer)
    return match.group(1).replace("\\", "") if match else None


def issuer_matches(issuer: str, expected: str) -> bool:
    """The expected issuer may be the whole RFC 4514 name or only its common name; case and spaces after commas do not count."""

    def canonical(name: str) -> str:
        return re.sub(r",\s+", ",", name.strip()).lower()

    return canonical(issuer) == canonical(expected) or (_issuer_cn(issuer) or "").lower() == expected.strip().lower()


def _expected_sha256(expected_sha256: str | None) -> str | None:
    if not expected_sha256:
        return None
    try:
        return normalize_thumbprint(expected_sha256, "sha256")
    except CertificateError as error:
        raise DiagnoseError(f"expected_sha256 {error}") from None


def _server_name(endpoint: str) -> str:
    try:
        return parse_target(endpoint)[0]
    except ValueError:  # the probe has reported the endpoint as unusable; the name is only shown then
        return endpoint.strip()


def _describe(served: Mapping[str, t.Any]) -> str:
    names = ", ".join(served.get("dns_names") or []) or "no DNS names"
    return f"subject {served['subject']}, issuer {served['issuer']}, {names}, valid until {served['not_after']}"


def _offload_fix(host: str, sha256: str) -> str:
    return (f"ansible-playbook aovpn.rras.sstp_offload --limit {host} -e sstp_offload_certificate_hash={sha256} "
            "(or role aovpn.rras.sstp_offload with sstp_offload_certificate_file set to the load balancer's certificate file)")


class _Check:
    """One host's findings; each method adds what one comparison shows."""

    def __init__(self, host: str, endpoint: str, server_name: str | None, expected_issuer: str | None, expected_sha256: str | None, warn_days: int) -> None:
        self.host = host
        self.endpoint = endpoint
        self.server_name = server_name or _server_name(endpoint)
        self.expected_issuer = expected_issuer or None
        self.expected_sha256 = _expected_sha256(expected_sha256)
        self.warn_days = warn_days
        self.findings: list[dict[str, t.Any]] = []
        self._expiry_checked: set[str] = set()

    def add(self, code: str, severity: str, title: str, detail: str, fix: str | None = None) -> None:
        self.findings.append(_finding(code, severity, title, detail, fix))

    # ---- the server side

    def service(self, info: Mapping[str, t.Any]) -> None:
        state = (info.get("remote_access_service") or {}).get("state")
        if state != "running":
            self.add("remote_access_not_running", FAIL, "RemoteAccess not running",
                     f"the RemoteAccess service is {state or 'in an unknown state'}: no VPN client can connect to this server",
                     f"start the RemoteAccess service on {self.host} (ansible.windows.win_service name=RemoteAccess state=started)")

    def store(self, info: Mapping[str, t.Any]) -> None:
        store = info.get("certificate_store") or {}
        for problem in store.get("problems") or []:
            if "Event 25" in problem:
                title = "HTTPS mode: configured certificate not in the store (Event 25, nothing bound)"
            else:
                title = "HTTPS mode: configured certificate unusable"
            self.add("certificate_binding", FAIL, title, problem,
                     "import the certificate with its private key and bind it: role aovpn.rras.sstp_certificate")
        bound = store.get("certificate")
        if bound and not bound.get("expired"):  # an expired one is already a binding problem
            self.expiry(bound, "the certificate configured in LocalMachine\\My", "store_certificate")

    def sstp_configuration(self, info: Mapping[str, t.Any]) -> None:
        """What the service makes of its own settings at start: a foreign http.sys binding, a rejected hash-only offload."""
        sstp = info.get("sstp") or {}
        if sstp.get("mode") == "https":
            for binding in info.get("http_sys_bindings") or []:
                if not binding.get("sstp_owned"):
                    self.add("foreign_http_sys_binding", FAIL, "SSTP port bound to another application (Event 32)", foreign_binding_error(binding),
                             f"free the port: netsh http delete sslcert ipport={binding['address']} (after moving that application "
                             "to another port), then restart RemoteAccess")
        warning = sha1_hash_warning(sstp)
        if warning:
            self.add("sha1_hash_missing", WARN, "SHA-1 crypto binding on without SHA1CertificateHash (Event 19)", warning,
                     "role aovpn.rras.sstp_offload with sstp_offload_certificate_file set to the load balancer's certificate file")

    def ikev2(self, info: Mapping[str, t.Any]) -> None:
        ikev2 = info.get("ikev2") or {}
        if ikev2.get("server_fragmentation"):
            return
        if ikev2.get("build_support") == "unsupported":
            self.add("ikev2_fragmentation_unsupported", INFO, "IKEv2 fragmentation not supported on this build",
                     f"build {(info.get('os') or {}).get('build')} cannot fragment IKEv2 (Windows Server 2019 or later can)")
            return
        self.add("ikev2_fragmentation_off", WARN, "IKEv2 fragmentation off",
                 "EnableServerFragmentation is not set: IKEv2 clients behind links that drop IP fragments fail with error 809",
                 f"ansible-playbook aovpn.rras.ikev2_fragmentation --limit {self.host}")

    def hardening(self, info: Mapping[str, t.Any]) -> None:
        """Legacy protocols still on for the server side (a warning) and the IKEv2 CRL check off (informational); nothing when not read."""
        hardening = info.get("hardening")
        if not hardening:
            return
        protocols = hardening.get("server_protocols") or {}
        build = (info.get("os") or {}).get("build")

        def named(names: list[str]) -> str:
            return ", ".join(f"{name} ({'the default of build ' + str(build) if protocols[name]['state'] == 'os default' else 'Enabled set'})"
                             for name in names)

        on = [name for name in LEGACY_SERVER_PROTOCOLS if (protocols.get(name) or {}).get("enabled") is True]
        unknown = [name for name in LEGACY_SERVER_PROTOCOLS if name in protocols and protocols[name].get("enabled") is None]
        extra_vars = json.dumps({"hardening_sstp_disabled_protocols": list(LEGACY_SERVER_PROTOCOLS)})
        fix = (f"ansible-playbook aovpn.rras.hardening --limit {self.host} -e '{extra_vars}', then reboot the server "
               "(hardening_reboot=rolling does it one server at a time)")
        if on:
            # offloaded, SSTP clients negotiate TLS with the load balancer: the server's SCHANNEL serves only its other TLS services
            if (info.get("sstp") or {}).get("use_https") is False:
                self.add("legacy_tls_on", INFO, "legacy TLS on for the server",
                         f"the server side of SCHANNEL still offers {named(on)}; SSTP is offloaded, so SSTP clients negotiate TLS with "
                         "the load balancer (its TLS policy matters for them), while the server's other TLS services can still use these",
                         fix)
            else:
                self.add("legacy_tls_on", WARN, "legacy TLS on for the server",
                         f"the server side of SCHANNEL still offers {named(on)}: SSTP clients and scanners can negotiate them", fix)
        if unknown:
            self.add("legacy_tls_unknown", INFO, "legacy TLS left to the OS default",
                     f"{', '.join(unknown)} have no Enabled value for the server side, and the default of build {build} is not known here",
                     fix)
        if not hardening.get("crl_check"):
            flags = hardening.get("cert_auth_flags")
            self.add("ikev2_crl_check_off", INFO, "IKEv2 CRL check off",
                     f"CertAuthFlags is {'missing' if flags is None else flags}, not 4: IKEv2 (device tunnel) does not check the revocation of "
                     "client certificates (needs a root certificate filter; see aovpn.rras.win_ikev2_crl_check)",
                     f"ansible-playbook aovpn.rras.hardening --limit {self.host} -e hardening_ikev2_crl_check=enabled")

    # ---- what the endpoint presents

    def expiry(self, cert: Mapping[str, t.Any], what: str, code: str) -> None:
        if cert["sha256"] in self._expiry_checked:  # the bound certificate is often the one served
            return
        self._expiry_checked.add(cert["sha256"])
        days = cert["days_left"]
        if days < 0:
            self.add(f"{code}_expired", FAIL, "certificate expired",
                     f"{what} ({cert['subject']}, SHA-256 {cert['sha256']}) expired on {cert['not_after']}: clients refuse it",
                     "renew the certificate, then apply the new one (role aovpn.rras.sstp_offload or aovpn.rras.sstp_certificate)")
        elif days < self.warn_days:
            self.add(f"{code}_expiring", WARN, f"certificate expires in {days} days",
                     f"{what} ({cert['subject']}, SHA-256 {cert['sha256']}) expires on {cert['not_after']}, within {self.warn_days} days",
                     "renew it and apply the new certificate before it expires (RRAS must hold the new hash the moment it is served)")

    def unexpected(self, served: Mapping[str, t.Any]) -> list[str]:
        """Why the served certificate is not the expected one (empty when it is, or nothing is expected)."""
        reasons = []
        if self.expected_sha256 and served["sha256"] != self.expected_sha256:
            reasons.append(f"its SHA-256 {served['sha256']} is not diagnose_expected_sha256 {self.expected_sha256}")
        if self.expected_issuer and not issuer_matches(served["issuer"], self.expected_issuer):
            reasons.append(f"its issuer {served['issuer']} is not diagnose_expected_issuer {self.expected_issuer}")
        return reasons

    def served(self, served: Mapping[str, t.Any], sstp: Mapping[str, t.Any] | None) -> None:
        if served.get("error"):
            self.add("endpoint_unreachable", FAIL, "endpoint presents no certificate", served["error"],
                     f"check that {self.endpoint} resolves and reaches the VPN servers from where the probe runs")
            return
        configured = (sstp or {}).get("certificate_sha256")
        mode = (sstp or {}).get("mode")
        unexpected = self.unexpected(served)
        seen = f"{self.endpoint} presents SHA-256 {served['sha256']} ({_describe(served)})"
        if served["sha256"] == configured:
            if unexpected:
                self.add("unexpected_certificate", FAIL, "served certificate is not the expected one",
                         f"{seen}; RRAS holds its hash, but {'; '.join(unexpected)}",
                         "find out who issued it (an intercepting device whose certificate was pinned?) and apply the real certificate")
        elif unexpected and (self.expected_sha256 is None or configured == self.expected_sha256):
            self.add("ssl_inspection_suspected", FAIL, INSPECTION,
                     f"{seen}, but {'; '.join(unexpected)}, while RRAS holds {configured or 'no hash'}: a device between the probe and "
                     "the server re-signs the traffic; clients behind it disconnect (RasSstp Event ID 6)",
                     "exempt the VPN name from SSL/TLS inspection on that network; do not pin the re-signed certificate on RRAS")
        else:
            self.mismatch(served, configured, mode, unexpected, seen)
        sstp_answer = served.get("sstp")
        if sstp_answer and not sstp_answer.get("answering"):
            self.add("sstp_not_answering", WARN, "SSTP not answering on the endpoint", sstp_answer.get("message") or "",
                     "check that the load balancer forwards /sra_{BA195980-CD49-458B-9E23-C84EE0ADCD75}/ to RRAS")
        name = self.server_name
        if not name_is_covered(name, served.get("dns_names") or [], served.get("subject_cn")):
            self.add("name_not_covered", WARN, f"certificate does not cover {name}",
                     f"{seen}: clients connecting to {name} reject it before SSTP starts")
        self.expiry(served, f"the certificate {self.endpoint} presents", "served_certificate")

    def not_pinnable(self, served: Mapping[str, t.Any], unexpected: list[str]) -> list[str]:
        """Why the served certificate must not be pinned on RRAS (empty: proposing it is safe)."""
        reasons = list(served.get("problems") or [])  # the collection's one fitness judgement, expiry included
        if served.get("verified") is False:
            reasons.append(f"does not verify against diagnose_ca_path ({served.get('verify_error')})")
        return reasons + [f"is not from the expected issuer: {reason}" for reason in unexpected if reason.startswith("its issuer")]

    def refuse_pin(self, reasons: list[str]) -> str:
        return (f"do not pin the served certificate on RRAS: it {'; it '.join(reasons)}. Make {self.endpoint} present a valid certificate "
                "from the expected issuer (renew it, or remove the device that re-signs), then rerun aovpn.rras.diagnose")

    def mismatch(self, served: Mapping[str, t.Any], configured: str | None, mode: str | None, unexpected: list[str], seen: str) -> None:
        holds = f"RRAS holds SHA-256 {configured or '(none)'}"
        refusals = self.not_pinnable(served, unexpected)
        if mode == "https" and not configured:
            self.add("certificate_not_configured", FAIL, "no SSTP certificate configured",
                     f"{seen}; RRAS holds no SHA256CertificateHash (HTTPS mode): the service picks a certificate itself at start, "
                     "and clients disconnect (RasSstp Event ID 6) whenever it is not the one they are shown",
                     "bind the VPN certificate with role aovpn.rras.sstp_certificate, or, if a load balancer terminates TLS, "
                     + (self.refuse_pin(refusals) if refusals else _offload_fix(self.host, served["sha256"])))
            return
        if unexpected:
            self.add("hash_mismatch", FAIL, DISCONNECT,
                     f"{seen}; {holds}; and the served certificate is not the expected one: {'; '.join(unexpected)}",
                     "make the endpoint present the expected certificate, then apply it: "
                     + _offload_fix(self.host, self.expected_sha256 or "<expected SHA-256>"))
            return
        checked = ("it is the expected certificate (diagnose_expected_*)" if self.expected_sha256 or self.expected_issuer
                   else "check first that it is your certificate (issuer, names, validity above; set diagnose_expected_issuer or "
                   "diagnose_expected_sha256 to have it checked)")
        if refusals:
            fix = self.refuse_pin(refusals)
        elif mode == "offload":
            fix = f"{checked}; then {_offload_fix(self.host, served['sha256'])}"
        else:
            fix = (f"{checked}. In HTTPS mode the endpoint must present the certificate bound on RRAS: if a load balancer "
                   "re-encrypts, give it the same certificate; if it terminates TLS, turn offload on: "
                   f"{_offload_fix(self.host, served['sha256'])}; if RRAS itself answers, restart RemoteAccess to bind the configured one")
        self.add("hash_mismatch", FAIL, DISCONNECT, f"{seen}; {holds} ({mode or 'no SSTP settings'} mode)", fix)


def host_verdict(
    host: str,
    info: Mapping[str, t.Any],
    served: Mapping[str, t.Any] | None,
    *,
    endpoint: str,
    server_name: str | None = None,
    expected_issuer: str | None = None,
    expected_sha256: str | None = None,
    warn_days: int = 30,
) -> dict[str, t.Any]:
    """The verdict for one host.

    ``info`` is the registered result of ``win_rras_info`` with ``certificate_store_check=true`` (a
    failed or unreachable result is a finding); ``served`` the ``tls_certificate`` lookup's dict for
    ``endpoint``, or ``{"error": message}`` when the probe failed. A host without the Remote Access role gets only
    the informational "RRAS not installed", one with the role but RRAS not configured only "RRAS not configured":
    neither can drop SSTP clients. The certificate must name
    ``server_name`` (default: the endpoint's host).
    """
    check = _Check(host, endpoint, server_name, expected_issuer, expected_sha256, warn_days)
    if info.get("unreachable") or info.get("failed"):
        check.add("state_unreadable", FAIL, "server state unreadable", str(info.get("msg") or "win_rras_info failed"))
    elif not info.get("rras_installed"):
        check.add("rras_not_installed", INFO, "RRAS not installed", "the Remote Access role is not installed on this host")
    elif info.get("rras_configured") is False:
        check.add("rras_not_configured", INFO, "RRAS not configured",
                  "the Remote Access role is installed but RRAS is not configured (RemoteAccess is disabled): it serves no VPN client",
                  f"configure it on {host} (Install-RemoteAccess -VpnType Vpn), then apply the SSTP and IKEv2 settings")
    else:
        check.service(info)
        check.store(info)
        check.sstp_configuration(info)
        if served is not None:
            check.served(served, info.get("sstp"))
        check.ikev2(info)
        check.hardening(info)
    return _verdict(host, endpoint, info, served, check.findings)


def _verdict(host: str, endpoint: str, info: Mapping[str, t.Any], served: Mapping[str, t.Any] | None,
             findings: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    worst = next((severity for severity in (FAIL, WARN, INFO) if any(f["severity"] == severity for f in findings)), None)
    headline = next((f["title"] for f in findings if f["severity"] == worst), OK_VERDICT)
    sstp = info.get("sstp") or {}
    store = info.get("certificate_store") or {}
    served = served or {}
    return {
        "host": host,
        "status": STATUS_BY_SEVERITY.get(worst or "", "ok"),
        "failed": worst == FAIL,
        "verdict": headline,
        "endpoint": endpoint,
        "sstp_mode": sstp.get("mode"),
        "configured_sha256": sstp.get("certificate_sha256"),
        "configured_in_store": store.get("found") if store.get("required") else None,
        "served_sha256": served.get("sha256"),
        "served_issuer": served.get("issuer"),
        "served_not_after": served.get("not_after"),
        "remote_access": (info.get("remote_access_service") or {}).get("state"),
        "ikev2_fragmentation": (info.get("ikev2") or {}).get("server_fragmentation"),
        "findings": findings,
    }


def _short(value: t.Any) -> str:
    if value is None:
        return "-"
    text = str(value)
    return text[:12] + "..." if len(text) == 64 else text


_COLUMNS = (("host", "host"), ("status", "status"), ("mode", "sstp_mode"), ("configured", "configured_sha256"),
            ("served", "served_sha256"), ("verdict", "verdict"))


def summary_table(verdicts: Sequence[Mapping[str, t.Any]]) -> list[str]:
    """A fixed-width table, one line per host (a list of lines, so Ansible prints it readably)."""
    rows = [[name for name, _key in _COLUMNS]] + [[_short(v.get(key)) for _name, key in _COLUMNS] for v in verdicts]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    failing = sum(1 for v in verdicts if v.get("failed"))
    lines.append(f"{len(verdicts)} host(s), {failing} failing")
    return lines


def details(verdicts: Sequence[Mapping[str, t.Any]]) -> list[str]:
    """Every host's verdict, findings and fixes as lines (what the role prints per host)."""
    lines = []
    for v in verdicts:
        lines.append(f"{v['host']}: {v['verdict']} ({v['status']})")
        for finding in v["findings"]:
            lines.append(f"  [{finding['severity']}] {finding['title']}: {finding['detail']}")
            if finding.get("fix"):
                lines.append(f"      fix: {finding['fix']}")
    return lines


def _md(text: t.Any) -> str:
    return str(text if text is not None else "-").replace("|", "\\|").replace("\n", " ")


def markdown_report(verdicts: Sequence[Mapping[str, t.Any]]) -> str:
    """The Markdown report: the summary table, then every finding of every host with its fix."""
    lines = ["# SSTP diagnosis", "", "| host | status | verdict | SSTP mode | configured SHA-256 | served SHA-256 |",
             "|---|---|---|---|---|---|"]
    for v in verdicts:
        lines.append(f"| {_md(v['host'])} | {_md(v['status'])} | {_md(v['verdict'])} | {_md(v.get('sstp_mode'))} "
                     f"| `{_md(v.get('configured_sha256'))}` | `{_md(v.get('served_sha256'))}` |")
    for v in verdicts:
        lines += ["", f"## {v['host']}: {v['verdict']}", "", f"Endpoint: `{v.get('endpoint')}`", ""]
        if not v["findings"]:
            lines.append("- OK: the endpoint presents the certificate whose hash RRAS holds.")
        for finding in v["findings"]:
            lines.append(f"- **{finding['severity']}: {_md(finding['title'])}**: {_md(finding['detail'])}")
            if finding.get("fix"):
                lines.append(f"  - fix: {_md(finding['fix'])}")
    failing = sum(1 for v in verdicts if v.get("failed"))
    lines += ["", f"{len(verdicts)} host(s), {failing} failing.", ""]
    return "\n".join(lines)


def json_report(verdicts: Sequence[Mapping[str, t.Any]]) -> str:
    """The JSON report: ``{"failing": [...hosts], "hosts": {host: verdict}}``."""
    document = {"failing": [v["host"] for v in verdicts if v.get("failed")], "hosts": {v["host"]: v for v in verdicts}}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
