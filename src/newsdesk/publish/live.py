"""The site kept live from the content folder and the database, for the server.

Files are indexed by content hash: a file compiles again only when its bytes (or the
options) change, and the database keeps each compiled article so that a restart
reads instead of compiling. The site itself is an immutable snapshot (catalog,
theme, routes) replaced whole whenever content or view counts change.
"""

import logging
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, Executable, bindparam, delete, select, update

from newsdesk.content.article import Outcome
from newsdesk.content.loader import (
    discover,
    is_article_path,
    replace_boilerplate_summaries,
    resolve_slugs,
)
from newsdesk.content.model import Article
from newsdesk.content.parallel import map_batches
from newsdesk.publish.compile import Compiled, compile_options_key, compile_packed, term_slugs
from newsdesk.publish.gc_pause import paused_gc
from newsdesk.render.html_text import html_to_text
from newsdesk.site.catalog import Catalog, Entry
from newsdesk.site.config import SiteConfig
from newsdesk.site.pages import PagePlan, plan_article, plan_lists
from newsdesk.site.theme import Theme
from newsdesk.store import search, views
from newsdesk.store.schema import documents
from newsdesk.store.state import compiled_templates
from newsdesk.store.upsert import upsert
from newsdesk.text.digest import digest, file_digest

log = logging.getLogger("newsdesk")

ProgressFactory = Callable[[int, str], Callable[[int], None]]
# Recent views decide what is hot; the all-time count only breaks ties, so that a
# new site with no counted views still shows its most read articles.
_TOTAL_WEIGHT = 1e-9
_SEARCHES_KEPT = 2048
SearchFound = tuple[int, list[tuple[Entry, search.SearchHit]]]


@dataclass
class Snapshot:
    """One consistent state of the site; never changed once published."""

    catalog: Catalog
    theme: Theme
    version: int
    lists: dict[str, PagePlan]
    articles: dict[str, Entry]
    by_slug: dict[str, Entry]
    base_views: dict[str, int]  # the front matter's count, before counted views
    _planned: dict[str, PagePlan] = field(default_factory=dict)

    def plan(self, url: str) -> PagePlan | None:
        found = self.lists.get(url)
        if found is not None:
            return found
        found = self._planned.get(url)
        if found is None:
            entry = self.articles.get(url)
            if entry is None:
                return None
            found = self._planned[url] = plan_article(self.catalog, entry)
        return found


@dataclass
class IndexReport:
    files: int = 0
    compiled: int = 0
    removed: int = 0
    kept: list[str] = field(default_factory=list)  # failed to parse; last good version kept
    errors: int = 0


@dataclass
class _Row:
    size: int
    mtime_ns: int
    content_hash: str
    options_key: str


@dataclass
class _Settled:
    """The public articles as the site-wide checks leave them, before counted views,
    and the fingerprint of each one's search document."""

    public: list[tuple[Article, Compiled]] = field(default_factory=list)
    search_keys: dict[str, str] = field(default_factory=dict)


