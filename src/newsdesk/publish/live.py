"""The site kept live for the server: the content index, the view counts and the
snapshot readers are served from, each replaced whole on any change."""

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from newsdesk.content.article import Outcome
from newsdesk.content.parallel import ProgressFactory
from newsdesk.publish.counts import Counts, forget_visits, read_counts
from newsdesk.publish.gc_pause import paused_gc
from newsdesk.publish.search import Found, SearchCache, Shown, SiteSearch, answer
from newsdesk.publish.settle import Settled, settle
from newsdesk.publish.snapshot import Snapshot, make_snapshot
from newsdesk.publish.sync import ContentIndex, IndexReport
from newsdesk.publish.variants import ImageVariants
from newsdesk.site.config import SiteConfig
from newsdesk.site.local_files import site_folders
from newsdesk.store.search import SearchQuery
from newsdesk.store.state import image_variants, search_index_file


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
        self.content = config.content_options(root)
        self.folder = root / config.content.dir
        self.folders = site_folders(root, config)
        self.variants = ImageVariants(image_variants(root), config.images)
        self.files = ContentIndex(self.folder, engine, self.content, config.render_options())
        self._lock = threading.Lock()
        self._version = 0
        self._counts_key = ""
        self._settled: Settled | None = None
        self._indexed_at = 0.0
        self.searches = SearchCache()
        self.search_index = SiteSearch(search_index_file(root))
        self.snapshot: Snapshot | None = None

    # Content -------------------------------------------------------------

    def index(self, progress: ProgressFactory | None = None) -> IndexReport:
        """Bring the database and the site in step with every file of the folder."""
        with self._lock, paused_gc():
            self._indexed_at = time.time()
            report = self.files.sync_all(progress)
            if self.snapshot is None or report.compiled or report.removed or report.errors:
                # Images are converted with a progress bar at start, quietly later.
                self.variants.progress = progress
                try:
                    self._publish()
                finally:
                    self.variants.progress = None
            return report

    def changed_since_index(self) -> list[Path]:
        """Files added, deleted or modified since the last full index began (a file
        system's clock is coarse: a second of slack)."""
        return self.files.changed_since(self._indexed_at - 1.0)

    def update(self, paths: Iterable[Path]) -> IndexReport:
        """Files added, edited or deleted: index just those, then republish."""
        with self._lock, paused_gc():
            report = self.files.sync_paths(paths)
            self._publish()
            return report

    def outcomes(self) -> list[Outcome]:
        return self.files.outcomes()

    def desk_outcomes(self) -> list[Outcome]:
        """Every file's outcome as the site-wide checks leave it (final slug, their
        findings among the diagnostics), drafts and scheduled articles included: what
        the desk lists."""
        with self._lock:
            compiled = self.files.in_order()
            settled = self._settled
        if settled is None:
            return [c.outcome for c in compiled]
        checks = settled.checks
        return [
            replace(checked, article=checks.article(checked.article))
            if checked.article is not None
            else checked
            for checked in (checks.outcome(c.outcome) for c in compiled)
        ]

    def recheck_history(self) -> bool:
        """Republish when a commit moved the dates of articles dated by their git
        history (a commit need not touch a file); whether it did."""
        with self._lock:
            checks = self._settled.checks if self._settled else None
            if checks is None or not checks.history_moved(self.content.zone):
                return False
            with paused_gc():
                self._publish()
            return True

    # Search --------------------------------------------------------------

    def search(self, query: SearchQuery, snapshot: Snapshot | None = None) -> Found:
        """Ranked hits with their articles of `snapshot` (by default the newest)."""
        snapshot = snapshot or self.snapshot
        assert snapshot is not None, "the site is published before it is searched"
        found = self.searches.get(snapshot.version, query)
        if found is not None:
            return found
        return self.found(query, self.shown(query), snapshot)

    def shown(self, query: SearchQuery) -> Shown:
        """The page of results `query` asks for, highlighted (the search's work)."""
        results = self.search_index.rank(query, self.searches).page(query.offset, query.limit)
        return Shown.of(query, results)

    def found(self, query: SearchQuery, shown: Shown, snapshot: Snapshot) -> Found:
        """`shown` with its articles of `snapshot`, kept for the next reader."""
        return self.searches.put(snapshot.version, answer(query, shown, snapshot.by_slug))

    def searcher(self) -> Callable[[SearchQuery], Shown]:
        """`shown` for a process forked from this one: with a cache of its own (the
        one here may have been locked by another thread as it was forked)."""
        self.searches = SearchCache()
        return self.shown

    # Views ---------------------------------------------------------------

    def refresh(self) -> bool:
        """Recount views and the hot list, and publish articles whose time has come;
        republish only when something changed."""
        with self._lock:
            forget_visits(self.engine, self.config.views.window_minutes)
            counts = self._counts()
            settled = self._settled
            due = (
                settled is not None
                and settled.next_due is not None
                and self._now() >= settled.next_due
            )
            if not due and counts.key == self._counts_key:
                return False
            with paused_gc():
                self._publish(counts, content=due)
            return True

    def _counts(self) -> Counts:
        return read_counts(self.engine, self._now().date(), self.config.hot)

    def _now(self) -> datetime:
        return datetime.now(self.content.zone)

    # Publishing ----------------------------------------------------------

    def _publish(self, counts: Counts | None = None, content: bool = True) -> None:
        """A new snapshot; `content`: whether articles changed (or came due) since the
        last one, else only the counts did."""
        counts = counts or self._counts()
        self._counts_key = counts.key
        if content or self._settled is None:
            self._settled = settle(
                self.files.in_order(),
                self.content,
                self._now(),
                self.folders,
                self.config.images,
                self.variants,
            )
        self._version += 1
        snapshot = make_snapshot(
            self._settled, counts, self.config, self.root, self.live_reload, self._version
        )
        # The index first: a search never sees a snapshot newer than the index.
        # (What it holds does not depend on the counts.)
        if content and self.search_index.sync(snapshot.catalog):
            self.searches.clear()
        self.snapshot = snapshot
        self.searches.clear_pages()
