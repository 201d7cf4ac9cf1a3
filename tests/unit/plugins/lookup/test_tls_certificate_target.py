"""Terms and options of ``aovpn.rras.tls_certificate`` that fail or parse before any connection."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader

from ansible_collections.aovpn.rras.plugins.module_utils._tls_probe import default_server_name, format_endpoint, parse_target


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("vpn.example.com", ("vpn.example.com", 443)),
        (" vpn.example.com:8443 ", ("vpn.example.com", 8443)),
        ("203.0.113.10:443", ("203.0.113.10", 443)),
        ("[::1]:4443", ("::1", 4443)),
        ("[2001:db8::10]", ("2001:db8::10", 443)),
        ("2001:db8::10", ("2001:db8::10", 443)),
        ("[::1]:", ("::1", 443)),  # an empty port is the default port, as in URLs
    ],
)
def test_parse_target(term: str, expected: tuple[str, int]) -> None:
    assert parse_target(term) == expected
    assert parse_target(format_endpoint(*expected)) == expected  # what error messages show parses back


@pytest.mark.parametrize(
    ("term", "error"),
    [
        ("", "has no host"),
        (":443", "has no host"),
        ("[::1", "is not \\[IPv6 address\\]:port"),
        ("[::1]443", "is not \\[IPv6 address\\]:port"),
        ("vpn.example.com:0", "invalid port '0'"),
        ("vpn.example.com:65536", "invalid port '65536'"),
        ("vpn.example.com:https", "invalid port 'https'"),
    ],
)
def test_parse_target_rejects(term: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_target(term)


@pytest.mark.parametrize(
    ("host", "sni"),
    [("vpn.example.com", "vpn.example.com"), ("203.0.113.10", None), ("2001:db8::10", None), ("localhost", "localhost")],
)
def test_default_server_name(host: str, sni: str | None) -> None:
    assert default_server_name(host) == sni


@pytest.mark.parametrize(
    ("terms", "options", "error"),
    [
        (["vpn.example.com"], {"timeout": -1}, "timeout must be a positive number of seconds, not -1"),
        ([443], {}, "a term must be 'host\\[:port\\]', not int"),
        (["vpn.example.com:70000"], {}, "'vpn.example.com:70000' has an invalid port '70000'"),
    ],
)
def test_lookup_rejects_before_connecting(terms: list[object], options: dict[str, object], error: str) -> None:
    with pytest.raises(AnsibleLookupError, match=error):
        lookup_loader.get("aovpn.rras.tls_certificate").run(terms, variables={}, **options)
