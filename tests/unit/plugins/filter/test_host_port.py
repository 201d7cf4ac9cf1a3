# Copyright: (c) 2026, aovpn.rras contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aovpn.rras.host_port as Ansible loads it: the forms of the lookup's parser, the default port, errors naming the input."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible.plugins.loader import filter_loader

HOST_PORT = filter_loader.get("aovpn.rras.host_port").j2_function


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("vpn.example.com", {"host": "vpn.example.com", "port": 443}),
        ("vpn.example.com:8443", {"host": "vpn.example.com", "port": 8443}),
        ("[2001:db8::10]:4443", {"host": "2001:db8::10", "port": 4443}),
        # the role's former regex read a bare IPv6 address as host ':' and port 1
        ("::1", {"host": "::1", "port": 443}),
    ],
)
def test_host_port(endpoint: str, expected: dict) -> None:
    assert HOST_PORT(endpoint) == expected


def test_default_port() -> None:
    assert HOST_PORT("vpn.example.com", default_port=4443) == {"host": "vpn.example.com", "port": 4443}
    assert HOST_PORT("vpn.example.com:443", default_port=4443) == {"host": "vpn.example.com", "port": 443}


@pytest.mark.parametrize(("endpoint", "error"), [("vpn.example.com:https", "invalid port 'https'"), ("[::1", "IPv6"), (443, "not int")])
def test_bad_endpoints_fail_naming_the_input(endpoint: object, error: str) -> None:
    with pytest.raises(AnsibleFilterError, match=error):
        HOST_PORT(endpoint)
