"""Who the client is: the peer's address, or the one a trusted proxy forwards (and
the scheme it was reached by).

uvicorn's own proxy handling is off (see server.py): it takes the rightmost entry of
X-Forwarded-For that is not a trusted proxy whatever that entry is, so a text that is
no address at all becomes the client, a new "client" on every request.
"""

import ipaddress
import logging
from collections.abc import Sequence

log = logging.getLogger("newsdesk")


class Proxies:
    """The proxies in front of the server (`[server] forwarded_allow_ips`: addresses or
    networks): whose forwarded headers are believed, and whose connections carry
    every reader's requests."""

    def __init__(self, trusted: Sequence[str]):
        self._networks = [ipaddress.ip_network(t, strict=False) for t in trusted]

    def __contains__(self, address: str) -> bool:
        if not self._networks:
            return False
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self._networks)


class ClientAddress:
    """The client's address: the peer's, unless the peer is one of the `trusted`
    proxies (addresses or networks) and its X-Forwarded-For holds only valid
    addresses; then the nearest address in that chain that is not a trusted proxy."""

    def __init__(self, trusted: Sequence[str]):
        self._trusted = Proxies(trusted)
        self._warned = False

    def of(self, peer: str, headers: dict[str, str]) -> str:
        forwarded = headers.get("x-forwarded-for")
        if forwarded is None:
            return peer
        if peer not in self._trusted:
            self._warn_once(peer)
            return peer
        entries = forwarded.split(",")
        chain = [address for entry in entries if (address := _address(entry)) is not None]
        if len(chain) != len(entries):
            return peer
        # Each proxy appends the address it was sent from: read from the nearest one.
        for address in reversed(chain):
            if address not in self._trusted:
                return address
        # Every hop is a trusted proxy: the first is the client.
        return chain[0]

    def scheme(self, peer: str, headers: dict[str, str], scheme: str) -> str:
        """The scheme the client used: the one a trusted proxy forwards (it ends TLS
        for the server), else the connection's own."""
        forwarded = headers.get("x-forwarded-proto", "").strip().lower()
        if forwarded in ("http", "https") and peer in self._trusted:
            return forwarded
        return scheme

    def _warn_once(self, peer: str) -> None:
        """A proxy on this machine forwarding addresses that are not believed makes
        every reader one client: say so once, naming the setting."""
        if self._warned or not _is_loopback(peer):
            return
        self._warned = True
        log.warning(
            "X-Forwarded-For from %s is ignored: list the proxy in [server] "
            "forwarded_allow_ips to count and rate-limit readers by their own address",
            peer,
        )


def _address(entry: str) -> str | None:
    """The address an X-Forwarded-For entry holds, in its canonical text; None when
    the entry is not an address."""
    try:
        return str(ipaddress.ip_address(entry.strip()))
    except ValueError:
        return None


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
