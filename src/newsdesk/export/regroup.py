"""Edits that move articles between categories, tags or authors, replayed on a
build's manifest: the lists, feeds and term indexes of the terms they joined or
left, as a whole build would plan them, while no term appears or disappears and no
list gains or loses a page (a whole build handles those). Also the tags' members
in order, from which related articles are found again."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from newsdesk.content.model import Article
from newsdesk.export.manifest import Manifest
from newsdesk.site.catalog import term_names
from newsdesk.site.kinds import TermsIndex
from newsdesk.site.pages import page_count

_TAXONOMIES = ("categories", "tags", "authors")


@dataclass
class Regrouped:
    """What changed: list pages and term indexes by URL, feeds by their list's URL,
    and each tag whose members changed, with its members before and after."""

    lists: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)
    tags: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)


class TermMembers:
    """Each term's articles (by path) in the site's order, read from the manifest's
    list pages."""

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        pages: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for url, source in manifest.lists.items():
            if source.term is not None and source.term.kind in _TAXONOMIES:
                pages[(source.term.kind, source.term.name)].append((source.pagination.page, url))
        self.pages = {term: [url for _, url in sorted(found)] for term, found in pages.items()}
        self._positions: dict[str, dict[str, int]] = {}

    def members(self, kind: str, name: str) -> tuple[str, ...]:
        lists = self.manifest.lists
        return tuple(p for url in self.pages.get((kind, name), ()) for p in lists[url].paths)

    def tag(self, name: str) -> tuple[str, ...]:
        return self.members("tags", name)

    def tag_position(self, name: str, path: str) -> int:
        positions = self._positions.get(name)
        if positions is None:
            positions = self._positions[name] = {p: n for n, p in enumerate(self.tag(name))}
        return positions.get(path, 0)


def regroup(
    manifest: Manifest, members: TermMembers, moved: dict[str, tuple[Article, Article]]
) -> Regrouped | None:
    """Updates the manifest for articles (by path) whose terms changed (each article
    before and after); None when a whole build is needed."""
    moves: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)  # path: joined
    for path, (before, after) in moved.items():
        if path not in manifest.positions:  # unlisted: in no term's lists
            continue
        for kind in _TAXONOMIES:
            old, new = set(term_names(kind, before)), set(term_names(kind, after))
            for name in old ^ new:
                moves[(kind, name)][path] = name in new
    regrouped = Regrouped()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for (kind, name), joined in moves.items():
        urls = members.pages.get((kind, name))
        if (kind, name) not in manifest.slugs or not urls:
            return None  # a term the site did not have
        had = members.members(kind, name)
        kept = set(had).union(p for p, added in joined.items() if added)
        kept -= {p for p, added in joined.items() if not added}
        has = tuple(sorted(kept, key=manifest.positions.__getitem__))
        if not has or page_count(len(has), manifest.page_size) != len(urls):
            return None  # a term gone, or a list with another number of pages
        _paginate(manifest, urls, has)
        regrouped.lists.extend(urls)
        term = manifest.lists[urls[0]].term
        assert term is not None
        feed = manifest.feeds[term.url]
        manifest.feeds[term.url] = feed._replace(paths=has[: manifest.feed_items])
        regrouped.feeds.append(term.url)
        counts[kind][name] = len(has)
        if kind == "tags":
            regrouped.tags[name] = (had, has)
    for kind, changed in counts.items():
        url = f"/{kind}/"
        index = manifest.indexes[url]
        terms = [(n, slug, changed.get(n, count)) for n, slug, count in index.terms]
        terms.sort(key=lambda term: (-term[2], term[0]))
        manifest.indexes[url] = TermsIndex(kind, tuple(terms))
        regrouped.indexes.append(url)
    return regrouped


def near(paths: Iterable[str], members: tuple[str, ...], reach: int) -> set[str]:
    """The members within `reach` places of any of `paths` among them."""
    places = {p: n for n, p in enumerate(members)}
    found: set[str] = set()
    for path in paths:
        at = places.get(path)
        if at is not None:
            found.update(members[max(0, at - reach) : at + reach + 1])
    return found


def _paginate(manifest: Manifest, urls: list[str], members: tuple[str, ...]) -> None:
    size = manifest.page_size
    for n, url in enumerate(urls):
        source = manifest.lists[url]
        manifest.lists[url] = source._replace(
            paths=members[n * size : (n + 1) * size],
            pagination=replace(source.pagination, items=len(members)),
        )
