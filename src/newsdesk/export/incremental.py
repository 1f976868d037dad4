"""Rebuilding after edits to a few articles that leave the site's order and lists as
they were: a body, a title, a summary, a cover, headings. The pages that show what
changed (the articles' own pages, the pages linking to them as neighbours or related,
the lists and feeds holding them) are planned again from what the last whole build
recorded, without reading or planning the rest of the site. Any other change (a
date, slug, tag, category, author, sticky or hot flag, a draft published) is left to
a whole build."""

import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from newsdesk.content.model import Article
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import map_files
from newsdesk.export.cache import BuildCache
from newsdesk.export.manifest import Linked, ListSource, Manifest
from newsdesk.export.patch_files import EditedFiles
from newsdesk.export.regroup import Regrouped, TermMembers, near, regroup
from newsdesk.publish.compile import Compiled, compile_packed, term_slugs
from newsdesk.render.options import RenderOptions
from newsdesk.site.catalog import RELATED_WINDOW, Catalog, Entry, rank_related, shared_tags
from newsdesk.site.pages import (
    PagePlan,
    article_plan,
    front_key,
    list_plan,
    plan_feeds,
    terms_plan,
)
from newsdesk.site.search_index import SearchDoc, search_doc
from newsdesk.site.theme import Theme

# More edited files than this and a whole build is about as quick.
PATCH_LIMIT = 50


class Change(Enum):
    BODY = "body"  # what only the article's own page and its feeds show
    CARD = "card"  # also what lists and links to it show: title, summary, cover
    TERMS = "terms"  # also which categories, tags and authors it is listed under


@dataclass
class Patch:
    theme: Theme
    plans: list[PagePlan]
    manifest_changed: bool  # lists or related articles changed: the manifest was updated
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
    files: EditedFiles | None = None,
) -> Patch | None:
    """The pages to render again after these edits, or None when an edit changed
    more than they show (a whole build then redoes the site). `files` resolves the
    files beside the articles shown, when the site's pages show any."""
    edited: dict[str, Compiled] = {}
    cards: set[str] = set()
    moved: dict[str, tuple[Article, Article]] = {}
    for path, (previous, compiled) in edits.items():
        change = _change(previous, compiled)
        if change is None:
            return None
        edited[path] = compiled
        if change is not Change.BODY and path in manifest.articles:
            cards.add(path)
        if change is Change.TERMS and previous and previous.entry and compiled.entry:
            moved[path] = (previous.entry.article, compiled.entry.article)
    regrouped, refound = Regrouped(), set[str]()
    compiled_files = _CompiledFiles(cache, keys, edited)
    if moved:
        members = TermMembers(manifest)
        found = regroup(manifest, members, moved)
        if found is None:
            return None
        regrouped = found
        refound = _find_candidates(manifest, members, regrouped, edited, compiled_files)
    shown = [p for p in edited if p in manifest.articles]
    reach = _Reach.of(manifest, shown, cards)
    reach.add(refound, regrouped)
    last = {p: old.entry for p, (old, _) in edits.items() if old and old.entry}
    entries = _entries(manifest, reach.needed(manifest), compiled_files, files, last)
    if entries is None:
        return None
    catalog = _catalog(manifest, entries)
    theme = make_theme(catalog)
    if theme.key != manifest.theme_key:
        return None
    positions = {id(entries[p]): n for p, n in manifest.positions.items() if p in entries}
    path_of = {id(entry): path for path, entry in entries.items()}
    changed = bool(moved)
    plans: list[PagePlan] = []
    for path in reach.articles:
        linked = manifest.articles[path]
        if path in reach.reranked and path in manifest.candidates:
            candidates = [(entries[p], n) for p, n in manifest.candidates[path]]
            ranked = rank_related(entries[path], candidates, positions)
            related = tuple(path_of[id(entry)] for entry in ranked)
            if related != linked.related:
                linked = manifest.articles[path] = linked._replace(related=related)
                changed = True
        plans.append(_article_plan(entries, linked, entries[path]))
    front = front_key(catalog)
    for url in reach.lists:
        plans.append(_list_plan(url, manifest.lists[url], entries, front))
    for base in reach.feeds:
        source = manifest.feeds[base]
        term = catalog.term(*source.term) if source.term else None
        in_feed = [entries[p] for p in source.paths]
        plans.extend(plan_feeds(base, source.title, in_feed, term))
    plans.extend(terms_plan(manifest.indexes[url]) for url in reach.indexes)
    search = {
        path: search_doc(entries[path], theme.base_path, theme.thumbnail(entries[path]))
        for path in shown
    }
    return Patch(theme, plans, changed, search)


