"""Site pages served from the live snapshot: rendered once per change, then sent
from memory with validators, caching headers and gzip (compressed once, kept)."""

import gzip
import mimetypes
from dataclasses import dataclass
from email.utils import formatdate
from time import time

from newsdesk.publish.snapshot import Snapshot
from newsdesk.site.pages import PagePlan
from newsdesk.site.security import INERT_SVG_POLICY, SVG_TYPE
from newsdesk.text.digest import bytes_digest, digest
from newsdesk.web.http import HTTPError, Request
from newsdesk.web.negotiate import not_modified, wants_gzip
from newsdesk.web.view_tokens import ViewTokens, fill, has_slot

# Pages change when the content does: browsers revalidate (cheap, by ETag) each time.
_REVALIDATE = b"public, max-age=0, must-revalidate"
_IMMUTABLE = b"public, max-age=31536000, immutable"
_GZIP_FROM = 1024
_COMPRESSIBLE = frozenset(
    (
        b"application/javascript",
        b"application/json",
        b"application/xml",
        b"application/wasm",
        b"font/ttf",
        b"font/otf",
        b"image/bmp",
        b"image/x-icon",
        b"image/vnd.microsoft.icon",
    )
)


@dataclass
class Body:
    """One response body, ready to send in either encoding."""

    content: bytes
    content_type: bytes
    etag: bytes
    modified: float
    cache: bytes
    # Worth gzipping: text of some length (images, archives and fonts are compressed
    # already and would come back larger).
    compressible: bool = False
    _gzipped: bytes | None = None
    _headers: list[tuple[bytes, bytes]] | None = None
    _gzip_headers: list[tuple[bytes, bytes]] | None = None

    @property
    def gzip_etag(self) -> bytes:
        """The ETag of the gzipped answer: another representation, another tag."""
        return self.etag[:-1] + b'-gzip"'

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The response headers every identity answer with this body carries (made once)."""
        if self._headers is None:
            self._headers = self._common(self.etag)
        return self._headers

    def gzip_headers(self) -> list[tuple[bytes, bytes]]:
        """The response headers of the gzipped answer (made once)."""
        if self._gzip_headers is None:
            self._gzip_headers = [*self._common(self.gzip_etag), (b"content-encoding", b"gzip")]
        return self._gzip_headers

    def _common(self, etag: bytes) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-type", self.content_type),
            (b"etag", etag),
            (b"last-modified", formatdate(self.modified, usegmt=True).encode()),
            (b"cache-control", self.cache),
        ]
        if self.compressible:
            headers.append((b"vary", b"accept-encoding"))
        return headers + inert(self.content_type)

    @classmethod
    def of(cls, content: bytes, content_type: bytes, cache: bytes, modified: float) -> "Body":
        etag = b'"' + bytes_digest(content).encode() + b'"'
        compressible = len(content) >= _GZIP_FROM and compressible_type(content_type)
        return cls(content, content_type, etag, modified, cache, compressible)

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
                    asset.read(), content_type(asset.url), _IMMUTABLE, time()
                )
                for asset in snapshot.theme.assets.values()
            }
            self._asset_version = snapshot.version
        return self._assets.get(path)


def inert(content_type: bytes) -> list[tuple[bytes, bytes]]:
    """The sandbox of an SVG file, opened on its own (none for other types)."""
    if content_type.split(b";", 1)[0].strip().lower() != SVG_TYPE.encode():
        return []
    return [(b"content-security-policy", INERT_SVG_POLICY.encode())]


# Image variants' formats, known whatever the system's own table says.
mimetypes.add_type("image/webp", ".webp")
mimetypes.add_type("image/avif", ".avif")


def content_type(path: str) -> bytes:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
        kind += "; charset=utf-8"
    return kind.encode()


def compressible_type(content_type: bytes) -> bool:
    """Whether content of this type shrinks when gzipped: text, JSON, XML, SVG and
    scripts do; images, audio, video, archives and web fonts are compressed already."""
    kind = content_type.split(b";", 1)[0].strip().lower()
    return kind.startswith(b"text/") or kind in _COMPRESSIBLE or kind.endswith((b"+xml", b"+json"))


def page_headers(
    request: Request, body: Body, conditional: bool = True
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and content for a page, gzipped when the client prefers it:
    304 when the client's copy is current (unless not `conditional`: an error page is
    sent whole, with its own status)."""
    gzipped = body.compressible and wants_gzip(request)
    headers = body.gzip_headers() if gzipped else body.headers()
    if conditional and not_modified(request, (body.etag, body.gzip_etag), body.modified):
        return 304, headers, b""
    return 200, headers, body.gzipped() if gzipped else body.content


def canonical_path(path: str) -> str:
    """`/x/index.html` is `/x/`; refuse what no page can be."""
    if len(path) > 2048:
        raise HTTPError(414, "the URL is too long")
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path
