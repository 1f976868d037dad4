"""Site pages served from the live snapshot: rendered once per change, then sent
from memory with validators, caching headers and gzip."""

import gzip
import mimetypes
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from time import time

from newsdesk.publish.snapshot import Snapshot
from newsdesk.site.assets import site_file, site_files_folder
from newsdesk.site.pages import PagePlan
from newsdesk.text.digest import bytes_digest, digest
from newsdesk.web.http import HTTPError, Request
from newsdesk.web.view_tokens import ViewTokens, fill, has_slot

# Pages change when the content does: browsers revalidate (cheap, by ETag) each time.
_REVALIDATE = b"public, max-age=0, must-revalidate"
_IMMUTABLE = b"public, max-age=31536000, immutable"
_STATIC = b"public, max-age=3600"
_GZIP_FROM = 1024
_STATIC_LARGEST = 50 * 1024 * 1024
_STATIC_KEPT = 1024 * 1024


@dataclass
class Body:
    """One response body, ready to send in either encoding."""

    content: bytes
    content_type: bytes
    etag: bytes
    modified: float
    cache: bytes
    _gzipped: bytes | None = None
    _headers: list[tuple[bytes, bytes]] | None = None

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The response headers every answer with this body carries (made once)."""
        if self._headers is None:
            self._headers = [
                (b"content-type", self.content_type),
                (b"etag", self.etag),
                (b"last-modified", formatdate(self.modified, usegmt=True).encode()),
                (b"cache-control", self.cache),
                (b"vary", b"accept-encoding"),
            ]
        return self._headers

    @classmethod
    def of(cls, content: bytes, content_type: bytes, cache: bytes, modified: float) -> "Body":
        etag = b'"' + bytes_digest(content).encode() + b'"'
        return cls(content, content_type, etag, modified, cache)

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.content, 6, mtime=0)
        return self._gzipped


@dataclass
class _Cached:
    version: int
    key: str
    body: Body
    # An article's page, rendered with a slot for its view token: the article's slug.
    slug: str | None = None
    # The page with the token of the step that starts at `stamped_at` in it.
    stamped: Body | None = None
    stamped_at: int = -1


class PageCache:
    """Rendered pages by URL, checked against the snapshot's plan before use. An
    article's page gets the current proof of a page view as it is answered (see
    view_tokens): filled in once per token, not rendered again."""

    def __init__(self, tokens: ViewTokens) -> None:
        self._tokens = tokens
        self._pages: dict[str, _Cached] = {}
        self._assets: dict[str, Body] = {}
        self._asset_version = -1

    def page(self, snapshot: Snapshot, url: str) -> Body | None:
        cached = self._pages.get(url)
        if cached is not None and cached.version == snapshot.version:
            return self._stamped(cached)
        plan = snapshot.plan(url)
        if plan is None:
            return None
        key = digest(snapshot.theme.key, plan.key) if plan.key else ""
        if cached is not None and key and cached.key == key:
            cached.version = snapshot.version
            return self._stamped(cached)
        body = self._render(snapshot, plan)
        if len(self._pages) > 50_000:  # bounded: a crawler walking every page
            self._pages.clear()
        slug = plan.entries[0].article.slug if has_slot(body.content) else None
        cached = self._pages[url] = _Cached(snapshot.version, key, body, slug)
        return self._stamped(cached)

    def _stamped(self, cached: _Cached) -> Body:
        if cached.slug is None:
            return cached.body
        now = time()
        tokens = self._tokens
        if cached.stamped is None or not 0 <= now - cached.stamped_at < tokens.step:
            body = cached.body
            step = tokens.step_start(now)
            content = fill(body.content, tokens.issue(cached.slug, now))
            # Its own ETag and time, so that a copy with an older token is sent again.
            modified = max(body.modified, step)
            cached.stamped = Body.of(content, body.content_type, body.cache, modified)
            cached.stamped_at = step
        return cached.stamped

    def _render(self, snapshot: Snapshot, plan: PagePlan) -> Body:
        content = snapshot.theme.render(plan)
        return Body.of(content, plan.kind.content_type.encode(), _REVALIDATE, time())

    def not_found(self, snapshot: Snapshot) -> Body:
        body = self.page(snapshot, "/404.html")
        assert body is not None
        return body

    def asset(self, snapshot: Snapshot, path: str) -> Body | None:
        """The theme's fingerprinted CSS and JS, cached forever by browsers."""
        if self._asset_version != snapshot.version:
            self._assets = {
                snapshot.theme.href(asset.url): Body.of(
                    asset.read(), _content_type(asset.url), _IMMUTABLE, time()
                )
                for asset in snapshot.theme.assets.values()
            }
            self._asset_version = snapshot.version
        return self._assets.get(path)


class StaticFiles:
    """The site's own files (`static/`), as the site publishes them. A file is read
    again only when its size or time changes (small files are kept in memory)."""

    def __init__(self, site: Path):
        self.folder = site_files_folder(site)
        self._kept: dict[Path, tuple[tuple[int, int], Body]] = {}

    def get(self, path: str) -> Body | None:
        target = site_file(self.folder, path)
        if target is None:
            return None
        stat = target.stat()
        if stat.st_size > _STATIC_LARGEST:
            return None
        identity = (stat.st_size, stat.st_mtime_ns)
        kept = self._kept.get(target)
        if kept is not None and kept[0] == identity:
            return kept[1]
        body = Body.of(target.read_bytes(), _content_type(path), _STATIC, stat.st_mtime)
        if stat.st_size <= _STATIC_KEPT:
            self._kept[target] = (identity, body)
        return body


def _content_type(path: str) -> bytes:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
        kind += "; charset=utf-8"
    return kind.encode()


def page_headers(
    request: Request, body: Body, conditional: bool = True
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and content for a page: 304 when the client's copy is current
    (unless not `conditional`: an error page is sent whole, with its own status)."""
    headers = body.headers()
    if conditional and _not_modified(request, body):
        return 304, headers, b""
    content = body.content
    if len(content) >= _GZIP_FROM and "gzip" in request.headers.get("accept-encoding", ""):
        return 200, [*headers, (b"content-encoding", b"gzip")], body.gzipped()
    return 200, headers, content


def _not_modified(request: Request, body: Body) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or body.etag.decode() in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= int(body.modified)
        except (TypeError, ValueError):
            return False
    return False


def canonical_path(path: str) -> str:
    """`/x/index.html` is `/x/`; refuse what no page can be."""
    if len(path) > 2048:
        raise HTTPError(414, "the URL is too long")
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path