@dataclass
class _Reach:
    """The pages an edit reaches: articles' own pages by path (`reranked`: those whose
    related articles are ranked again), list pages by URL, feeds by their list's URL."""

    articles: list[str]
    reranked: set[str]
    lists: list[str]
    feeds: list[str]
    indexes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, manifest: Manifest, shown: list[str], cards: set[str]) -> "_Reach":
        articles = dict.fromkeys(shown)
        reranked = set(cards)
        if cards:
            for path in cards:
                linked = manifest.articles[path]
                articles.update(dict.fromkeys(p for p in (linked.newer, linked.older) if p))
            # An edited card may change the related articles of any article it is a
            # candidate of, and shows on the pages of those it is related to (a subset).
            for path, candidates in manifest.candidates.items():
                if any(other in cards for other, _ in candidates):
                    articles[path] = None
                    reranked.add(path)
        fronted = bool(cards.intersection(manifest.sticky) or cards.intersection(manifest.hot))
        lists = [
            url
            for url, source in manifest.lists.items()
            if cards.intersection(source.paths)
            or (fronted and source.kind.front and source.pagination.page == 1)
        ]
        feeds = [
            base
            for base, source in manifest.feeds.items()
            if any(path in source.paths for path in shown)
        ]
        return cls(list(articles), reranked, lists, feeds)

    def add(self, refound: set[str], regrouped: Regrouped) -> None:
        """Articles whose related candidates were found again, and the lists, feeds
        and indexes of terms whose articles changed."""
        self.articles.extend(sorted(refound.difference(self.articles)))
        self.reranked.update(refound)
        self.lists.extend(url for url in regrouped.lists if url not in self.lists)
        self.feeds.extend(base for base in regrouped.feeds if base not in self.feeds)
        self.indexes.extend(regrouped.indexes)

    def needed(self, manifest: Manifest) -> set[str]:
        """The articles these pages show."""
        needed = set(self.articles)
        for path in self.articles:
            linked = manifest.articles[path]
            needed.update(p for p in (linked.newer, linked.older, *linked.related) if p)
            if path in self.reranked:
                needed.update(p for p, _ in manifest.candidates.get(path, ()))
        for url in self.lists:
            needed.update(manifest.lists[url].paths)
        if self.lists:  # the front page's sticky and hot articles, and their order
            needed.update(manifest.sticky)
            needed.update(manifest.hot)
        for base in self.feeds:
            needed.update(manifest.feeds[base].paths)
        return needed


def _change(old: Compiled | None, new: Compiled) -> Change | None:
    """What an edit changed, when the article kept its place in the site's order,
    its headings' findings and the site-wide checks' findings (None otherwise)."""
    if old is None or old.entry is None or new.entry is None:
        return None
    if old.outcome.diagnostics != new.outcome.diagnostics:
        return None
    before, after = old.entry.article, new.entry.article
    if _outside_body(before) == _outside_body(after) and old.entry.toc_key == new.entry.toc_key:
        return Change.BODY
    # A summary the author gave may be one many articles share (a site-wide check).
    if before.summary_given and before.summary != after.summary:
        return None
    if _outside_card(before) == _outside_card(after):
        return Change.CARD
    if _outside_terms(before) == _outside_terms(after):
        return Change.TERMS
    return None


def _outside_body(article: Article) -> Article:
    return replace(article, cjk_chars=0, latin_words=0, code_lines=0)


