"""The server's search: the published articles kept in the search index, and the
answer to each query (the store's hits with their articles, highlighted) kept until
the site changes (readers ask the same few queries far more often than the site
changes)."""

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from newsdesk.render.html_text import html_to_text
from newsdesk.site.catalog import Catalog, Entry
from newsdesk.site.search_hits import HighlightedHit, Highlighter
from newsdesk.store import search
from newsdesk.text.digest import digest

_KEPT = 2048


@dataclass
class Found:
    """One query's answer on one snapshot: how many articles match, and the hits of
    the page asked for with their articles."""

    query: search.SearchQuery
    total: int
    hits: list[tuple[Entry, HighlightedHit]]
    # The API's JSON of this answer, made the first time it is asked for.
    body: bytes | None = None


def answer(
    query: search.SearchQuery, results: search.SearchResults, entries: Mapping[str, Entry]
) -> Found:
    """The answer to `query` from its `results`: each hit of an article in `entries`,
    by slug, with that article (a hit another server indexed but this one has not
    published yet is left out)."""
    kept = [hit for hit in results.hits if hit.slug in entries]
    hits = [(entries[hit.slug], hit) for hit in highlighted(query.text, kept)]
    return Found(query, results.total, hits)


def highlighted(query: str, hits: Iterable[search.SearchHit]) -> list[HighlightedHit]:
    """The hits as shown, their titles and snippets marked where `query` matches."""
    highlighter = Highlighter(query)
    return [highlighter.hit(h.slug, h.score, h.title, h.summary, h.body) for h in hits]


class SearchCache:
    """Answers by (snapshot version, query), forgotten whole when full: a crawler
    asking every query cannot grow it without bound."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, search.SearchQuery], Found] = {}
        self._lock = threading.Lock()

    def get(self, version: int, query: search.SearchQuery) -> Found | None:
        return self._found.get((version, query))

    def put(self, version: int, found: Found) -> Found:
        """Keeps `found`, unless an answer was kept meanwhile: that one is returned."""
        key = (version, found.query)
        with self._lock:
            kept = self._found.get(key)
            if kept is not None:
                return kept
            if len(self._found) >= _KEPT:
                self._found.clear()
            self._found[key] = found
            return found

    def clear(self) -> None:
        with self._lock:
            self._found.clear()


def search_key(entry: Entry) -> str:
    """Changes when anything the search index holds about the entry changes
    (card_base covers every other field it holds, and a few more)."""
    a = entry.article
    return digest(a.slug, a.summary, entry.card_base, entry.body_key)


def index_catalog(engine: Engine, catalog: Catalog) -> None:
    """The search index holds the listed articles of `catalog`, each as it is now."""
    wanted = {e.article.slug: e for e in catalog.listed}
    with engine.begin() as connection:
        search.hold_index(connection)
        indexed = search.indexed_keys(connection)
        stale = [slug for slug in indexed if slug not in wanted]
        if stale:
            search.remove_documents(connection, stale)
        changed = []
        for slug, entry in wanted.items():
            key = search_key(entry)
            if indexed.get(slug) != key:
                text = html_to_text(entry.html)
                changed.append(search.SearchDocument.of(entry.article, text, key))
        if changed:
            search.index_documents(connection, changed)
