"""The server's search: the published articles held in the in-memory search index
(newsdesk.store.search_engine), and the answers to queries kept until the index
changes (readers ask the same few queries far more often than the site changes).

Two kinds of answer are kept: a query's ranking, whatever page is asked for (a
crawler paging through the results costs one search), and each page as shown."""

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from newsdesk.site.catalog import Catalog, Entry
from newsdesk.site.search_hits import HighlightedHit, Highlighter
from newsdesk.store import search
from newsdesk.store.search_engine import Ranking, RankingKey, SearchIndex
from newsdesk.store.search_file import fingerprint, load_index, save_index
from newsdesk.text.digest import digest

_KEPT = 2048
K = TypeVar("K")
V = TypeVar("V")


@dataclass
class Found:
    """One query's answer on one snapshot: how many articles match, and the hits of
    the page asked for with their articles."""

    query: search.SearchQuery
    total: int
    hits: list[tuple[Entry, HighlightedHit]]
    # The API's JSON of this answer, made the first time it is asked for.
    body: bytes | None = None


@dataclass(frozen=True)
class Shown:
    """A page of results as shown, without the articles (what a search process
    sends back to its worker)."""

    total: int
    hits: list[HighlightedHit]

    @classmethod
    def of(cls, query: search.SearchQuery, results: search.SearchResults) -> "Shown":
        return cls(results.total, highlighted(query.text, results.hits))


def answer(query: search.SearchQuery, shown: Shown, entries: Mapping[str, Entry]) -> Found:
    """The answer to `query`: each hit shown of an article in `entries`, by slug, with
    that article (one the index holds but an older snapshot does not is left out)."""
    hits = [(entries[hit.slug], hit) for hit in shown.hits if hit.slug in entries]
    return Found(query, shown.total, hits)


def highlighted(query: str, hits: Iterable[search.SearchHit]) -> list[HighlightedHit]:
    """The hits as shown, their titles and snippets marked where `query` matches."""
    highlighter = Highlighter(query)
    return [highlighter.hit(h.slug, h.score, h.title, h.summary, h.body) for h in hits]


class _Kept(Generic[K, V]):
    """Values by key, forgotten whole when full: a crawler asking every query cannot
    grow it without bound."""

    def __init__(self) -> None:
        self._values: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def put(self, key: K, value: V) -> V:
        """Keeps `value`, unless one was kept meanwhile: that one is returned."""
        with self._lock:
            kept = self._values.get(key)
            if kept is not None:
                return kept
            if len(self._values) >= _KEPT:
                self._values.clear()
            self._values[key] = value
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class SearchCache:
    """Rankings by (index generation, query without its page), and pages as shown by
    (snapshot version, query)."""

    def __init__(self) -> None:
        self._rankings: _Kept[tuple[int, RankingKey], Ranking] = _Kept()
        self._pages: _Kept[tuple[int, search.SearchQuery], Found] = _Kept()

    def get(self, version: int, query: search.SearchQuery) -> Found | None:
        return self._pages.get((version, query))

    def put(self, version: int, found: Found) -> Found:
        return self._pages.put((version, found.query), found)

    def ranking(self, generation: int, key: RankingKey) -> Ranking | None:
        return self._rankings.get((generation, key))

    def put_ranking(self, generation: int, key: RankingKey, ranking: Ranking) -> Ranking:
        return self._rankings.put((generation, key), ranking)

    def clear_pages(self) -> None:
        self._pages.clear()

    def clear(self) -> None:
        self._rankings.clear()
        self._pages.clear()


def search_key(entry: Entry) -> str:
    """Changes when anything the search index holds about the entry changes
    (card_base covers every other field it holds, and a few more)."""
    a = entry.article
    return digest(a.slug, a.summary, entry.card_base, entry.body_key)


def search_document(entry: Entry, key: str) -> search.SearchDocument:
    return search.SearchDocument.of(entry.article, entry.text, key)


class SiteSearch:
    """The search index of the listed articles, kept in step with each catalog (and,
    each time it is built whole, in the file `saved` when given)."""

    def __init__(self, saved: Path | None = None) -> None:
        self._saved = saved
        # The index with its generation, which changes whenever the index does
        # (rankings are kept per generation), replaced together.
        self.current = (0, SearchIndex.build([]))

    def sync(self, catalog: Catalog) -> bool:
        """Brings the index in step with `catalog`; whether anything changed."""
        wanted = {entry.article.slug: (entry, search_key(entry)) for entry in catalog.listed}
        generation, index = self.current
        indexed = index.indexed_keys()
        removed = [slug for slug in indexed if slug not in wanted]
        changed = [
            search_document(entry, key)
            for slug, (entry, key) in wanted.items()
            if indexed.get(slug) != key
        ]
        if not removed and not changed:
            return False
        edited = index.changed(changed, removed) if indexed else None
        if edited is None:
            edited = self._whole(wanted)
        self.current = (generation + 1, edited)
        return True

    def _whole(self, wanted: dict[str, tuple[Entry, str]]) -> SearchIndex:
        """A new index of the `wanted` entries (slug -> entry and key): the saved one
        when it holds just those, else built and saved."""
        if self._saved is not None:
            keys = {slug: key for slug, (_, key) in wanted.items()}
            saved = load_index(self._saved, fingerprint(keys))
            if saved is not None:
                return SearchIndex(saved)
        index = SearchIndex.build(search_document(entry, key) for entry, key in wanted.values())
        if self._saved is not None:
            save_index(self._saved, index.base)
        return index

    def rank(self, query: search.SearchQuery, cache: SearchCache) -> Ranking:
        """The ranking of `query`, from `cache` when it holds one for this index."""
        (generation, index), key = self.current, RankingKey.of(query)
        ranking = cache.ranking(generation, key)
        if ranking is None:
            ranking = cache.put_ranking(generation, key, index.rank(query))
        return ranking
