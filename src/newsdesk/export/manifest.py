"""What a whole build recorded about the site it wrote, so that a later build can
redo only the pages an edit reaches: which articles each page shows, by file path."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from newsdesk.content.article import Outcome
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.sitewide import SiteChecks
from newsdesk.publish.compile import Compiled
from newsdesk.publish.settle import Settled
from newsdesk.site.catalog import Catalog, Entry, Term
from newsdesk.site.kinds import FEEDS, ArticlePage, ListPage, TermsIndex
from newsdesk.site.pages import PagePlan, Pagination
from newsdesk.site.theme import Theme


class Linked(NamedTuple):
    """What a whole build showed on one public article's page: whether it is hot, and
    the articles the page links to (by file path)."""

    hot: bool
    newer: str | None
    older: str | None
    related: tuple[str, ...]


class FeedSource(NamedTuple):
    """One list's feeds: its title, its term (kind, name) and its articles' paths."""

    title: str
    term: tuple[str, str] | None
    paths: tuple[str, ...]


class ListSource(NamedTuple):
    """One page of a list of cards: what it is and its articles' paths (its term
    without its articles)."""

    kind: ListPage
    title: str
    term: Term | None
    pagination: Pagination
    paths: tuple[str, ...]


@dataclass
class Manifest:
    """The last whole build of a site into one folder, as an edit needs it (kept up to
    date by the builds that patch it)."""

    setup: str  # configuration, theme and compile options
    theme_key: str
    statics: dict[str, str]
    public_until: datetime | None  # when the next scheduled article appears
    checks: SiteChecks  # what the site-wide checks decided
    articles: dict[str, Linked] = field(default_factory=dict)
    feeds: dict[str, FeedSource] = field(default_factory=dict)  # by the list's URL
    lists: dict[str, ListSource] = field(default_factory=dict)  # by the page's URL
    indexes: dict[str, TermsIndex] = field(default_factory=dict)  # by the page's URL
    page_size: int = 0
    feed_items: int = 0
    # Each listed article's place in the site's order, and the articles that may be
    # related to it with how many tags each shares (Catalog.candidates).
    positions: dict[str, int] = field(default_factory=dict)
    candidates: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    sticky: tuple[str, ...] = ()
    hot: tuple[str, ...] = ()
    slugs: dict[tuple[str, str], str] = field(default_factory=dict)
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    article_count: int = 0
    # Whether pages link to articles by their files or old URLs lead to articles:
    # resolving them takes the whole site, so any edit is then built whole.
    resolved: bool = False
    # Whether pages refer to anything by a path (files beside articles, the site's
    # images, its pages): an edit is then patched only while no other file of the
    # site's folder changed (`tree`: their key), since a path may come to name one.
    shows_files: bool = False
    tree: str = ""
    # The URLs of the files each article's pages need published, by its source path.
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def changed_files(
        self,
        setup: str,
        keys: dict[str, str],
        sources: dict[str, str],
        statics: dict[str, str],
        moment: datetime,
    ) -> list[str] | None:
        """The files edited since (`sources`: each file's key as last built), or None
        when anything else changed too."""
        if setup != self.setup or statics != self.statics or keys.keys() != sources.keys():
            return None
        if self.public_until is not None and moment >= self.public_until:
            return None
        return [path for path, key in keys.items() if sources[path] != key]

    def outcomes(self) -> list[Outcome]:
        """Each file's diagnostics, as the whole build reported them."""
        return [Outcome(path, diagnostics=list(found)) for path, found in self.diagnostics.items()]


def file_paths(files: list[Path], compiled: list[Compiled]) -> dict[str, str]:
    """Each article's source path by the path its pages show (`compiled` is in the
    order of `files`)."""
    # Articles are known by the path they were read from; pages show them by the
    # path as typed, which depends on the working folder.
    return {c.outcome.path: str(path) for path, c in zip(files, compiled, strict=True)}


def record(
    setup: str,
    theme: Theme,
    statics: dict[str, str],
    files: list[Path],
    compiled: list[Compiled],
    settled: Settled,
    catalog: Catalog,
    plans: list[PagePlan],
    page_size: int,
    feed_items: int,
) -> Manifest:
    """The manifest of a whole build (`compiled` is in the order of `files`), whose
    lists hold `page_size` articles a page and feeds `feed_items`."""
    file_of = file_paths(files, compiled)

    def path_of(entry: Entry | None) -> str | None:
        return file_of[entry.article.path] if entry else None

    def paths(entries: tuple[Entry, ...] | list[Entry]) -> tuple[str, ...]:
        return tuple(file_of[e.article.path] for e in entries)

    manifest = Manifest(setup, theme.key, statics, settled.next_due, settled.checks)
    manifest.article_count = len(catalog.entries)
    local, redirects = settled.local, settled.redirects
    manifest.resolved = bool(local.links or redirects.targets)
    manifest.shows_files = local.referenced
    manifest.files = {file_of[path]: urls for path, urls in local.uses.items()}
    manifest.page_size, manifest.feed_items = page_size, feed_items
    manifest.diagnostics = {
        o.path: o.diagnostics for o in settled.outcomes(compiled) if o.diagnostics
    }
    for plan in plans:
        kind = plan.kind
        if isinstance(kind, ArticlePage):
            entry = plan.entries[0]
            path = file_of[entry.article.path]
            manifest.articles[path] = Linked(
                entry.hot, path_of(kind.newer), path_of(kind.older), paths(kind.related)
            )
            if not entry.article.unlisted:  # an unlisted article links to no related
                manifest.candidates[path] = tuple(
                    (file_of[o.article.path], count) for o, count in catalog.candidates(entry)
                )
        elif isinstance(kind, ListPage) and plan.pagination is not None:
            term = plan.term and Term(plan.term.kind, plan.term.name, plan.term.slug)
            manifest.lists[plan.url] = ListSource(
                kind, plan.title, term, plan.pagination, paths(plan.entries)
            )
        elif isinstance(kind, TermsIndex):
            manifest.indexes[plan.url] = kind
        # A list's feeds hold the same articles in every format: one records them.
        elif kind is FEEDS[0]:
            named = (plan.term.kind, plan.term.name) if plan.term else None
            base = plan.term.url if plan.term else "/"
            manifest.feeds[base] = FeedSource(plan.title, named, paths(plan.entries))
    manifest.positions = {file_of[e.article.path]: n for n, e in enumerate(catalog.listed)}
    manifest.sticky = paths(catalog.sticky)
    manifest.hot = paths(catalog.hot)
    for group in catalog.groups.values():
        for term in group.values():
            manifest.slugs[(term.kind, term.name)] = term.slug
    return manifest
