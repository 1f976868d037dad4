"""Who is asking the desk, and whether the request is theirs: session cookies, bearer
tokens, CSRF tokens (HMAC of the session's secret), the cross-site check, roles."""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from newsdesk.site.locale import Locale
from newsdesk.web.http import Headers, HTTPError, Request
from newsdesk.web.openapi import PREFIX

DESK = "/desk"
DESK_API = PREFIX + "/desk"
SESSION_COOKIE = "newsdesk_session"
# Before a login there is no session: the login form's CSRF token is bound to this
# cookie instead (signed double submit).
LOGIN_COOKIE = "newsdesk_login"
LOGIN_COOKIE_SECONDS = 3600
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
# The session cookie is sent to the desk's pages and to its API (for the desk's own
# scripts, which must send X-CSRF-Token with it), never to the public site.
COOKIE_PATHS = (DESK, DESK_API)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Ranks: a role may do all that the roles below it may.
ROLE_RANK = {"author": 1, "editor": 2, "admin": 3}
# A browser sends at most this many cookies of one name (paths, planted ones) that
# are worth a look-up each.
_MAX_SAME_NAME = 3


@dataclass(frozen=True)
class Principal:
    """The user a desk request acts for, and how it proved it."""

    name: str
    role: str
    via: Literal["session", "token"]
    # The session's cookie value and CSRF token ("" for a token).
    session: str = ""
    csrf: str = ""


def is_desk(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in (DESK, DESK_API))


def is_api(path: str) -> bool:
    return path == DESK_API or path.startswith(DESK_API + "/")


def csrf_token(secret: str, purpose: str = "session") -> str:
    """The CSRF token of a session (its secret) or of a login form (the server's
    secret, with the login cookie as `purpose`)."""
    key = secret.encode()
    return hmac.new(key, f"newsdesk-csrf:{purpose}".encode(), hashlib.sha256).hexdigest()


def tokens_match(expected: str, given: str) -> bool:
    """Compared in constant time (as bytes: a non-ASCII value is simply wrong)."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def cookies(request: Request, name: str) -> list[str]:
    """Every value of the cookie `name` the request carries (a browser sends one per
    path that matches, most specific first), a few at most."""
    found = []
    for pair in request.headers.get("cookie", "").split(";"):
        key, _, value = pair.strip().partition("=")
        if key == name and value:
            found.append(value.strip('"'))
    return found[:_MAX_SAME_NAME]


def bearer(request: Request) -> str | None:
    """The token of `Authorization: Bearer …`, "" for a malformed header, None for none."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def set_cookie(
    name: str, value: str, path: str, request: Request, max_age: int, same_site: str = "Lax"
) -> tuple[bytes, bytes]:
    """A Set-Cookie header: HttpOnly always, Secure when the request came over HTTPS."""
    parts = [f"{name}={value}", f"Path={path}", f"Max-Age={max_age}", "HttpOnly"]
    parts.append(f"SameSite={same_site}")
    if request.scheme == "https":
        parts.append("Secure")
    return b"set-cookie", "; ".join(parts).encode()


def session_cookies(value: str, request: Request, max_age: int, paths: tuple[str, ...]) -> Headers:
    """The session cookie for every path of the desk (`max_age` 0 with "" clears it)."""
    return [set_cookie(SESSION_COOKIE, value, path, request, max_age) for path in paths]


def cross_site(request: Request, own_origins: set[str]) -> bool:
    """Whether a browser says the request comes from another site: by Sec-Fetch-Site
    (anything but same-origin, or none: typed in the address bar), else by Origin. A
    request with neither (a script, an old browser) is not cross-site by this test;
    the CSRF token still is required of it."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    host = request.headers.get("host", "")
    return origin not in own_origins and origin != f"{request.scheme}://{host}"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def principal(request: Request) -> Principal:
    """The user the desk's guard found for the request (every desk route has one)."""
    found = request.context.get("principal")
    if not isinstance(found, Principal):
        raise HTTPError(401, "not signed in")
    return found


def require(request: Request, role: str, locale: Locale) -> Principal:
    """The request's user, when their role is `role` or above; else 403."""
    user = principal(request)
    if ROLE_RANK.get(user.role, 0) < ROLE_RANK[role]:
        raise HTTPError(403, locale.text("desk_forbidden"))
    return user


def safe_next(value: str) -> str:
    """Where to go after a login: a path of the desk, never another site (`//host`,
    `/\\host`, a scheme) or anything outside /desk/ (`..`, written as it is or
    percent-encoded, which a browser resolves too); else the desk's home."""
    path = value.split("?", 1)[0].split("#", 1)[0]
    if (
        value.startswith(DESK + "/")
        and "\\" not in value
        and not any(ord(c) < 0x20 or c == "\x7f" for c in unquote(value))
        and not {".", ".."} & set(unquote(path).split("/"))
        and not urlsplit(value).netloc
    ):
        return value
    return DESK + "/"
