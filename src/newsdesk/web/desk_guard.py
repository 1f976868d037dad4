"""The guard of every route under /desk/ and /api/v1/desk/: who is asking (a session
cookie, or a bearer token for the API), and for a cookie, that the request is the
user's own (same site, and a CSRF token of their session)."""

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from newsdesk.web.desk_auth import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    Principal,
    bearer,
    cookies,
    cross_site,
    is_api,
    is_desk,
    tokens_match,
)
from newsdesk.web.http import HTTPError, Reply, Request, read_body
from newsdesk.web.router import Handler, Route

if TYPE_CHECKING:
    from newsdesk.web.desk import Desk

# Routes anyone may reach: the login form (its POST carries a CSRF token of its own,
# bound to the login cookie, and is checked for a cross-site origin here).
PUBLIC = frozenset({"/desk/login"})
_FORM_TYPE = "application/x-www-form-urlencoded"
_BEARER_CHALLENGE = [(b"www-authenticate", b'Bearer realm="newsdesk desk"')]
# The largest form the desk takes before the editor's (a login, a logout).
MAX_FORM = 16 * 1024


class DeskGuard:
    """Middleware: wraps the desk's routes, leaves every other route as it is.

    - API with `Authorization: Bearer`: the token's user; no CSRF check (a token is
      no ambient credential a browser would send on its own).
    - Otherwise the session cookie's user. On the API it must come with the header
      `X-CSRF-Token` on every method (GET too), so that only the desk's own scripts
      use the cookie there; on pages, every state-changing method needs the token
      (form field `csrf` or the header), and a cross-site Origin or Sec-Fetch-Site
      is refused before anything else.
    - No user: pages redirect to the login form (303), the API answers 401.
    """

    def __init__(self, desk: "Desk", own_origins: set[str]):
        self._desk = desk
        self._origins = own_origins

    def __call__(self, route: Route, handler: Handler) -> Handler:
        if not is_desk(route.pattern):
            return handler
        public = route.pattern in PUBLIC

        async def guarded(request: Request) -> Reply:
            api = is_api(request.path)
            token = bearer(request) if api else None
            if token is not None:
                user = await asyncio.to_thread(self._desk.bearer_of, token) if token else None
                if user is None:
                    raise HTTPError(401, "unknown or revoked API token", _BEARER_CHALLENGE)
                request.context["principal"] = user
                return await handler(request)
            unsafe = request.method not in SAFE_METHODS
            locale = self._desk.locale()
            if unsafe and cross_site(request, self._origins):
                raise HTTPError(403, locale.text("desk_cross_site"))
            if public:
                return await handler(request)
            found = cookies(request, SESSION_COOKIE)
            user = await asyncio.to_thread(self._desk.session_of, found) if found else None
            if user is None:
                if api:
                    message = "sign in, or send Authorization: Bearer TOKEN"
                    raise HTTPError(401, message, _BEARER_CHALLENGE)
                return self._desk.login_redirect(request)
            if (api or unsafe) and not await _csrf_ok(request, user, api):
                raise HTTPError(403, locale.text("desk_csrf_refused"))
            request.context["principal"] = user
            return await handler(request)

        return guarded


async def _csrf_ok(request: Request, user: Principal, api: bool) -> bool:
    """Whether the request carries the session's CSRF token: in the header, or (for a
    page's form) in the field `csrf`."""
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and not api:
        sent = (await read_form(request)).get(CSRF_FIELD, "")
    return tokens_match(user.csrf, sent)


async def read_form(request: Request) -> dict[str, str]:
    """The request's URL-encoded form (read once: the guard and the handler share it);
    empty for another content type."""
    cached = request.context.get("form")
    if isinstance(cached, dict):
        return cached
    form: dict[str, str] = {}
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == _FORM_TYPE:
        body = await read_body(request, MAX_FORM)
        try:
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"))
        except (UnicodeDecodeError, ValueError) as error:
            raise HTTPError(400, "the form is not valid UTF-8") from error
        if any("\x00" in value for value in form.values()):
            raise HTTPError(400, "the form contains a NUL character")
    request.context["form"] = form
    return form