def _outside_card(article: Article) -> Article:
    return replace(
        _outside_body(article),
        title="",
        summary="",
        derived_summary="",
        cover_image=None,
        read_minutes=0,
        toc=(),
    )


def _outside_terms(article: Article) -> Article:
    return replace(_outside_card(article), category=None, tags=(), authors=())


def _find_candidates(
    manifest: Manifest,
    members: TermMembers,
    regrouped: Regrouped,
    edited: dict[str, Compiled],
    compiled_files: "_CompiledFiles",
) -> set[str]:
    """The articles whose related candidates change as tags gained or lost articles
    (those published nearest them under such a tag), their candidates found again
    and recorded in the manifest; returns their paths."""
    moved = set(edited)
    near_moved: set[str] = set()
    for before, after in regrouped.tags.values():
        near_moved |= near(moved, before, RELATED_WINDOW) | near(moved, after, RELATED_WINDOW)
    found = near_moved & manifest.candidates.keys()
    for path, compiled in compiled_files.get(found).items():
        if compiled is None or compiled.entry is None:
            continue
        tags = compiled.entry.article.tags
        manifest.candidates[path] = tuple(
            shared_tags(path, tags, members.tag, members.tag_position)
        )
    return found


def _entries(
    manifest: Manifest,
    paths: Iterable[str],
    compiled_files: "_CompiledFiles",
    files: EditedFiles | None,
    previous: dict[str, Entry],
) -> dict[str, Entry] | None:
    """The articles as the whole build published them, edited ones from their edit
    (`previous`: their last versions)."""
    entries: dict[str, Entry] = {}
    for path, compiled in compiled_files.get(paths).items():
        if compiled is None or compiled.entry is None or path not in manifest.articles:
            return None
        entry = compiled.entry.settled(manifest.checks.article(compiled.entry.article))
        if files is not None:
            found = files(path, entry, previous.get(path))
            if found is None:
                return None
            entry = found
        entries[path] = entry
    return entries


def _catalog(manifest: Manifest, entries: dict[str, Entry]) -> Catalog:
    """The articles as the whole site showed them: each hot as it was, the hot list in
    its order (when its articles are among them)."""
    ranks = {
        entries[path].article.slug: float(len(manifest.hot) - n)
        for n, path in enumerate(manifest.hot)
        if path in entries
    }
    catalog = Catalog(entries.values(), len(manifest.hot), ranks, slugs=manifest.slugs)
    for path, entry in entries.items():
        entry.hot = manifest.articles[path].hot
    return catalog


def _article_plan(entries: dict[str, Entry], linked: Linked, entry: Entry) -> PagePlan:
    newer = entries[linked.newer] if linked.newer else None
    older = entries[linked.older] if linked.older else None
    return article_plan(entry, newer, older, [entries[p] for p in linked.related])


def _list_plan(
    url: str, source: ListSource, entries: dict[str, Entry], front: tuple[object, ...]
) -> PagePlan:
    """`front`: what the site's front page shows beside its list (other lists show
    nothing beside theirs)."""
    members = [entries[p] for p in source.paths]
    beside = front if source.kind.front else ()
    return list_plan(
        url, source.kind, source.title, members, source.pagination, beside, source.term
    )


class _CompiledFiles:
    """Compiled articles by path: edited ones from their edit, the others read from the
    build cache once however many steps of a patch ask for them."""

    def __init__(self, cache: BuildCache, keys: dict[str, str], edited: dict[str, Compiled]):
        self._cache = cache
        self._keys = keys
        self._read: dict[str, Compiled] = dict(edited)

    def get(self, paths: Iterable[str]) -> dict[str, Compiled | None]:
        paths = list(paths)
        unread = [self._keys[p] for p in paths if p not in self._read]
        found = self._cache.get_many(unread) if unread else {}
        for path in paths:
            if path not in self._read and self._keys[path] in found:
                self._read[path] = found[self._keys[path]]
        return {path: self._read.get(path) for path in paths}
