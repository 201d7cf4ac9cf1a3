# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters aovpn.rras.sstp_verdict and aovpn.rras.sstp_report (documented in the .yml files); the logic is in ``_diagnose``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

from ansible_collections.aovpn.rras.plugins.plugin_utils._diagnose import (
    EXPIRY_CODES,
    DiagnoseError,
    details,
    host_verdict,
    json_report,
    markdown_report,
    summary_table,
)

_REPORTS: dict[str, Callable[[Sequence[Mapping[str, Any]]], Any]] = {
    "table": summary_table, "details": details, "markdown": markdown_report, "json": json_report,
}


def sstp_verdict(
    info: Mapping[str, Any],
    served: Mapping[str, Any] | None,
    host: str,
    endpoint: str,
    server_name: str | None = None,
    expected_issuer: str | None = None,
    expected_sha256: str | None = None,
    warn_days: int = 30,
) -> dict[str, Any]:
    """The verdict of one RRAS host from its ``win_rras_info`` result and what the endpoint presented.

    Certificate expiry findings are also Ansible warnings of the task that computes the verdict (AWX shows them).
    """
    try:
        verdict = host_verdict(host, info, served, endpoint=endpoint, server_name=server_name, expected_issuer=expected_issuer,
                               expected_sha256=expected_sha256, warn_days=int(warn_days))
    except DiagnoseError as error:
        raise AnsibleFilterError(str(error)) from None
    for finding in verdict["findings"]:
        if finding["code"].endswith(EXPIRY_CODES):
            Display().warning(f"{host}: {finding['title']}: {finding['detail']}")
    return verdict


def sstp_report(verdicts: Sequence[Mapping[str, Any]], format: str = "table") -> Any:  # pylint: disable=redefined-builtin
    """The verdicts of several hosts as a table or details (lists of lines), Markdown or JSON text."""
    if format not in _REPORTS:
        raise AnsibleFilterError(f"format must be one of {', '.join(_REPORTS)}, not {format!r}")
    return _REPORTS[format](list(verdicts))


class FilterModule:
    """SSTP diagnosis filters of aovpn.rras."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"sstp_verdict": sstp_verdict, "sstp_report": sstp_report}
