"""The ASGI application: the background work that keeps the site current (file
watching, view recounts), requests routed to their handlers, and the site's pages,
search page and live reload."""

import asyncio
import contextlib
import logging
import re
from functools import partial
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from newsdesk.errors import first_line
from newsdesk.publish.live import LiveSite
from newsdesk.publish.snapshot import Snapshot
from newsdesk.site.security import HSTS, desk_security_headers, security_headers
from newsdesk.web import html
from newsdesk.web.api import Api
from newsdesk.web.beacons import Beacons
from newsdesk.web.desk import Desk
from newsdesk.web.desk_auth import is_desk, origin_of
from newsdesk.web.desk_guard import DeskGuard
from newsdesk.web.forwarded import ClientAddress
from newsdesk.web.http import (
    Headers,
    HTTPError,
    Receive,
    Reply,
    Request,
    Scope,
    Send,
    disconnected,
    respond,
)
from newsdesk.web.limits import RateLimits, Rates
from newsdesk.web.middleware import Cors, Errors
from newsdesk.web.router import Middleware, Router
from newsdesk.web.routes import routes
from newsdesk.web.static import LargeFile, StaticFiles, large_file_reply
from newsdesk.web.view_tokens import ViewTokens
from newsdesk.web.watch import start_watching

log = logging.getLogger("newsdesk")

_SEARCH_PAGE = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]
_EVENT_STREAM = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-store")]


def _encoded(headers: list[tuple[str, str]]) -> Headers:
    return [(name.lower().encode(), value.encode()) for name, value in headers]


_SECURITY = _encoded(security_headers())
# HSTS only over HTTPS (a trusted proxy's X-Forwarded-Proto included, see server.py):
# sent over plain HTTP it would be ignored, or lock out a site that has no HTTPS.
_SECURITY_HTTPS = [*_SECURITY, (b"strict-transport-security", HSTS.encode())]
_DESK_SECURITY = _encoded(desk_security_headers())
_DESK_SECURITY_HTTPS = [*_DESK_SECURITY, (b"strict-transport-security", HSTS.encode())]
# Bytes a Location header may carry as they are; any other is percent-encoded.
_UNSAFE_IN_LOCATION = re.compile(rb"[^\x21-\x7e]")


