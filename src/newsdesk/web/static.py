"""The site's own files (`static/`), as the site publishes them: small files kept in
memory (gzipped once, when their type shrinks), large ones streamed from disk in a
thread, with byte ranges, so that neither reading nor compressing them holds up the
event loop."""

import asyncio
import contextlib
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from newsdesk.site.assets import site_file, site_files_folder
from newsdesk.web.html import Body, content_type, inert
from newsdesk.web.http import Receive, Reply, Request, Send, Stream, disconnected
from newsdesk.web.negotiate import not_modified

_CACHE = b"public, max-age=3600"
# Files up to this size are read whole and kept; larger ones are streamed.
KEPT_LARGEST = 1024 * 1024
# What one read in a worker thread takes from a streamed file.
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class LargeFile:
    """A file too large to keep in memory, sent from disk as it is (never compressed)."""

    path: Path
    size: int
    modified: float
    etag: bytes
    content_type: bytes

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"content-type", self.content_type),
            (b"etag", self.etag),
            (b"last-modified", formatdate(self.modified, usegmt=True).encode()),
            (b"cache-control", _CACHE),
            (b"accept-ranges", b"bytes"),
            *inert(self.content_type),
        ]


class StaticFiles:
    """A file is read again only when its size or time changes."""

    def __init__(self, site: Path):
        self.folder = site_files_folder(site)
        self._kept: dict[Path, tuple[tuple[int, int], Body]] = {}

    def get(self, path: str) -> Body | LargeFile | None:
        target = site_file(self.folder, path)
        if target is None:
            return None
        return self.serve(target, path)

    def serve(self, target: Path, path: str) -> Body | LargeFile:
        """The file at `target`, answered as `path` (whose name gives its type)."""
        stat = target.stat()
        kind = content_type(path)
        if stat.st_size > KEPT_LARGEST:
            # Named by size and time: hashing the content would read the whole file.
            etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'.encode()
            return LargeFile(target, stat.st_size, stat.st_mtime, etag, kind)
        identity = (stat.st_size, stat.st_mtime_ns)
        kept = self._kept.get(target)
        if kept is not None and kept[0] == identity:
            return kept[1]
        body = Body.of(target.read_bytes(), kind, _CACHE, stat.st_mtime)
        self._kept[target] = (identity, body)
        return body


def large_file_reply(request: Request, file: LargeFile) -> Reply:
    """The whole file, or the one byte range asked for (206; 416 when it lies beyond
    the end); 304 when the client's copy is current."""
    headers = file.headers()
    if not_modified(request, (file.etag,), file.modified):
        return 304, headers, b""
    start, end = 0, file.size
    wanted = request.headers.get("range")
    if wanted is not None and _range_applies(request, file):
        span = byte_range(wanted, file.size)
        if span == _UNSATISFIABLE:
            return 416, [*headers, (b"content-range", b"bytes */%d" % file.size)], b""
        if span is not None:
            start, end = span
            content_range = b"bytes %d-%d/%d" % (start, end - 1, file.size)
            headers.append((b"content-range", content_range))
    headers.append((b"content-length", str(end - start).encode()))
    status = 206 if end - start < file.size else 200
    return status, headers, _streamed(file.path, start, end, request.receive)


# A range that starts past the end of the file.
_UNSATISFIABLE = (-1, -1)


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one range of a Range header, as [start, end) within a file of `size` bytes;
    _UNSATISFIABLE when it lies beyond the end; None when the header is not a single
    byte range (the whole file is sent, as RFC 9110 §14.2 allows)."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = (part.strip() for part in spec.partition("-"))
    if not dash or not (first or last) or not all(p.isdigit() for p in (first, last) if p):
        return None
    if not first:  # the last `last` bytes
        suffix = int(last)
        return (max(0, size - suffix), size) if suffix else _UNSATISFIABLE
    start = int(first)
    end = int(last) + 1 if last else max(size, start + 1)
    if end <= start:  # backwards: not a range at all
        return None
    return (start, min(end, size)) if start < size else _UNSATISFIABLE


def _range_applies(request: Request, file: LargeFile) -> bool:
    """If-Range: the range is sent only while the client's copy is still this file."""
    condition = request.headers.get("if-range")
    if condition is None:
        return True
    return condition.strip() in (file.etag.decode(), formatdate(file.modified, usegmt=True))


def _streamed(path: Path, start: int, end: int, receive: Receive) -> Stream:
    """Sends bytes [start, end) of the file, read in a worker thread a chunk at a time;
    each send waits while the client is not reading, so that a paused download holds
    one chunk, not the file. Stops reading when the client goes away."""

    async def send_file(send: Send) -> None:
        gone = asyncio.ensure_future(disconnected(receive))
        try:
            with path.open("rb") as source:
                source.seek(start)
                left = end - start
                while left > 0 and not gone.done():
                    chunk = await asyncio.to_thread(source.read, min(_CHUNK, left))
                    if not chunk:  # the file shrank since: the answer ends short
                        return
                    left -= len(chunk)
                    await send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
        finally:
            gone.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await gone

    return send_file
