"""Who is calling: the one rule every throttle uses to name a client.

The peer address of the TCP connection is the client, unless that peer is one
of the proxies the operator listed in ONEWINDOW_TRUSTED_PROXIES. Only then is
X-Forwarded-For read, right to left, skipping trusted proxies: the first
address a trusted proxy vouches for is the client. A header sent by anyone
else is ignored, so a stranger cannot pick the name they are throttled under
(or lock out someone else's).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any, Iterable, Mapping, Optional, Tuple, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
UNKNOWN = "unknown"


@lru_cache(maxsize=32)
def trusted_networks(proxies: Tuple[str, ...]) -> Tuple[Network, ...]:
    """Parse ONEWINDOW_TRUSTED_PROXIES entries (addresses or CIDR networks).
    A malformed entry is an operator error: raise, naming it."""
    networks = []
    for entry in proxies:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(f"ONEWINDOW_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from error
    return tuple(networks)


def _parse(address: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    address = address.strip().strip('"')
    if address.startswith("[") and "]" in address:  # [v6]:port
        address = address[1 : address.index("]")]
    elif address.count(":") == 1:  # v4:port
        address = address.split(":", 1)[0]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    mapped = getattr(parsed, "ipv4_mapped", None)
    return mapped or parsed


def _is_trusted(address: str, networks: Tuple[Network, ...]) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in networks)


def _header(scope: Mapping[str, Any], name: bytes) -> str:
    values = [value.decode("latin-1") for key, value in scope.get("headers") or [] if key.lower() == name]
    return ",".join(values)


def client_address(connection: Any, trusted_proxies: Iterable[str] = ()) -> str:
    """The client's address for an ASGI scope, a Starlette Request or a WebSocket.

    `trusted_proxies` is `settings.trusted_proxies`; with none, X-Forwarded-For
    is never read. Returns "unknown" when the server does not know the peer."""
    scope = connection if isinstance(connection, Mapping) else connection.scope
    peer = (scope.get("client") or (None,))[0]
    if not peer:
        return UNKNOWN
    networks = trusted_networks(tuple(trusted_proxies))
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in _header(scope, b"x-forwarded-for").split(",") if hop.strip()]
    for hop in reversed(hops):
        if _is_trusted(hop, networks):
            continue
        parsed = _parse(hop)
        return str(parsed) if parsed is not None else peer  # garbage from the far side: keep the proxy's word
    return str(_parse(hops[0])) if hops and _parse(hops[0]) else peer
