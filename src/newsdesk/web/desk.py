"""The editor's desk: logging in and out, the article list (page and JSON API), and
the account and session look-ups its guard (desk_guard.py) relies on."""

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from newsdesk.publish.live import LiveSite
from newsdesk.publish.snapshot import Snapshot
from newsdesk.site.desk_list import DeskFilters, DeskRow, DeskUser, Views, desk_rows, filter_rows
from newsdesk.site.desk_pages import Account, LoginForm, articles_page, login_page, users_page
from newsdesk.site.locale import Locale
from newsdesk.store import audit, views
from newsdesk.store.accounts import list_users
from newsdesk.store.api_tokens import verify_bearer
from newsdesk.store.credentials import DEFAULT_HASHER, new_token
from newsdesk.store.login import LoginPolicy, LoginResult, verify_login
from newsdesk.store.sessions import (
    SessionPolicy,
    find_session,
    form_secret,
    revoke_session,
    rotate_session,
)
from newsdesk.web.desk_auth import (
    COOKIE_PATHS,
    DESK,
    LOGIN_COOKIE,
    LOGIN_COOKIE_SECONDS,
    SESSION_COOKIE,
    Principal,
    cookies,
    csrf_token,
    principal,
    require,
    safe_next,
    session_cookies,
    set_cookie,
    tokens_match,
)
from newsdesk.web.desk_guard import read_form
from newsdesk.web.http import JSON_TYPE, Headers, HTTPError, Reply, Request, json_body

_HTML = (b"content-type", b"text/html; charset=utf-8")
# What a path and query keep as they are in a Location header (safe_next allowed them).
_LOCATION_SAFE = "/?&=%#:;,+-._~!$'()*@"
# The page a failed login answers, by the store's reason.
_FAILED = {"wrong-password": 401, "no-such-user": 401, "disabled": 401, "locked": 403}


@dataclass(frozen=True)
class _LoggedIn:
    result: LoginResult
    token: str = ""


