"""The client address behind reverse proxies (API.md "Client address behind proxies").

``TRUSTED_PROXIES`` lists the proxies (IPs/CIDRs) whose ``X-Forwarded-For`` we believe. The
client address is the TCP peer, unless the peer is a trusted proxy: then ``X-Forwarded-For`` is
walked from the right — each entry was appended by the hop to its right — and the first address
that is not a trusted proxy is the client. Entries further left were written by that client and
are never looked at, so a forged left-most entry changes nothing.

An entry that is not an IP address stops the walk: it was not written by a proxy we trust to
write addresses, so the nearest trusted hop is taken as the client (a shared, conservative key
for rate limits rather than one the caller can vary).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxy_networks(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """``TRUSTED_PROXIES`` entries as networks; a bare address is a /32 (or /128).

    Raises ``ValueError`` naming the first entry that is neither an address nor a CIDR (host bits
    set, as in ``10.0.0.1/8``, are refused: that typo would trust a whole network).
    """
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=True))
        except ValueError as exc:
            raise ValueError(f"{entry!r} is not an IP address or CIDR ({exc})") from None
    return tuple(networks)


def parse_address(value: str) -> IPAddress | None:
    """One ``X-Forwarded-For`` entry (or a peer address) as an address, or None when malformed.

    Accepts the forms proxies write: ``1.2.3.4``, ``2001:db8::1``, ``1.2.3.4:5678`` and
    ``[2001:db8::1]:5678``; IPv4-mapped IPv6 peers (dual-stack sockets) become IPv4.
    """
    text = value.strip()
    if text.startswith("["):
        text, bracket, port = text[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return None
    elif text.count(":") == 1:  # IPv4 with a port; an IPv6 address has at least two colons
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    """Resolves the client address of a request from its peer and ``X-Forwarded-For``."""

    def __init__(self, networks: Iterable[IPNetwork] = ()):
        self._networks = tuple(networks)

    @classmethod
    def from_settings(cls, entries: Iterable[str]) -> TrustedProxies:
        return cls(parse_proxy_networks(entries))

    def trusts(self, address: IPAddress) -> bool:
        return any(address in network for network in self._networks)

    def client_address(self, peer: str | None, forwarded_for: Sequence[str]) -> str | None:
        """``forwarded_for``: every ``X-Forwarded-For`` header value, in the order received."""
        if not self._networks or peer is None:
            return peer
        hop = parse_address(peer)
        if hop is None or not self.trusts(hop):
            return peer
        entries = [item for value in forwarded_for for item in value.split(",") if item.strip()]
        for entry in reversed(entries):
            address = parse_address(entry)
            if address is None:
                break
            hop = address
            if not self.trusts(address):
                break
        return str(hop)