class LiveSite:
    def __init__(
        self,
        root: Path,
        config: SiteConfig,
        engine: Engine,
        live_reload: bool = False,
    ):
        self.root = root
        self.config = config
        self.engine = engine
        self.live_reload = live_reload
        self.content = config.content_options()
        self.render = config.render_options()
        self.folder = root / config.content.dir
        self._prefix = os.path.join(os.path.abspath(self.folder), "")
        self.options_key = compile_options_key(self.content, self.render)
        self._compiled: dict[str, Compiled] = {}
        # The content hash of the file each article of _compiled was compiled from.
        self._hashes: dict[str, str] = {}
        self._lock = threading.Lock()
        self._version = 0
        self._views_key = ""
        self._next_due: datetime | None = None
        self._settled: _Settled | None = None
        self._indexed_at = 0.0
        self._searches: dict[tuple[int, search.SearchQuery], SearchFound] = {}
        self.snapshot: Snapshot | None = None

    # Content -------------------------------------------------------------

    def index(self, progress: ProgressFactory | None = None) -> IndexReport:
        """Bring the database and the site in step with every file of the folder."""
        with self._lock, paused_gc():
            self._indexed_at = time.time()
            files = discover(self.folder)
            report = self._sync(files, progress, everything=True)
            if self.snapshot is None or report.compiled or report.removed or report.errors:
                self._publish()
            return report

    def changed_since_index(self) -> list[Path]:
        """Files added, deleted or modified since the last full index began (a file
        system's clock is coarse: a second of slack)."""
        since = self._indexed_at - 1.0
        changed: list[Path] = []
        seen: set[str] = set()
        for path in discover(self.folder):
            key = self._key(path)
            seen.add(key)
            try:
                modified = os.stat(path).st_mtime
            except OSError:
                continue
            if key not in self._compiled or modified >= since:
                changed.append(path)
        changed.extend(self.folder / key for key in self._compiled if key not in seen)
        return changed

    def update(self, paths: Iterable[Path]) -> IndexReport:
        """Files added, edited or deleted: index just those, then republish."""
        with self._lock, paused_gc():
            wanted = {self._key(Path(p)) for p in paths}
            # Only the files named, as discover() would have found them (not the
            # whole folder: this runs on every save).
            files = [
                self.folder / key
                for key in sorted(wanted)
                if is_article_path(tuple(key.split("/"))) and (self.folder / key).is_file()
            ]
            report = self._sync(files, None, everything=False, wanted=wanted)
            self._publish()
            return report

    def _key(self, path: Path) -> str:
        """The path relative to the content folder, with `/` (the database's key)."""
        text = os.path.abspath(path)
        if text.startswith(self._prefix):
            return text[len(self._prefix) :].replace(os.sep, "/")
        return os.path.relpath(text, self._prefix).replace(os.sep, "/")

    def _sync(
        self,
        files: list[Path],
        progress: ProgressFactory | None,
        everything: bool,
        wanted: set[str] | None = None,
    ) -> IndexReport:
        report = IndexReport(files=len(files))
        by_key = {self._key(p): p for p in files}
        with self.engine.connect() as connection:
            query = select(
                documents.c.path,
                documents.c.size,
                documents.c.mtime_ns,
                documents.c.content_hash,
                documents.c.options_key,
            )
            if not everything:
                query = query.where(documents.c.path.in_(wanted or set()))
            rows = {
                r.path: _Row(r.size, r.mtime_ns, r.content_hash, r.options_key)
                for r in connection.execute(query)
            }
        todo: list[tuple[str, int, int, str]] = []
        touched: list[dict[str, object]] = []
        for key, path in by_key.items():
            try:
                stat = os.stat(path)
            except OSError:
                continue
            row = rows.get(key)
            current = row is not None and row.options_key == self.options_key
            if current and row and (row.size, row.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                continue
            content_hash = file_digest(path)
            if current and row and row.content_hash == content_hash:
                touched.append({"key": key, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
                continue
            todo.append((key, stat.st_size, stat.st_mtime_ns, content_hash))
        compiling = {t[0] for t in todo}
        unchanged = [k for k in by_key if k in rows and k not in compiling]
        # Another worker may have stored a newer version than the one held here (it
        # compiled the change first): that one is read, not ours kept.
        stale = [k for k in unchanged if self._hashes.get(k) != rows[k].content_hash]
        fresh = self._read(stale)
        self._compiled.update(fresh)
        self._hashes.update((k, rows[k].content_hash) for k in fresh)
        batches = map_batches(
            compile_packed,
            [by_key[t[0]] for t in todo],
            (self.content, self.render, term_slugs(self._compiled.values()) if todo else {}),
            progress(len(todo), "编译文章") if progress and todo else None,
        )
        done = 0
        for packed in batches:
            writes = self._take(todo[done : done + len(packed)], packed, rows, report)
            done += len(packed)
            # Stored batch by batch: a server killed while compiling a large site
            # keeps what it compiled, and compiles only the rest when it starts again.
            if writes:
                with self.engine.begin() as connection:
                    connection.execute(_store_documents(self.engine.dialect.name), writes)
        known = set(rows) | set(self._compiled) if everything else wanted or set()
        gone = {key for key in known if key not in by_key}
        for key in gone:
            self._compiled.pop(key, None)
            self._hashes.pop(key, None)
        report.removed = len(gone)
        with self.engine.begin() as connection:
            if touched:
                restat = (
                    update(documents)
                    .where(documents.c.path == bindparam("key"))
                    .values(size=bindparam("size"), mtime_ns=bindparam("mtime_ns"))
                )
                connection.execute(restat, touched)
            if gone:
                connection.execute(delete(documents).where(documents.c.path.in_(gone)))
        return report

    def _take(
        self,
        todo: list[tuple[str, int, int, str]],
        packed: list[bytes],
        rows: dict[str, _Row],
        report: IndexReport,
    ) -> list[dict[str, object]]:
        """Keep freshly compiled articles (or the last good version of one that no
        longer parses); the rows to store."""
        results: list[Compiled] = [pickle.loads(data) for data in packed]
        failed = [t[0] for t, c in zip(todo, results, strict=True) if c.outcome.article is None]
        stored = self._read([k for k in failed if k in rows and k not in self._compiled])
        writes: list[dict[str, object]] = []
        for (key, size, mtime_ns, content_hash), data, compiled in zip(
            todo, packed, results, strict=True
        ):
            previous = self._compiled.get(key) or stored.get(key)
            if compiled.outcome.article is None:
                report.errors += 1
                for d in compiled.outcome.diagnostics:
                    log.warning("%s:%s:%s: %s", compiled.outcome.path, d.line, d.col, d.message)
                if previous is not None and previous.outcome.article is not None:
                    report.kept.append(key)
                    if key in stored:
                        self._compiled[key] = previous
                        self._hashes[key] = rows[key].content_hash
                    continue
            report.compiled += 1
            self._compiled[key] = compiled
            self._hashes[key] = content_hash
            writes.append(
                {
                    "path": key,
                    "size": size,
                    "mtime_ns": mtime_ns,
                    "content_hash": content_hash,
                    "options_key": self.options_key,
                    "data": data,
                }
            )
        return writes

    def _read(self, keys: list[str]) -> dict[str, Compiled]:
        found: dict[str, Compiled] = {}
        if not keys:
            return found
        with self.engine.connect() as connection:
            for start in range(0, len(keys), 900):
                batch = keys[start : start + 900]
                query = select(documents.c.path, documents.c.data).where(
                    documents.c.path.in_(batch)
                )
                for path, data in connection.execute(query):
                    try:
                        found[path] = pickle.loads(data)
                    except Exception:  # written by another version: compiled again
                        continue
        return found

    def outcomes(self) -> list[Outcome]:
        return [c.outcome for _, c in sorted(self._compiled.items())]

    def kept_search(self, query: search.SearchQuery, snapshot: Snapshot) -> SearchFound | None:
        """The results of a search asked before on this snapshot, without the database."""
        return self._searches.get((snapshot.version, query))

    def search(self, query: search.SearchQuery, snapshot: Snapshot | None = None) -> SearchFound:
        """Ranked hits with their articles of `snapshot` (by default the newest; a hit
        another server indexed but this one has not published yet is left out).
        Results are kept until the site changes: readers ask the same few queries
        far more often than the site changes."""
        snapshot = snapshot or self.snapshot
        assert snapshot is not None, "the site is published before it is searched"
        key = (snapshot.version, query)
        found = self._searches.get(key)
        if found is not None:
            return found
        with self.engine.connect() as connection:
            results = search.search(connection, query)
        hits = [(snapshot.by_slug[h.slug], h) for h in results.hits if h.slug in snapshot.by_slug]
        if len(self._searches) >= _SEARCHES_KEPT:
            self._searches.clear()
        self._searches[key] = found = (results.total, hits)
        return found

    # Views ---------------------------------------------------------------

    def refresh(self) -> bool:
        """Recount views and the hot list, and publish articles whose time has come;
        republish only when something changed."""
        with self._lock:
            self._forget_visits()
            totals, scores = self._counts()
            due = self._next_due is not None and datetime.now(self.content.zone) >= self._next_due
            if not due and _counts_key(totals, scores) == self._views_key:
                return False
            with paused_gc():
                self._publish(totals, scores, content=due)
            return True

    def _forget_visits(self) -> None:
        """Visits older than the window decide nothing any more."""
        window = self.config.views.window_minutes * 60
        with self.engine.begin() as connection:
            views.prune_visits(connection, time.time() - window)

    def _counts(self) -> tuple[dict[str, int], dict[str, float]]:
        today = datetime.now(self.content.zone).date()
        hot = self.config.hot
        with self.engine.connect() as connection:
            totals = views.view_totals(connection)
            scores = views.hot_scores(connection, today, hot.days, hot.half_life_days)
        return totals, scores

    # Publishing ----------------------------------------------------------

    def _publish(
        self,
        totals: dict[str, int] | None = None,
        scores: dict[str, float] | None = None,
        content: bool = True,
    ) -> None:
        """A new snapshot; `content`: whether articles changed (or came due) since the
        last one, else only the counts did."""
        if totals is None or scores is None:
            totals, scores = self._counts()
        self._views_key = _counts_key(totals, scores)
        if content or self._settled is None:
            self._settled = self._settle()
        entries = []
        base_views: dict[str, int] = {}
        for article, compiled in self._settled.public:
            base_views[article.slug] = article.views
            counted = totals.get(article.slug, 0)
            if counted:
                article = replace(article, views=article.views + counted)
            entries.append(compiled.entry(article))
        hot = {
            e.article.slug: scores.get(e.article.slug, 0.0) + e.article.views * _TOTAL_WEIGHT
            for e in entries
        }
        catalog = Catalog(entries, self.config.site.hot_count, hot)
        theme = Theme(
            self.config,
            catalog,
            beacon="",
            live_reload=self.live_reload,
            compiled_templates=compiled_templates(self.root),
        )
        plans = plan_lists(catalog, self.config.site.page_size, self.config.site.feed_items)
        if content:
            # The index first: a search never sees a snapshot newer than the index.
            # (What it holds does not depend on the counts.)
            self._index_search(catalog, self._settled.search_keys)
        self._version += 1
        self.snapshot = Snapshot(
            catalog=catalog,
            theme=theme,
            version=self._version,
            lists={plan.url: plan for plan in plans},
            articles={e.article.url: e for e in catalog.entries},
            by_slug={e.article.slug: e for e in catalog.entries},
            base_views=base_views,
        )
        self._searches.clear()

    def _settle(self) -> _Settled:
        """The public articles as the site-wide checks leave them; notes when the
        next scheduled one is due."""
        # Copies: the site-wide passes below change outcomes, the originals stay as compiled.
        compiled_in_order = [c for _, c in sorted(self._compiled.items())]
        outcomes = [
            Outcome(c.outcome.path, c.outcome.article, list(c.outcome.diagnostics))
            for c in compiled_in_order
        ]
        resolve_slugs(outcomes, self.content)
        replace_boilerplate_summaries(outcomes, self.content)
        moment = datetime.now(self.content.zone)
        settled = _Settled()
        self._next_due = None
        for outcome, compiled in zip(outcomes, compiled_in_order, strict=True):
            article = outcome.article
            if article is None:
                continue
            if not article.is_public(moment):
                if article.is_scheduled(moment):
                    due = article.published
                    self._next_due = min(self._next_due or due, due)
                continue
            settled.public.append((article, compiled))
            settled.search_keys[article.slug] = digest(
                # card_base covers every other field the index holds (and a few more).
                article.slug,
                article.summary,
                compiled.card_base,
                compiled.body_key,
            )
        return settled

    def _index_search(self, catalog: Catalog, keys: dict[str, str]) -> None:
        wanted = {e.article.slug: (e, keys[e.article.slug]) for e in catalog.listed}
        with self.engine.begin() as connection:
            search.hold_index(connection)
            indexed = search.indexed_keys(connection)
            stale = [slug for slug in indexed if slug not in wanted]
            if stale:
                search.remove_documents(connection, stale)
            changed = [
                search.SearchDocument.of(entry.article, html_to_text(entry.html), key)
                for slug, (entry, key) in wanted.items()
                if indexed.get(slug) != key
            ]
            if changed:
                search.index_documents(connection, changed)


def _counts_key(totals: dict[str, int], scores: dict[str, float]) -> str:
    return digest(sorted(totals.items()), sorted(scores.items()))


def _store_documents(dialect_name: str) -> Executable:
    """Stores compiled files, replacing what was stored under the same path."""
    columns = ["size", "mtime_ns", "content_hash", "options_key", "data"]
    return upsert(dialect_name, documents, ["path"], columns)
