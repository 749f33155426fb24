"""The client's address, as the limits per client see it.

REMOTE_ADDR is the peer of the connection. When that peer is one of TRUSTED_PROXIES (addresses or
networks), the client is the address it appended to X-Forwarded-For: reading the header from the
right, the first address that is not itself a trusted proxy. Everything left of that was written
by the client and is ignored, so `X-Forwarded-For: 6.6.6.6` buys no new address. A peer that is
not a trusted proxy is the client, whatever it sends.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks (a bare address is a network of one)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.5, "
                "172.16.0.0/12)"
            ) from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    """An address from a header entry: bare, IPv4 with a port, or [IPv6] with a port."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket: count it as the IPv4 address it is.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(remote_addr: str, forwarded_for: str, trusted: tuple[str, ...]) -> str:
    peer = _address(remote_addr)
    networks = parse_networks(trusted)
    if peer is None or not networks or not _trusted(peer, networks):
        return remote_addr
    closest = peer
    for entry in reversed(forwarded_for.split(",")) if forwarded_for else ():
        hop = _address(entry)
        if hop is None:
            # Not an address a proxy writes: the client's own text; the last trusted hop is all
            # we know.
            break
        closest = hop
        if not _trusted(hop, networks):
            break
    return str(closest)


def client_ip(request: HttpRequest) -> str:
    """The address limits per client count against (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") or ""
    trusted = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    return client_address(remote, forwarded, trusted) or "unknown"
