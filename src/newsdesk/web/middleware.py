"""The wrappers around route handlers: error answers (a database outage among them) and CORS."""

import logging
import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from newsdesk.errors import first_line
from newsdesk.publish.snapshot import Snapshot
from newsdesk.web.desk_auth import is_api
from newsdesk.web.http import JSON_TYPE, Headers, HTTPError, Reply, Request, json_body
from newsdesk.web.openapi import PREFIX
from newsdesk.web.router import Handler, Route

log = logging.getLogger("newsdesk")

# While the database is away, the log says so again this often (not once per request).
_OUTAGE_REMINDER_SECONDS = 60.0
_HTML = (b"content-type", b"text/html; charset=utf-8")
_RETRY = [(b"retry-after", b"5")]
_PREFLIGHT = [
    (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
    (b"access-control-allow-headers", b"content-type"),
    (b"access-control-max-age", b"86400"),
]


class Errors:
    """Answers what a handler raises: an HTTPError with its status (JSON under the API,
    the theme's error page elsewhere), a database that cannot be reached with 503."""

    def __init__(self, snapshot: Callable[[], Snapshot], engine: Engine):
        self._snapshot = snapshot
        self.outage = _Outage(engine)

    def __call__(self, route: Route, handler: Handler) -> Handler:
        async def answer_errors(request: Request) -> Reply:
            try:
                return await handler(request)
            except HTTPError as error:
                return self.answer(request.path, error)
            except (DBAPIError, PoolTimeout) as error:
                self.outage.failed(error)
                message = self._snapshot().theme.locale.text("database_unavailable")
                return self.answer(request.path, HTTPError(503, message, _RETRY))

        return answer_errors

    def answer(self, path: str, error: HTTPError) -> Reply:
        """The answer to an error on `path` (also for requests refused before routing)."""
        status, message = error.status, error.message
        if path.startswith(PREFIX):
            body = json_body({"error": {"status": status, "message": message}})
            return status, [JSON_TYPE, *error.headers], body
        page = self._snapshot().theme.error_page(status, message)
        return status, [_HTML, *error.headers], page


class Cors:
    """Lets the origins in `api.cors_origins` read the API: its answers name the origin,
    and a preflight request (OPTIONS) to any API path is answered 204."""

    def __init__(self, origins: Sequence[str]):
        self._any = "*" in origins
        self._origins = set(origins)

    def __call__(self, route: Route, handler: Handler) -> Handler:
        if route.pattern != PREFIX and not route.pattern.startswith(PREFIX + "/"):
            return handler
        if is_api(route.pattern):  # the desk's API is for its own pages and pipelines
            return handler

        async def cors(request: Request) -> Reply:
            allowed = self._headers(request)
            if request.method == "OPTIONS":
                return 204, allowed + _PREFLIGHT if allowed else [], b""
            status, headers, body = await handler(request)
            return status, headers + allowed, body

        return cors

    def _headers(self, request: Request) -> Headers:
        origin = request.headers.get("origin")
        if not origin or not (self._any or origin in self._origins):
            return []
        allowed = b"*" if self._any else origin.encode("latin-1")
        return [(b"access-control-allow-origin", allowed), (b"vary", b"origin")]


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
