# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters aovpn.rras.cert_thumbprint, aovpn.rras.thumbprint and aovpn.rras.cert_info (documented in the .yml files)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    CertificateError,
    certificate_facts,
    check_algorithm,
    certificate_thumbprints,
    load_certificates_from_text,
    normalize_thumbprint,
    select_certificates,
)


def _require_cryptography(name: str) -> None:
    if CRYPTOGRAPHY_IMPORT_ERROR:
        raise AnsibleFilterError(f"aovpn.rras.{name} needs the Python library cryptography on the controller") from CRYPTOGRAPHY_IMPORT_ERROR


def cert_thumbprint(
    data: str | bytes, algorithm: str = "sha256", format: str = "hex", select: str = "leaf", password: str | None = None  # pylint: disable=redefined-builtin
) -> Any:
    """Thumbprint of a certificate held as PEM or base64 text (a list of them with ``select='all'``)."""
    _require_cryptography("cert_thumbprint")
    try:
        values = certificate_thumbprints(data, algorithm, format, select, password, source="input")
    except CertificateError as error:
        raise AnsibleFilterError(str(error)) from None
    return values if select == "all" else values[0]


def thumbprint(text: str, algorithm: str = "sha256", name: str = "the input") -> str:
    """A pasted thumbprint as uppercase hex, or an error naming ``name`` and saying what is wrong with it."""
    try:
        check_algorithm(algorithm)
    except CertificateError as error:
        raise AnsibleFilterError(str(error)) from None
    try:
        return normalize_thumbprint(text, algorithm)
    except CertificateError as error:
        raise AnsibleFilterError(f"{name} {error}") from None


def cert_info(data: str | bytes, select: str = "leaf", password: str | None = None, fqdn: str | None = None, fqdn_name: str | None = None) -> Any:
    """Facts, PEM and problems of the selected certificate (a list of them with ``select='all'``)."""
    _require_cryptography("cert_info")
    label = f"{fqdn_name} {fqdn}" if fqdn and fqdn_name else None
    try:
        certs = select_certificates(load_certificates_from_text(data, password, "input"), select, "input")
        summaries = [certificate_facts(cert, fqdn or None, label) for cert in certs]
    except CertificateError as error:
        raise AnsibleFilterError(str(error)) from None
    return summaries if select == "all" else summaries[0]


class FilterModule:
    """Certificate filters of aovpn.rras."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"cert_thumbprint": cert_thumbprint, "thumbprint": thumbprint, "cert_info": cert_info}
