"""What the client already has and what it accepts: conditional requests (ETag and
dates) and Accept-Encoding with its q-values."""

from email.utils import parsedate_to_datetime
from functools import lru_cache

from newsdesk.web.http import Request

# Browsers send a handful of distinct Accept-Encoding values; each is parsed once.
_KNOWN_ENCODINGS = 256


def not_modified(request: Request, etags: tuple[bytes, ...], modified: float) -> bool:
    """Whether the client's copy is current: its If-None-Match names one of `etags`
    (the answer's in each encoding: a copy in either is the same content), or, without
    If-None-Match, its If-Modified-Since is not before `modified`."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or any(etag.decode() in tags for etag in etags)
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= int(modified)
        except (TypeError, ValueError):
            return False
    return False


def wants_gzip(request: Request) -> bool:
    """Whether to answer in gzip rather than identity (see prefers_gzip)."""
    accepted = request.headers.get("accept-encoding")
    return accepted is not None and prefers_gzip(accepted)


@lru_cache(maxsize=_KNOWN_ENCODINGS)
def prefers_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip at least as much as no encoding
    (RFC 9110 §12.5.3): `gzip;q=0` refuses it, `*` stands for every coding not named,
    and identity is acceptable unless refused by name or by `*;q=0`."""
    named: dict[str, float] = {}
    for item in accept_encoding.lower().split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        if coding:
            named[coding] = _quality(parameters)
    anything = named.get("*")
    gzip = named.get("gzip", named.get("x-gzip", anything if anything is not None else 0.0))
    identity = named.get("identity", anything if anything is not None else 1.0)
    return gzip > 0 and gzip >= identity


def _quality(parameters: list[str]) -> float:
    """The q-value among a coding's parameters (1 when absent, 0 when unreadable: a
    coding the client wrote unclearly is not one it asked for)."""
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0
