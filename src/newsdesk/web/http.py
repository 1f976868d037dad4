"""The little of HTTP the server needs, on raw ASGI: requests in, responses out."""

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]
# A response body that sends itself after the headers (a stream of unknown length).
Stream = Callable[[Send], Awaitable[None]]
# What a handler answers: status, headers and the body.
Reply = tuple[int, Headers, bytes | Stream]

_NO_PARAMS: Mapping[str, str] = MappingProxyType({})

# Beacons and API calls carry no body worth more than this.
MAX_BODY = 64 * 1024
# No page or API call needs a longer URL (path and query) or more header bytes.
MAX_URL = 8 * 1024
MAX_HEADERS = 64 * 1024
MAX_QUERY_FIELDS = 50


class HTTPError(Exception):
    """Ends a request with a status and a message for the client."""

    def __init__(self, status: int, message: str, headers: Headers | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    client: str
    receive: Receive
    # The values of the route's path parameters (set by the router).
    params: Mapping[str, str]
    # The query string as the client sent it (what a redirect passes on).
    raw_query: bytes = b""
    # "https" when the client reached the site over HTTPS (a trusted proxy's word
    # included): set by the app with `client`.
    scheme: str = "http"
    # What middleware learned of the request for its handler (the desk's user).
    context: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_scope(cls, scope: Scope, receive: Receive) -> "Request":
        raw = scope.get("raw_path") or scope["path"].encode()
        raw_query = scope.get("query_string", b"")
        if len(raw) + len(raw_query) > MAX_URL:
            raise HTTPError(414, f"the URL is longer than {MAX_URL} bytes")
        raw_headers = scope.get("headers", [])
        if sum(len(name) + len(value) for name, value in raw_headers) > MAX_HEADERS:
            raise HTTPError(431, f"the request headers are larger than {MAX_HEADERS} bytes")
        if raw_query.count(b"&") >= MAX_QUERY_FIELDS:
            raise HTTPError(400, f"the URL has more than {MAX_QUERY_FIELDS} query parameters")
        try:
            # Most requests have nothing to unquote and no query: skipping the work
            # they do not need is measurable on the page path.
            raw_path = raw.split(b"?", 1)[0]
            path = (unquote_to_bytes(raw_path) if b"%" in raw_path else raw_path).decode("utf-8")
            query = {}
            if raw_query:
                query_string = raw_query.decode("utf-8")
                query = dict(parse_qsl(query_string, keep_blank_values=True, errors="strict"))
        except (UnicodeDecodeError, ValueError) as error:
            raise HTTPError(400, "the URL is not valid UTF-8") from error
        if "\x00" in path or any("\x00" in v for v in query.values()):
            raise HTTPError(400, "the URL contains a NUL character")
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1") for name, value in raw_headers
        }
        client = scope.get("client") or ("", 0)
        return cls(
            scope["method"], path, query, headers, client[0] or "", receive, _NO_PARAMS, raw_query
        )


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    declared = request.headers.get("content-length", "")
    # Refused before reading: a client announcing a huge body may never send it.
    if declared.isdigit() and int(declared) > limit:
        raise HTTPError(413, f"the request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            # Gone before the end (or closed for sending too slowly): the part that
            # came is no request to act on.
            raise HTTPError(400, "the client went away before sending the whole body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise HTTPError(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def respond(send: Send, reply: Reply, head_only: bool) -> None:
    """Sends the reply; a streamed body states its own length, if it knows it."""
    status, headers, body = reply
    if isinstance(body, bytes):
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head_only else body})
        return
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if head_only:
        await send({"type": "http.response.body", "body": b""})
    else:
        await body(send)


async def disconnected(receive: Receive) -> None:
    """Returns once the client has gone away (read after the request's body)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def json_body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


JSON_TYPE = (b"content-type", b"application/json; charset=utf-8")
