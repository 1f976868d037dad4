"""uvicorn's httptools protocol with the limits a public server needs. uvicorn closes
a connection idle between requests (`timeout_keep_alive`), but not one that sends a
request's headers or body slowly, or never finishes them: such connections would pile
up until the worker runs out of descriptors. Here a timer runs while the connection
waits for headers (from connecting, or from the first byte of each next request) and
while it waits for the body. A connection beyond the worker's limits (see
connections.py) is answered 503 and closed as soon as it is made; at the worker's
budget, the connection waiting longest for a request is closed to make room."""

import asyncio
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from newsdesk.web.connections import Connections


@dataclass(frozen=True)
class ClientLimits:
    """What one worker allows its clients."""

    header_timeout: float
    body_timeout: float
    connections: Connections
    # The whole answer to a connection refused (a 503 in the site's language).
    busy: bytes


class _Waiting(Enum):
    """What a connection is waiting for from its client (nothing while the app works,
    or while an idle keep-alive connection waits for uvicorn's own timeout)."""

    NOTHING = 0
    HEADERS = 1
    BODY = 2


def busy_answer(message: str) -> bytes:
    """The 503 sent to a connection refused before it sent anything."""
    body = message.encode() + b"\n"
    return (
        b"HTTP/1.1 503 Service Unavailable\r\n"
        b"content-type: text/plain; charset=utf-8\r\n"
        b"retry-after: 5\r\n"
        b"connection: close\r\n"
        b"content-length: %d\r\n\r\n%s" % (len(body), body)
    )


def limited_protocol(limits: ClientLimits) -> type[HttpToolsProtocol]:
    """uvicorn's protocol class (its `http` option) for a worker with these limits."""

    class Limited(_LimitedProtocol):
        _limits = limits

    return Limited


class _LimitedProtocol(HttpToolsProtocol):
    _limits: ClientLimits

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._address = ""
        self._admitted = False
        self._waiting = _Waiting.HEADERS
        self._timed = _Waiting.NOTHING
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self._address = peer[0] if isinstance(peer, tuple) else ""
        stream = cast(asyncio.Transport, transport)  # uvloop's is one, not by subclassing
        if not self._limits.connections.admit(self._address):
            stream.write(self._limits.busy)
            stream.close()
            return
        self._admitted = True
        super().connection_made(stream)
        self._limits.connections.waiting(self, self._close)
        self._retime()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._admitted:  # never handed to uvicorn
            return
        self._admitted = False
        self._limits.connections.release(self._address, self)
        self._cancel_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting is not self._timed:
            self._retime()

    # The parser's callbacks mark what the connection waits for next.

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._waiting = _Waiting.HEADERS

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._waiting = _Waiting.BODY
        self._limits.connections.working(self)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._waiting = _Waiting.NOTHING

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # idle until the next request
            self._limits.connections.waiting(self, self._close)

    def _retime(self) -> None:
        """A timer for what the connection now waits for, replacing the last one."""
        self._cancel_timer()
        self._timed = self._waiting
        if self._waiting is _Waiting.HEADERS:
            self._timer = self.loop.call_later(self._limits.header_timeout, self._close)
        elif self._waiting is _Waiting.BODY:
            self._timer = self.loop.call_later(self._limits.body_timeout, self._close)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _close(self) -> None:
        """Too slow, or waiting longest when a new connection needs its place: the
        connection is closed (an app reading the body sees the client go)."""
        self._cancel_timer()
        if not self.transport.is_closing():
            self.transport.close()
