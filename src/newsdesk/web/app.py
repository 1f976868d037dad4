"""The ASGI application: pages, assets, the API, live reload, and the background
work that keeps the site current (file watching, view recounts)."""

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from newsdesk.errors import first_line
from newsdesk.publish.live import LiveSite
from newsdesk.publish.snapshot import Snapshot
from newsdesk.site.theme import LIVE_RELOAD_PATH
from newsdesk.web import html
from newsdesk.web.api import Api
from newsdesk.web.http import (
    JSON_TYPE,
    HTTPError,
    Receive,
    Request,
    Scope,
    Send,
    json_body,
    respond,
)
from newsdesk.web.openapi import PREFIX
from newsdesk.web.watch import start_watching

log = logging.getLogger("newsdesk")

# While the database is away, the log says so again this often (not once per request).
_OUTAGE_REMINDER_SECONDS = 60.0


class _Outage:
    """Logs a database outage in a few lines: when it starts, a reminder now and then
    while requests keep failing, and when a new connection succeeds again."""

    def __init__(self, engine: Engine):
        self._lock = threading.Lock()
        self._since: float | None = None
        self._said = 0.0
        self._failed = 0
        event.listen(engine, "connect", self._connected)

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._failed += 1
            if self._since is None:
                self._since = self._said = now
                log.warning(
                    "database unavailable: %s; answering 503 until it is back", first_line(error)
                )
            elif now - self._said >= _OUTAGE_REMINDER_SECONDS:
                self._said = now
                log.warning(
                    "database still unavailable (%d requests answered 503): %s",
                    self._failed,
                    first_line(error),
                )

    def _connected(self, *_: object) -> None:
        with self._lock:
            if self._since is None:
                return
            log.info(
                "database reachable again after %.0f s (%d requests answered 503)",
                time.monotonic() - self._since,
                self._failed,
            )
            self._since = None
            self._failed = 0


class App:
    # Made when the server starts, and again after each change it announces.
    changed: asyncio.Event

    def __init__(self, live: LiveSite):
        self.live = live
        self.pages = html.PageCache()
        self.static = html.StaticFiles(live.root)
        self.api = Api(live)
        self.outage = _Outage(live.engine)
        self._tasks: list[asyncio.Task[Any]] = []
        cors = live.config.api.cors_origins
        self._cors_any = "*" in cors
        self._cors = set(cors)

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
        head = scope["method"] == "HEAD"
        try:
            request = Request.from_scope(scope)
            if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
                await self._api(request, receive, send)
            elif self.live.live_reload and request.path == LIVE_RELOAD_PATH:
                await self._live_reload(receive, send)
            else:
                await self._page(request, send)
        except HTTPError as error:
            await self._error(scope, send, error.status, error.message, error.headers, head)
        except (DBAPIError, PoolTimeout) as error:
            self.outage.failed(error)
            message = self._snapshot().theme.locale.text("database_unavailable")
            await self._error(scope, send, 503, message, [(b"retry-after", b"5")], head)

    async def _page(self, request: Request, send: Send) -> None:
        if request.method not in ("GET", "HEAD"):
            raise HTTPError(
                405, f"method {request.method} is not allowed", [(b"allow", b"GET, HEAD")]
            )
        snapshot = self._snapshot()
        path = html.canonical_path(request.path)
        if path == "/search/":
            await self._search_page(request, snapshot, send)
            return
        body = self.pages.page(snapshot, path) or self.pages.asset(snapshot, path)
        if body is None and not path.endswith("/") and snapshot.plan(path + "/") is not None:
            location = snapshot.theme.href(path + "/").encode()
            await respond(send, 301, b"", [(b"location", location)])
            return
        if body is None:
            body = self.static.get(path)
        if body is None:
            missing = self.pages.not_found(snapshot)
            _, headers, content = html.page_headers(request, missing, conditional=False)
            await respond(send, 404, content, headers, request.method == "HEAD")
            return
        status, headers, content = html.page_headers(request, body)
        await respond(send, status, content, headers, request.method == "HEAD")

    async def _search_page(self, request: Request, snapshot: Snapshot, send: Send) -> None:
        """The search page with the server's results in it (no script needed)."""
        query = request.query.get("q", "").strip()
        found = await self.api.search(request, snapshot) if query else None
        content = snapshot.theme.search_page(query, found)
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]
        await respond(send, 200, content, headers, request.method == "HEAD")

    async def _api(self, request: Request, receive: Receive, send: Send) -> None:
        cors = self._cors_headers(request)
        if request.method == "OPTIONS":
            allow = [
                (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
                (b"access-control-allow-headers", b"content-type"),
                (b"access-control-max-age", b"86400"),
            ]
            await respond(send, 204, b"", cors + allow if cors else [])
            return
        status, headers, content = await self.api.handle(request, receive)
        await respond(send, status, content, headers + cors, request.method == "HEAD")

    def _cors_headers(self, request: Request) -> list[tuple[bytes, bytes]]:
        origin = request.headers.get("origin")
        if not origin or not (self._cors_any or origin in self._cors):
            return []
        allowed = b"*" if self._cors_any else origin.encode("latin-1")
        return [(b"access-control-allow-origin", allowed), (b"vary", b"origin")]

    async def _live_reload(self, receive: Receive, send: Send) -> None:
        """A server-sent event stream that says `change` once the site changes, then
        ends (the page reloads and opens a new one)."""
        headers = [
            (b"content-type", b"text/event-stream"),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b": connected\n\n", "more_body": True})
        disconnected = asyncio.ensure_future(_disconnect(receive))
        changed = asyncio.ensure_future(self.changed.wait())
        try:
            await asyncio.wait({changed, disconnected}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            disconnected.cancel()
            changed.cancel()
        last = b""
        if changed.done() and not changed.cancelled():
            last = b"event: change\ndata: %d\n\n" % self._snapshot().version
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": last})

    async def _error(
        self,
        scope: Scope,
        send: Send,
        status: int,
        message: str,
        extra: list[tuple[bytes, bytes]],
        head: bool,
    ) -> None:
        path = scope.get("path", "")
        if path.startswith(PREFIX):
            body = json_body({"error": {"status": status, "message": message}})
            await respond(send, status, body, [JSON_TYPE, *extra], head)
            return
        content = self._snapshot().theme.error_page(status, message)
        headers = [(b"content-type", b"text/html; charset=utf-8"), *extra]
        await respond(send, status, content, headers, head)

    def _snapshot(self) -> Snapshot:
        snapshot = self.live.snapshot
        assert snapshot is not None, "the site is published before the server starts"
        return snapshot


async def _disconnect(receive: Callable[[], Awaitable[Any]]) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
