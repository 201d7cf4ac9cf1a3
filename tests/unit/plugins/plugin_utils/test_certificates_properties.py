# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property tests: the normaliser is decoration-blind and the parsers fail only with CertificateError."""

from __future__ import annotations

import base64

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.aovpn.rras.plugins.plugin_utils._certificates import (
    ALGORITHMS,
    CertificateError,
    load_certificates,
    load_certificates_from_text,
    normalize_thumbprint,
)
from ansible_collections.aovpn.rras.tests.unit import certgen

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# What people paste around and between hex pairs: separators, whitespace, marks copied from dialogs.
DECORATIONS = [" ", "\t", "\r", "\n", ":", "-", "\u00a0", "\u200b", "\u200e", "\u200f", "\ufeff", "\u2011", "\u2060", "\u3000"]
PEM = certgen.cert_pem(certgen.make_chain()[2].cert)


@st.composite
def decorated(draw: st.DrawFn) -> tuple[str, str, str]:
    """(algorithm, canonical hex, the same hex as a person might paste it)."""
    algorithm = draw(st.sampled_from(sorted(ALGORITHMS)))
    digest = draw(st.binary(min_size=ALGORITHMS[algorithm], max_size=ALGORITHMS[algorithm]))
    canonical = digest.hex().upper()
    pieces = []
    for index in range(0, len(canonical), 2):
        pair = canonical[index:index + 2]
        pieces.append(draw(st.sampled_from([pair, pair.lower(), pair.capitalize(), pair.swapcase()])))
        pieces.append(draw(st.text(st.sampled_from(DECORATIONS), max_size=3)))
    prefix = draw(st.sampled_from(["", "0x", "0X", " 0x"]))
    lead = draw(st.text(st.sampled_from(DECORATIONS), max_size=3))
    return algorithm, canonical, lead + prefix + "".join(pieces)


@FAST
@given(decorated())
def test_normalizer_accepts_every_decoration(case: tuple[str, str, str]) -> None:
    algorithm, canonical, pasted = case
    assert normalize_thumbprint(pasted, algorithm) == canonical
    assert normalize_thumbprint(canonical, algorithm) == canonical


@FAST
@given(st.text(max_size=200), st.sampled_from(sorted(ALGORITHMS)))
def test_normalizer_raises_only_certificate_error(text: str, algorithm: str) -> None:
    try:
        result = normalize_thumbprint(text, algorithm)
    except CertificateError as error:
        assert str(error)
    else:
        assert len(result) == ALGORITHMS[algorithm] * 2
        assert set(result) <= set("0123456789ABCDEF")


def _only_certificate_error(data: bytes, password: str | None = None) -> None:
    try:
        certs = load_certificates(data, password)
    except CertificateError as error:
        assert password is None or password not in str(error)
    else:
        assert certs


# A password the messages could not contain by chance ("inpu" is a substring of "input: is empty").
SECRET_PASSWORDS = st.text(min_size=4, max_size=12).map(lambda text: f"pw#{text}#pw")


@FAST
@given(st.binary(max_size=600), st.one_of(st.none(), SECRET_PASSWORDS))
def test_loader_raises_only_certificate_error_on_bytes(data: bytes, password: str | None) -> None:
    _only_certificate_error(data, password)


@FAST
@given(st.data())
def test_loader_raises_only_certificate_error_on_mangled_certificates(data: st.DataObject) -> None:
    """Byte flips, cuts and base64 wrapping of a real PEM and DER: deep inside the parsers, not only at the door."""
    source = bytearray(data.draw(st.sampled_from([PEM, base64.b64decode(b"".join(PEM.splitlines()[1:-1]))])))
    for _flip in range(data.draw(st.integers(0, 4))):
        source[data.draw(st.integers(0, len(source) - 1))] = data.draw(st.integers(0, 255))
    cut = bytes(source[: data.draw(st.integers(0, len(source)))])
    _only_certificate_error(data.draw(st.sampled_from([cut, base64.b64encode(cut)])))


@FAST
@given(st.text(max_size=300))
def test_text_loader_raises_only_certificate_error(text: str) -> None:
    try:
        assert load_certificates_from_text(text)
    except CertificateError:
        pass
