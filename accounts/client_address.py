"""Who is on the other end of the connection: the one function that answers it.

Behind a reverse proxy every request comes from the proxy (REMOTE_ADDR = 127.0.0.1), and the
client's address travels in X-Forwarded-For, a header anyone can also send. So the header is read
only when the peer itself is a proxy listed in DMP_TRUSTED_PROXIES (empty by default: trust
nobody), and then from the right: each trusted proxy appends the address it saw, so the right-most
address that is not a trusted proxy is the first one no proxy of ours can vouch for beyond, the
client. Anything to its left was written by the client and is ignored.

Used by the traces (audit.services) and by anything that counts per client (login throttles).
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(raw: str) -> Address | None:
    """An address in canonical form ("2001:DB8::1" and "2001:0db8::1" are one address), an IPv4
    address mapped into IPv6 ("::ffff:10.0.0.1", dual-stack sockets) as IPv4; None if malformed."""
    try:
        address = ipaddress.ip_address(raw.strip().split("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """DMP_TRUSTED_PROXIES as networks ("10.0.0.5" is "10.0.0.5/32"); settings checked them."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address in canonical form, or None when even the peer's address is unusable.

    - peer not a trusted proxy: the peer (X-Forwarded-For ignored: anyone can send it);
    - peer trusted: walk X-Forwarded-For from the right, skipping trusted proxies; the first
      address that is not one is the client;
    - a malformed entry on that walk ends it: nothing to its left can be vouched for, so the
      last proxy we could vouch for is the client (a broken chain never yields a chosen address);
    - every entry trusted (or no header): the left-most of them, e.g. the load balancer's probe.
    """
    if request is None:
        return None
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    networks = trusted_networks(tuple(settings.DMP_TRUSTED_PROXIES))
    client = peer
    if _is_trusted(peer, networks):
        # Several X-Forwarded-For headers reach WSGI joined by commas, in order.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
        for entry in reversed(forwarded.split(",") if forwarded else []):
            hop = parse_address(entry)
            if hop is None:
                break
            client = hop
            if not _is_trusted(hop, networks):
                break
    return str(client)
