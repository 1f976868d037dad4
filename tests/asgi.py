"""The application called in-process: a site indexed into a real database by
`LiveSite`, its ASGI `App`, and requests handed to it on an event loop of its own,
with no socket and no server process in between.

Requests go through httpx's ASGI transport (`InProcess.client`, httpx's client API),
or exactly as written (`InProcess.send_raw`: a request line and headers as bytes, the
scope made of them as uvicorn's httptools protocol makes it, so that no client
normalizes a hostile path first).

`serving` does not run the app's lifespan unless asked: no handler needs what it
starts (watching the content folder, recounting views on a timer), and a shared app
that republished on a timer would change under the tests reading it.
"""

import asyncio
import threading
import urllib.parse
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httptools
import httpx

from newsdesk.publish.live import LiveSite
from newsdesk.site.config import CONFIG_NAME, load_config
from newsdesk.store.database import open_store
from newsdesk.web.app import App

T = TypeVar("T")
# Where requests say they are sent (the demo site's base URL).
BASE_URL = "http://127.0.0.1:8000"
CLIENT = ("127.0.0.1", 40000)
# An answer that takes longer than this is a hang.
ANSWER_SECONDS = 30.0
# A raw request's body reaches the app in pieces of this size, as from a socket.
BODY_CHUNK = 16384


class EventLoop:
    """An asyncio loop in a thread of its own, as a server runs one: tests stay
    synchronous and hand it coroutines."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="asgi", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = ANSWER_SECONDS) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.loop.shutdown_asyncgens())
        self.run(self.loop.shutdown_default_executor())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class Client:
    """httpx's client API, synchronous, on the app in-process."""

    def __init__(self, loop: EventLoop, client: httpx.AsyncClient):
        self._loop = loop
        self._client = client

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        return self._loop.run(self._client.request(method, url, **options))

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def head(self, url: str, **options: Any) -> httpx.Response:
        return self.request("HEAD", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)

    def delete(self, url: str, **options: Any) -> httpx.Response:
        return self.request("DELETE", url, **options)

    def options(self, url: str, **options: Any) -> httpx.Response:
        return self.request("OPTIONS", url, **options)

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookies the client keeps (set by answers, sent with requests)."""
        return self._client.cookies

    def close(self) -> None:
        self._loop.run(self._client.aclose())

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@dataclass
class Reply:
    """An answer as the app sent it: nothing decoded, nothing dropped."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode("latin-1")
        values = [v.decode("latin-1") for n, v in self.headers if n.lower() == wanted]
        return ", ".join(values) if values else None


@dataclass
class InProcess:
    site: Path
    database_url: str
    live: LiveSite
    app: App
    loop: EventLoop

    def client(self, peer: str = CLIENT[0], **options: Any) -> Client:
        """A client whose requests come from the address `peer`."""
        return Client(self.loop, self.async_client(peer, **options))

    def async_client(self, peer: str = CLIENT[0], **options: Any) -> httpx.AsyncClient:
        """For coroutines given to `run` (many requests at once)."""
        transport = httpx.ASGITransport(self.app, client=(peer, CLIENT[1]))  # type: ignore[arg-type]
        return httpx.AsyncClient(
            transport=transport, base_url=BASE_URL, timeout=ANSWER_SECONDS, **options
        )

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = ANSWER_SECONDS) -> T:
        return self.loop.run(coroutine, timeout)

    def send_raw(self, head: bytes, body: bytes = b"") -> Reply:
        """`head`: the request line and header lines, CRLF apart, as a client wrote them.
        A Content-Length larger than `body` announces more than is sent: the rest never
        comes, as from a client that stalls."""
        return self.run(_call(self.app, head, body))


async def _call(app: App, head: bytes, body: bytes) -> Reply:
    request_line, *header_lines = head.split(b"\r\n")
    method, target, _ = request_line.split(b" ", 2)
    if not target.isascii():
        raise ValueError(f"{target!r}: only a server's HTTP parser can be sent bytes outside ASCII")
    headers = [tuple(line.split(b":", 1)) for line in header_lines if line]
    headers = [(name.strip().lower(), value.strip()) for name, value in headers]
    declared = [v for n, v in headers if n == b"content-length"]
    stalls = bool(declared) and int(declared[0]) > len(body)
    url = httptools.parse_url(target)
    path = url.path.decode("ascii")
    if "%" in path:
        path = urllib.parse.unquote(path)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": CLIENT,
        "scheme": "http",
        "method": method.decode("ascii"),
        "root_path": "",
        "path": path,
        "raw_path": url.path,
        "query_string": url.query or b"",
        "headers": headers,
        "state": {},
    }
    pieces = [body[start : start + BODY_CHUNK] for start in range(0, len(body), BODY_CHUNK)]
    pieces = pieces or [b""]
    answered = asyncio.Event()
    started: list[dict[str, Any]] = []
    sent: list[bytes] = []

    async def receive() -> dict[str, Any]:
        if pieces:
            piece = pieces.pop(0)
            return {"type": "http.request", "body": piece, "more_body": bool(pieces) or stalls}
        if stalls:
            await asyncio.Event().wait()  # the rest of the body never comes
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        assert not answered.is_set(), f"sent after the answer ended: {message}"
        if message["type"] == "http.response.start":
            assert not started, "a second http.response.start"
            started.append(message)
        elif message["type"] == "http.response.body":
            assert started, "a body before http.response.start"
            sent.append(message.get("body", b""))
            if not message.get("more_body"):
                answered.set()

    await asyncio.wait_for(app(scope, receive, send), ANSWER_SECONDS)
    assert answered.is_set(), "the app returned without ending its answer"
    return Reply(started[0]["status"], list(started[0].get("headers", [])), b"".join(sent))


class Lifespan:
    """The app's lifespan, driven as a server drives it: started, then stopped."""

    def __init__(self, loop: EventLoop, app: App):
        self._loop = loop
        self._app = app
        self._task: asyncio.Task[None] | None = None
        self._inbox: asyncio.Queue[dict[str, Any]] | None = None
        self._outbox: asyncio.Queue[dict[str, Any]] | None = None

    def start(self) -> None:
        self._loop.run(self._start())

    def stop(self) -> None:
        self._loop.run(self._stop())

    async def _start(self) -> None:
        self._inbox, self._outbox = asyncio.Queue(), asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}}
        self._task = asyncio.create_task(self._app(scope, self._inbox.get, self._outbox.put))
        await self._exchange("lifespan.startup")

    async def _stop(self) -> None:
        await self._exchange("lifespan.shutdown")
        assert self._task is not None
        await self._task

    async def _exchange(self, event: str) -> None:
        assert self._inbox is not None and self._outbox is not None
        await self._inbox.put({"type": event})
        answer = await self._outbox.get()
        assert answer["type"] == f"{event}.complete", answer


@contextmanager
def serving(site: Path, database_url: str, lifespan: bool = False) -> Iterator[InProcess]:
    """The site at `site` indexed into the database at `database_url` (migrated first)
    and its app ready for requests, as `newsdesk serve` makes them; `lifespan`: with
    the app's background work running (watching the content folder, recounting views)."""
    config = load_config(site / CONFIG_NAME)
    engine = open_store(database_url)
    try:
        live = LiveSite(site, config, engine)
        live.index()
        loop = EventLoop()
        try:
            app = App(live)
            running = Lifespan(loop, app)
            if lifespan:
                running.start()
            try:
                yield InProcess(site, database_url, live, app, loop)
            finally:
                if lifespan:
                    running.stop()
                app.close()
        finally:
            loop.close()
    finally:
        engine.dispose()
