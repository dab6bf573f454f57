"""TRUSTED_PROXIES: the client address is the first untrusted hop from the right of
X-Forwarded-For, and only when the peer itself is a trusted proxy."""

from __future__ import annotations

import pytest

from entrypoints.http.client_address import TrustedProxies, parse_address, parse_proxy_networks

PROXIES = TrustedProxies.from_settings(["10.0.0.0/8", "192.0.2.1", "2001:db8:ffff::/48"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.5", ["6.6.6.6"], "203.0.113.5"),  # untrusted peer: header ignored
        ("10.0.0.1", [], "10.0.0.1"),  # trusted peer, no header: the peer
        ("10.0.0.1", ["6.6.6.6, 203.0.113.7"], "203.0.113.7"),  # forged left-most ignored
        ("10.0.0.1", ["6.6.6.6, 203.0.113.7, 192.0.2.1, 10.4.4.4"], "203.0.113.7"),
        ("10.0.0.1", ["6.6.6.6", "203.0.113.7, 10.2.2.2"], "203.0.113.7"),  # repeated headers
        ("10.0.0.1", ["10.3.3.3, 192.0.2.1"], "10.3.3.3"),  # every hop trusted: left-most
        ("10.0.0.1", ["6.6.6.6, junk"], "10.0.0.1"),  # malformed: nearest trusted hop
        ("10.0.0.1", ["6.6.6.6, junk, 10.5.5.5"], "10.5.5.5"),
        ("10.0.0.1", [" , ,203.0.113.7 ,, "], "203.0.113.7"),
        ("10.0.0.1", ["203.0.113.7:4711"], "203.0.113.7"),
        ("10.0.0.1", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("2001:db8:ffff::1", ["2001:db8::7, 2001:db8:ffff::2"], "2001:db8::7"),
        ("::ffff:10.0.0.1", ["203.0.113.7"], "203.0.113.7"),  # dual-stack peer
        (None, ["203.0.113.7"], None),
        ("not-an-address", ["203.0.113.7"], "not-an-address"),
    ],
)
def test_client_address(peer, forwarded, client):
    assert PROXIES.client_address(peer, forwarded) == client


def test_without_trusted_proxies_the_peer_is_the_client():
    assert TrustedProxies().client_address("10.0.0.1", ["203.0.113.7"]) == "10.0.0.1"


@pytest.mark.parametrize("entry", ["10.0.0.1/8", "proxy.internal", "10.0.0.0/33", ""])
def test_entries_that_are_not_addresses_or_networks_are_refused(entry):
    with pytest.raises(ValueError, match="not an IP address or CIDR"):
        parse_proxy_networks([entry])


@pytest.mark.parametrize("value", ["", "unknown", "999.1.1.1", "1.2.3.4:x:y", "[::1", "é"])
def test_malformed_addresses_parse_to_none(value):
    assert parse_address(value) is None
