"""Rebuilding after edits to articles' bodies only, the most common edit: the pages
that show those bodies (the articles' own pages and the feeds holding them) are
rendered again from what the last whole build recorded, without reading or
planning the rest of the site. Any other change is left to a whole build."""

import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from newsdesk.content.article import Outcome
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.model import Article
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import map_files
from newsdesk.content.sitewide import SiteChecks
from newsdesk.export.cache import BuildCache
from newsdesk.publish.compile import Compiled, compile_packed, term_slugs
from newsdesk.publish.settle import Settled
from newsdesk.render.options import RenderOptions
from newsdesk.site.catalog import Catalog, Entry
from newsdesk.site.kinds import FEEDS, ArticlePage
from newsdesk.site.pages import PagePlan, article_plan, plan_feeds
from newsdesk.site.search_index import SearchDoc, search_doc
from newsdesk.site.theme import Theme

# More edited files than this and a whole build is about as quick.
PATCH_LIMIT = 50


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


@dataclass
class Manifest:
    """The last whole build of a site into one folder, as a body edit needs it."""

    setup: str  # configuration, theme and compile options
    theme_key: str
    statics: dict[str, str]
    public_until: datetime | None  # when the next scheduled article appears
    checks: SiteChecks  # what the site-wide checks decided
    articles: dict[str, Linked] = field(default_factory=dict)
    feeds: dict[str, FeedSource] = field(default_factory=dict)  # by the list's URL
    slugs: dict[tuple[str, str], str] = field(default_factory=dict)
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    article_count: int = 0

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
) -> Manifest:
    """The manifest of a whole build (`compiled` is in the order of `files`)."""
    file_of = file_paths(files, compiled)

    def path_of(entry: Entry | None) -> str | None:
        return file_of[entry.article.path] if entry else None

    manifest = Manifest(setup, theme.key, statics, settled.next_due, settled.checks)
    manifest.article_count = len(catalog.entries)
    manifest.diagnostics = {
        o.path: o.diagnostics for o in settled.outcomes(compiled) if o.diagnostics
    }
    for plan in plans:
        kind = plan.kind
        if isinstance(kind, ArticlePage):
            entry = plan.entries[0]
            manifest.articles[file_of[entry.article.path]] = Linked(
                entry.hot,
                path_of(kind.newer),
                path_of(kind.older),
                tuple(file_of[e.article.path] for e in kind.related),
            )
        # A list's feeds hold the same articles in every format: one records them.
        elif kind is FEEDS[0]:
            named = (plan.term.kind, plan.term.name) if plan.term else None
            paths = tuple(file_of[e.article.path] for e in plan.entries)
            base = plan.term.url if plan.term else "/"
            manifest.feeds[base] = FeedSource(plan.title, named, paths)
    for group in catalog.groups.values():
        for term in group.values():
            manifest.slugs[(term.kind, term.name)] = term.slug
    return manifest


@dataclass
class Patch:
    theme: Theme
    plans: list[PagePlan]
    # The edited articles as the static search would hold them, by source path.
    search: dict[str, SearchDoc]


def compile_edits(
    sources: dict[str, str],
    changed: list[str],
    keys: dict[str, str],
    cache: BuildCache,
    content: ContentOptions,
    render: RenderOptions,
) -> dict[str, tuple[Compiled | None, Compiled]]:
    """Each edited file compiled (and cached, in place of its last version), beside
    its last build's version."""
    old_keys = {path: sources[path] for path in changed}
    old = cache.get_many(list(old_keys.values()))
    packed = map_files(
        compile_packed, [Path(p) for p in changed], (content, render, term_slugs(old.values()))
    )
    cache.put_many({keys[p]: data for p, data in zip(changed, packed, strict=True)})
    cache.forget(old_keys.values())
    return {
        path: (old.get(old_keys[path]), pickle.loads(data))
        for path, data in zip(changed, packed, strict=True)
    }


def patch_plans(
    manifest: Manifest,
    edits: dict[str, tuple[Compiled | None, Compiled]],
    keys: dict[str, str],
    cache: BuildCache,
    make_theme: Callable[[Catalog], Theme],
) -> Patch | None:
    """The pages to render again after these edits, or None when an edit changed
    more than a body (a whole build then redoes the site)."""
    edited: dict[str, Compiled] = {}
    for path, (previous, compiled) in edits.items():
        if previous is None or not _same_but_body(previous, compiled):
            return None
        edited[path] = compiled
    shown = [path for path in edited if path in manifest.articles]
    feeds = {
        base: source
        for base, source in manifest.feeds.items()
        if any(path in source.paths for path in shown)
    }
    needed = set(shown)
    for path in shown:
        linked = manifest.articles[path]
        needed.update(p for p in (linked.newer, linked.older, *linked.related) if p)
    for source in feeds.values():
        needed.update(source.paths)
    entries = _entries(manifest, needed, edited, keys, cache)
    if entries is None:
        return None
    catalog = Catalog(entries.values(), 0, slugs=manifest.slugs)
    for path, entry in entries.items():
        entry.hot = manifest.articles[path].hot
    theme = make_theme(catalog)
    if theme.key != manifest.theme_key:
        return None
    plans = [_article_plan(entries, manifest.articles[path], entries[path]) for path in shown]
    for base, source in feeds.items():
        term = catalog.term(*source.term) if source.term else None
        members = [entries[p] for p in source.paths]
        plans.extend(plan_feeds(base, source.title, members, term))
    search = {path: search_doc(entries[path], theme.base_path) for path in shown}
    return Patch(theme, plans, search)


def _same_but_body(old: Compiled, new: Compiled) -> bool:
    """Whether the edit changed nothing a list, a heading or the site-wide checks
    see: the same fields but for the body's own counts (the card's fields and term
    names among them), the same headings and the same findings."""
    if old.entry is None or new.entry is None:
        return False
    return (
        _outside_body(old.entry.article) == _outside_body(new.entry.article)
        and old.outcome.diagnostics == new.outcome.diagnostics
        and old.entry.toc_key == new.entry.toc_key
    )


def _outside_body(article: Article) -> Article:
    return replace(article, cjk_chars=0, latin_words=0, code_lines=0)


def _entries(
    manifest: Manifest,
    paths: Iterable[str],
    edited: dict[str, Compiled],
    keys: dict[str, str],
    cache: BuildCache,
) -> dict[str, Entry] | None:
    """The articles as the whole build published them, edited ones from their edit."""
    paths = list(paths)
    loaded = cache.get_many([keys[p] for p in paths if p not in edited])
    entries: dict[str, Entry] = {}
    for path in paths:
        compiled = edited[path] if path in edited else loaded.get(keys[path])
        if compiled is None or compiled.entry is None or path not in manifest.articles:
            return None
        entries[path] = compiled.entry.settled(manifest.checks.article(compiled.entry.article))
    return entries


def _article_plan(entries: dict[str, Entry], linked: Linked, entry: Entry) -> PagePlan:
    newer = entries[linked.newer] if linked.newer else None
    older = entries[linked.older] if linked.older else None
    return article_plan(entry, newer, older, [entries[p] for p in linked.related])