class Desk:
    """The desk's handlers (see routes.py). `login_policy`, `session_policy`, `hasher`
    and `clock` are the store's policies, password hasher and the time they are
    applied at: the defaults in service, others for tests."""

    def __init__(self, live: LiveSite, snapshot: Callable[[], Snapshot]):
        self.live = live
        self.engine = live.engine
        self.zone = live.content.zone
        self._snapshot = snapshot
        self.login_policy = LoginPolicy()
        self.session_policy = SessionPolicy()
        self.hasher = DEFAULT_HASHER
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._form_secret = ""

    # Look-ups for the guard ------------------------------------------------

    def session_of(self, tokens: list[str]) -> Principal | None:
        """The user of the first live session among the cookie's values."""
        now = self.clock()
        with self.engine.begin() as connection:
            for token in tokens:
                found = find_session(connection, token, now, self.session_policy)
                if found is not None:
                    csrf = csrf_token(found.csrf_secret)
                    user = found.user
                    return Principal(user.name, user.role, "session", token, csrf)
        return None

    def bearer_of(self, token: str) -> Principal | None:
        with self.engine.begin() as connection:
            found = verify_bearer(connection, token, self.clock())
        return None if found is None else Principal(found.user.name, found.user.role, "token")

    def form_secret(self) -> str:
        if not self._form_secret:
            with self.engine.begin() as connection:
                self._form_secret = form_secret(connection)
        return self._form_secret

    # Logging in and out ------------------------------------------------------

    async def login_form(self, request: Request) -> Reply:
        next_path = safe_next(request.query.get("next", ""))
        return await self._login_page(request, 200, LoginForm("", next_path))

    async def login(self, request: Request) -> Reply:
        form = await read_form(request)
        next_path = safe_next(form.get("next", ""))
        name = form.get("name", "").strip()
        locale = self._snapshot().theme.locale
        secret = await asyncio.to_thread(self.form_secret)
        sent = form.get("csrf", "")
        bound = cookies(request, LOGIN_COOKIE)
        if not any(tokens_match(csrf_token(secret, value), sent) for value in bound):
            expired = LoginForm("", next_path, name, locale.text("desk_login_expired"))
            return await self._login_page(request, 403, expired, fresh=True)
        password = form.get("password", "")
        old = cookies(request, SESSION_COOKIE)
        done = await asyncio.to_thread(self._verify, name, password, request.client, old)
        result = done.result
        if done.token:
            lifetime = int(self.session_policy.lifetime.total_seconds())
            headers: Headers = [(b"location", self._href(next_path).encode())]
            headers += session_cookies(done.token, request, lifetime, self._cookie_paths())
            headers.append(set_cookie(LOGIN_COOKIE, "", self._href(DESK), request, 0, "Strict"))
            return 303, headers, b""
        wait = math.ceil(result.retry_after or 0)
        retry: Headers = [(b"retry-after", str(wait).encode())] if wait else []
        if result.reason == "throttled":
            message = locale.text("desk_login_throttled", seconds=wait)
            status = 429
        elif result.reason == "locked":
            message = locale.text("desk_login_locked", minutes=max(1, math.ceil(wait / 60)))
            status = _FAILED["locked"]
        else:
            message = locale.text("desk_login_failed")
            status = _FAILED.get(result.reason, 401)
        status, headers, body = await self._login_page(
            request, status, LoginForm("", next_path, name, message)
        )
        return status, headers + retry, body

    def _verify(self, name: str, password: str, address: str, old: list[str]) -> _LoggedIn:
        """The login checked, and on success a new session in the same transaction:
        every session the browser had before ends (a planted one included)."""
        now = self.clock()
        with self.engine.begin() as connection:
            result = verify_login(
                connection, name, password, address, now, self.login_policy, self.hasher
            )
            if result.user is None:
                return _LoggedIn(result)
            for planted in old[1:]:
                revoke_session(connection, planted)
            made = rotate_session(
                connection, old[0] if old else None, result.user.id, now, self.session_policy
            )
            user = result.user.name
            audit.record(connection, now, user, "auth.login", user, f"address {address}")
        return _LoggedIn(result, made.token)

    async def logout(self, request: Request) -> Reply:
        user = principal(request)
        await asyncio.to_thread(self._logout, user)
        headers: Headers = [(b"location", self._href(DESK + "/login").encode())]
        headers += session_cookies("", request, 0, self._cookie_paths())
        return 303, headers, b""

    def _logout(self, user: Principal) -> None:
        now = self.clock()
        with self.engine.begin() as connection:
            if revoke_session(connection, user.session):
                audit.record(connection, now, user.name, "auth.logout", user.name)

    async def _login_page(
        self, request: Request, status: int, form: LoginForm, fresh: bool = False
    ) -> Reply:
        """The login form, with a CSRF token bound to the browser's login cookie (a new
        one when it has none, or `fresh`)."""
        known = [] if fresh else cookies(request, LOGIN_COOKIE)
        value = known[0] if known else new_token()
        headers: Headers = [_HTML]
        if not known:
            path = self._href(DESK)
            headers.append(
                set_cookie(LOGIN_COOKIE, value, path, request, LOGIN_COOKIE_SECONDS, "Strict")
            )
        secret = await asyncio.to_thread(self.form_secret)
        filled = LoginForm(csrf_token(secret, value), form.next, form.name, form.message)
        return status, headers, login_page(self._snapshot().theme, filled)

    # The article list ----------------------------------------------------------

    async def articles_page(self, request: Request) -> Reply:
        theme = self._snapshot().theme
        user = require(request, "author", theme.locale)
        every = await asyncio.to_thread(self._rows, user)
        filters = DeskFilters.of(request.query)
        shown = filter_rows(every, filters)
        desk_user = DeskUser(user.name, user.role)
        page = articles_page(theme, desk_user, user.csrf, every, shown, filters)
        return 200, [_HTML], page

    async def api_articles(self, request: Request) -> Reply:
        user = require(request, "author", self._snapshot().theme.locale)
        every = await asyncio.to_thread(self._rows, user)
        shown = filter_rows(every, DeskFilters.of(request.query))
        items = [row.to_json(self.zone) for row in shown]
        return 200, [JSON_TYPE], json_body({"items": items, "total": len(items)})

    async def api_me(self, request: Request) -> Reply:
        user = require(request, "author", self._snapshot().theme.locale)
        body = {"name": user.name, "role": user.role, "via": user.via}
        return 200, [JSON_TYPE], json_body(body)

    async def users_page(self, request: Request) -> Reply:
        theme = self._snapshot().theme
        user = require(request, "admin", theme.locale)
        accounts = await asyncio.to_thread(self._accounts)
        page = users_page(theme, DeskUser(user.name, user.role), user.csrf, accounts)
        return 200, [_HTML], page

    async def api_users(self, request: Request) -> Reply:
        require(request, "admin", self.locale())
        accounts = await asyncio.to_thread(self._accounts)
        body = {"items": [account.to_json() for account in accounts]}
        return 200, [JSON_TYPE], json_body(body)

    def _accounts(self) -> list[Account]:
        now = self.clock()
        with self.engine.connect() as connection:
            users = list_users(connection)
        return [
            Account(
                user.name,
                user.role,
                user.last_login.astimezone(self.zone).isoformat(timespec="minutes")
                if user.last_login
                else "",
                "disabled" if user.disabled else "locked" if user.locked(now) else "active",
            )
            for user in users
        ]

    def _rows(self, user: Principal) -> list[DeskRow]:
        """Every file with its views as of today (in the site's time zone)."""
        now = self.clock().astimezone(self.zone)
        today = now.date()
        with self.engine.connect() as connection:
            counted = Views(
                today=views.views_between(connection, today, today),
                week=views.views_between(connection, today - timedelta(days=6), today),
                total=views.view_totals(connection),
            )
        outcomes = self.live.desk_outcomes()
        return desk_rows(outcomes, counted, DeskUser(user.name, user.role), now, self.live.folder)

    async def not_found(self, request: Request) -> Reply:
        raise HTTPError(404, self.locale().text("not_found"))

    # Helpers -------------------------------------------------------------------

    def locale(self) -> Locale:
        return self._snapshot().theme.locale

    def _href(self, path: str) -> str:
        """The path under the site's base path, percent-encoded for a Location header."""
        return quote(self._snapshot().theme.href(path), safe=_LOCATION_SAFE)

    def _cookie_paths(self) -> tuple[str, ...]:
        return tuple(self._href(path) for path in COOKIE_PATHS)

    def login_redirect(self, request: Request) -> Reply:
        """Where a page asked for without a session sends the browser: the login form,
        then back (a GET's own path; the desk's home after any other method)."""
        back = request.path if request.method == "GET" else DESK + "/"
        if request.method == "GET" and request.raw_query:
            back += "?" + request.raw_query.decode("latin-1")
        target = self._href(DESK + "/login") + "?next=" + quote(safe_next(back), safe="/")
        return 303, [(b"location", target.encode())], b""
