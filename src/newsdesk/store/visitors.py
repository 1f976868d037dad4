"""Who sent a view beacon: an anonymous visitor id, and whether it was a machine.

Pure functions: the store counts with them, the server calls them per request.
"""

import hashlib
import hmac
import ipaddress
import re

# Tools and crawlers whose user agent says neither "bot", "spider" nor "crawler";
# the many named crawlers that do (Googlebot, Baiduspider, Bytespider, GPTBot, …)
# are caught by those words.
_NAMED_AGENTS = (
    "facebookexternalhit",
    "meta-externalagent",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "java/",
    "okhttp",
    "node-fetch",
    "axios",
    "libwww-perl",
    "httpie",
    "postmanruntime",
    "scrapy",
)
# "bot" but not the Android phones of the Cubot brand ("CUBOT P30").
_GENERIC_AGENTS = (r"(?<!cu)bot", "spider", "crawler")
_BOT = re.compile(
    "|".join([*map(re.escape, _NAMED_AGENTS), *_GENERIC_AGENTS]),
    re.IGNORECASE,
)


def visitor_id(salt: str, address: str, user_agent: str) -> str:
    """A 64-hex-digit id for one visitor on the salt's day.

    Keyed by the daily salt, so the id cannot be reversed into the address by
    hashing every IPv4 address, and the same reader is unlinkable across days.
    """
    message = f"{address}\n{user_agent}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


def address_id(salt: str, address: str) -> str:
    """A 64-hex-digit id for one client address on the salt's day, keyed as visitor
    ids are, and taken by its `client_network`."""
    message = f"address\n{client_network(address)}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


def client_network(address: str) -> str:
    """What one client is counted by: an IPv4 address, or an IPv6 address's /64 (one
    household or host is given a whole /64 and can use any address in it). Text that
    is no address is returned as it is."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    prefix = 64 if parsed.version == 6 else 32
    return str(ipaddress.ip_network((parsed, prefix), strict=False))


def is_bot(user_agent: str) -> bool:
    """Whether a view from this user agent should not count.

    An empty user agent is a script's. HeadlessChrome counts as a browser: the
    project's own browser tests drive headless Chromium and check the counter.
    """
    return not user_agent.strip() or _BOT.search(user_agent) is not None
