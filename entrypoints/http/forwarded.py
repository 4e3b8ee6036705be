"""Who the client is behind proxies: the address, and whether it spoke HTTPS.

A proxy appends the address it saw to X-Forwarded-For (or adds a `for=` element to RFC 7239
Forwarded); it keeps whatever the client wrote there before. Only the entries on the right, one
per proxy of ours, were written by someone we trust: the client is `hops` entries from the
right. The leftmost entry is whatever the client chose to send, so taking it would let anyone
pick a fresh address, and a fresh rate-limit bucket, for every request. The headers count only
when the connection itself comes from a trusted proxy's network; from any other peer they are
ignored, and the peer is the client."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from litestar.types import Scope

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_MAX_REMEMBERED = 4096


@dataclass
class ProxyTrust:
    #: Proxies in front of the app that append to `header`; 0 believes no forwarding header.
    hops: int = 0
    #: b"x-forwarded-for" or b"forwarded".
    header: bytes = b"x-forwarded-for"
    trusted: tuple[IPNetwork, ...] = ()
    _peers: dict[str, bool] = field(default_factory=dict, repr=False)
    #: Forwarding entries already read, and the address in each ("" for none).
    _addresses: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, hops: int, header: str, networks: Iterable[str]) -> ProxyTrust:
        return cls(
            hops=hops,
            header=header.lower().encode(),
            trusted=tuple(ipaddress.ip_network(n, strict=False) for n in networks),
        )

    def client_ip(self, scope: Scope, headers: dict[bytes, bytes]) -> str:
        peer = _peer(scope)
        if not self.hops or not self._from_proxy(peer):
            return peer
        raw = headers.get(self.header)
        if not raw:
            return peer
        entries = raw.decode("latin-1").split(",")
        # Every proxy appends one entry, so the last `hops` entries are theirs; with fewer
        # entries than proxies the leftmost one was still written by a proxy.
        chosen = entries[max(0, len(entries) - self.hops)]
        if self.header == b"forwarded":
            chosen = _forwarded_for(chosen)
        address = self._addresses.get(chosen)
        if address is None:
            address = _address(chosen) or ""
            if len(self._addresses) >= _MAX_REMEMBERED:
                self._addresses.clear()
            self._addresses[chosen] = address
        return address or peer

    def https(self, scope: Scope, headers: dict[bytes, bytes] | None = None) -> bool:
        """Whether the client reached us over HTTPS, as the nearest trusted proxy tells it."""
        if scope.get("scheme") == "https":
            return True
        if not self.hops or not self._from_proxy(_peer(scope)):
            return False
        if headers is None:
            headers = {name.lower(): value for name, value in scope["headers"]}
        proto = headers.get(b"x-forwarded-proto")
        if proto is not None and proto.rsplit(b",", 1)[-1].strip().lower() == b"https":
            return True
        forwarded = headers.get(b"forwarded")
        if forwarded is None:
            return False
        last = forwarded.rsplit(b",", 1)[-1].lower()
        return any(part.strip() == b"proto=https" for part in last.split(b";"))

    def _from_proxy(self, peer: str) -> bool:
        known = self._peers.get(peer)
        if known is None:
            try:
                address = ipaddress.ip_address(peer)
            except ValueError:
                known = False
            else:
                known = any(address in network for network in self.trusted)
            if len(self._peers) >= _MAX_REMEMBERED:
                self._peers.clear()
            self._peers[peer] = known
        return known


def _peer(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _forwarded_for(element: str) -> str:
    """The `for=` node of one element of an RFC 7239 Forwarded header ("" if it has none)."""
    for pair in element.split(";"):
        name, _, node = pair.partition("=")
        if name.strip().lower() == "for":
            return node.strip().strip('"')
    return ""


def _address(entry: str) -> str | None:
    """The IP address in a forwarding entry (brackets and port removed); None if there is none."""
    entry = entry.strip()
    if entry.startswith("["):
        entry = entry[1:].partition("]")[0]
    elif entry.count(":") == 1:
        entry = entry.partition(":")[0]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return None