class App:
    # Made when the server starts, and again after each change it announces.
    changed: asyncio.Event

    def __init__(self, live: LiveSite):
        self.live = live
        config = live.config
        tokens = ViewTokens(live.engine, config.views.token_minutes * 60)
        self.pages = html.PageCache(tokens)
        self.static = StaticFiles(live.root)
        self.api = Api(live, Beacons(live, tokens))
        self.errors = Errors(self._snapshot, live.engine)
        self.addresses = ClientAddress(config.server.forwarded_allow_ips)
        server = config.server
        rates = Rates(
            server.search_per_minute,
            server.beacons_per_minute,
            server.login_per_minute,
            server.desk_api_per_minute,
        )
        self.limits = RateLimits(
            rates,
            lambda seconds: self._snapshot().theme.locale.text(
                "too_many_requests", seconds=seconds
            ),
        )
        self.desk = Desk(live, self._snapshot)
        guard = DeskGuard(self.desk, {origin_of(config.site.base_url)})
        self._tasks: list[asyncio.Task[Any]] = []
        # The wrappers around every handler, the first outermost: CORS outside the
        # error answers, so that an API error (and a 429) is readable by the origins
        # allowed too; the desk's guard inside the rate limits (a flood of bad
        # tokens is limited before it reaches the database).
        middleware: list[Middleware] = [
            Cors(config.api.cors_origins),
            self.errors,
            self.limits,
            guard,
        ]
        self.router = Router(routes(self), middleware)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    # Background work -----------------------------------------------------

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self._start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self._stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _start(self) -> None:
        self.changed = asyncio.Event()
        self._tasks = [
            await start_watching(self.live, self._notify),
            asyncio.create_task(self._recount()),
        ]

    async def _stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.close()

    def close(self) -> None:
        """Ends the search processes (a server's workers end theirs as they stop)."""
        self.api.search_pool.close()

    def _notify(self) -> None:
        """Wakes every live-reload stream waiting for a change."""
        self.changed.set()
        self.changed = asyncio.Event()

    async def _recount(self) -> None:
        interval = self.live.config.hot.refresh_seconds
        while True:
            await asyncio.sleep(interval)
            try:
                if await asyncio.to_thread(self.live.refresh):
                    self._notify()
            except (DBAPIError, PoolTimeout) as error:
                log.warning("recounting views failed: %s", first_line(error))

    # Requests ------------------------------------------------------------

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        scheme = scope.get("scheme", "http")
        try:
            request = Request.from_scope(scope, receive)
        except HTTPError as error:
            reply = self.errors.answer(scope.get("path", ""), error)
        else:
            peer = request.client
            request.client = self.addresses.of(peer, request.headers)
            scheme = request.scheme = self.addresses.scheme(peer, request.headers, scheme)
            reply = await self.router.find(request)(request)
        status, headers, body = reply
        https = scheme == "https"
        if is_desk(scope.get("path", "")):
            # The desk's own headers replace the site's: no-store, never framed.
            headers = [header for header in headers if header[0] != b"cache-control"]
            security = _DESK_SECURITY_HTTPS if https else _DESK_SECURITY
        else:
            security = _SECURITY_HTTPS if https else _SECURITY
        await respond(send, (status, headers + security, body), scope["method"] == "HEAD")

    # Handlers (see routes.py) ----------------------------------------------

    async def page(self, request: Request) -> Reply:
        snapshot = self._snapshot()
        path = html.canonical_path(request.path)
        body = self.pages.page(snapshot, path) or self.pages.asset(snapshot, path)
        if body is None and not path.endswith("/") and snapshot.plan(path + "/") is not None:
            return 301, [(b"location", _with_query(snapshot.theme.href(path + "/"), request))], b""
        if body is None and (target := _redirect(snapshot, path)) is not None:
            return 301, [(b"location", _with_query(snapshot.theme.href(target), request))], b""
        if body is None:
            beside = snapshot.files.get(path)
            found = self.static.serve(beside.source, path) if beside and beside.source else None
            found = found or self.static.get(path)
            if isinstance(found, LargeFile):
                return large_file_reply(request, found)
            body = found
        if body is None:
            missing = self.pages.not_found(snapshot)
            _, headers, content = html.page_headers(request, missing, conditional=False)
            return 404, headers, content
        return html.page_headers(request, body)

    async def search_page(self, request: Request) -> Reply:
        """The search page with the server's results in it (no script needed)."""
        snapshot = self._snapshot()
        query = request.query.get("q", "").strip()
        found = await self.api.search_results(request, snapshot) if query else None
        return 200, _SEARCH_PAGE, snapshot.theme.search_page(query, found)

    async def live_reload(self, request: Request) -> Reply:
        """A server-sent event stream that says `change` once the site changes, then
        ends (the page reloads and opens a new one)."""
        return 200, _EVENT_STREAM, partial(self._changes, request.receive)

    async def _changes(self, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.body", "body": b": connected\n\n", "more_body": True})
        gone = asyncio.ensure_future(disconnected(receive))
        changed = asyncio.ensure_future(self.changed.wait())
        try:
            await asyncio.wait({changed, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
            changed.cancel()
        last = b""
        if changed.done() and not changed.cancelled():
            last = b"event: change\ndata: %d\n\n" % self._snapshot().version
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": last})

    def _snapshot(self) -> Snapshot:
        snapshot = self.live.snapshot
        assert snapshot is not None, "the site is published before the server starts"
        return snapshot


def _with_query(location: str, request: Request) -> bytes:
    """A redirect's target with the request's query string, which it must not drop."""
    if not request.raw_query:
        return location.encode()
    query = _UNSAFE_IN_LOCATION.sub(lambda byte: b"%%%02X" % byte[0][0], request.raw_query)
    return location.encode() + b"?" + query


def _redirect(snapshot: Snapshot, path: str) -> str | None:
    """The canonical URL an old URL of an article leads to (written with or without
    its closing slash)."""
    found = snapshot.redirects.get(path)
    if found is None and not path.endswith("/"):
        found = snapshot.redirects.get(path + "/")
    return found
