"""Searching the in-memory index (newsdesk.store.search_memory) as it stands after
the edits since it was built.

An edit does not renumber the index: the documents edited, added or removed since
are set aside (their old numbers are skipped), and the new versions are a short list
searched directly, their text tested for each term. Their hits are merged into each
tier by date. Once that list grows long, the owner builds a new index
(`SearchIndex.changed` says when).

A query's answer is a Ranking: the documents found, tier by tier, from which any
page is cut without searching again (so a reader or crawler paging through results
costs the search once).
"""

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice, pairwise

from pyroaring import BitMap

from newsdesk.store.search import (
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
    microseconds,
    stored_name,
)
from newsdesk.store.search_keys import TermKeys, term_keys
from newsdesk.store.search_memory import FIELDS, MemoryIndex, Prepared
from newsdesk.text.query import QueryTerm, query_terms

# Edited documents kept beside the index before a new one is due: each query tests
# the text of every one of them, and an index build takes tens of seconds at ten
# thousand articles (bench/search.py measures both).
MAX_EDITS = 128


@dataclass(frozen=True)
class RankingKey:
    """What a ranking depends on: the query without its page."""

    text: str
    category: str | None
    tag: str | None
    since: int | None
    until: int | None

    @classmethod
    def of(cls, query: SearchQuery) -> "RankingKey":
        since = None if query.since is None else microseconds(query.since)
        until = None if query.until is None else microseconds(query.until)
        return cls(query.text, query.category, query.tag, since, until)


@dataclass(frozen=True)
class SearchIndex:
    base: MemoryIndex
    # Numbers of base documents edited or removed since the base was built.
    replaced: BitMap = field(default_factory=BitMap)
    # The current version of each document edited or added since, newest first.
    edits: tuple[Prepared, ...] = ()

    @classmethod
    def build(cls, documents: Iterable[SearchDocument]) -> "SearchIndex":
        return cls(MemoryIndex(documents))

    def indexed_keys(self) -> dict[str, str]:
        """slug -> key of every document the index finds."""
        keys = {slug: key for slug, key in self.base.keys.items()}
        for number in self.replaced:
            del keys[self.base.slugs[number]]
        keys.update((edit.slug, edit.key) for edit in self.edits)
        return keys

    def changed(
        self, documents: Sequence[SearchDocument], removed: Iterable[str]
    ) -> "SearchIndex | None":
        """This index with `documents` added or replaced and the slugs `removed` gone,
        or None when so many have changed that a new index is due."""
        gone = {document.slug for document in documents} | set(removed)
        edits = [edit for edit in self.edits if edit.slug not in gone]
        edits += map(Prepared.of, {d.slug: d for d in documents}.values())
        if len(edits) > MAX_EDITS:
            return None
        replaced = self.replaced | BitMap(
            self.base.numbers[slug] for slug in gone if slug in self.base.numbers
        )
        edits.sort(key=lambda p: (-p.published, p.slug))
        return SearchIndex(self.base, replaced, tuple(edits))

    def rank(self, query: SearchQuery) -> "Ranking":
        """Every document matching `query`, tier by tier."""
        key = RankingKey.of(query)
        terms = [(term, term_keys(term)) for term in query_terms(query.text)]
        tiers: list[BitMap] = [BitMap() for _ in FIELDS]
        edits: list[list[Prepared]] = [[] for _ in FIELDS]
        if terms:
            tiers = self._rank_base(terms, self._scope(key))
            for edit in self.edits:
                tier = _tier(edit, terms, key)
                if tier is not None:
                    edits[tier].append(edit)
        return Ranking(self.base, tiers, edits)

    def _scope(self, key: RankingKey) -> BitMap:
        """The base documents the query's filters let through."""
        base = self.base
        lowest = 0 if key.until is None else bisect_left(base.newest_first, -key.until)
        highest = len(base) if key.since is None else bisect_right(base.newest_first, -key.since)
        scope = BitMap(range(lowest, max(lowest, highest))) - self.replaced
        if key.category is not None:
            scope &= base.categories.get(stored_name(key.category), BitMap())
        if key.tag is not None:
            scope &= base.tags.get(stored_name(key.tag), BitMap())
        return scope

    def _rank_base(self, terms: list[tuple[QueryTerm, TermKeys]], scope: BitMap) -> list[BitMap]:
        """The base documents of each tier: those with every term within its fields."""
        within: list[BitMap] | None = None  # per tier: every term in that tier or above
        for term, keys in terms:
            found = BitMap()
            cumulative = []
            for number, texts in enumerate(self.base.normalized):
                candidates = self.base.candidates(number, keys, scope)
                if not keys.exact:
                    candidates = texts.holding(candidates - found, term.pattern.encode())
                found = found | candidates
                cumulative.append(found)
            scope = found  # the next term is looked for only where this one is
            within = cumulative if within is None else list(map(BitMap.__and__, within, cumulative))
        assert within is not None  # each tier lies within the last term's matches
        return [within[0], *(b - a for a, b in pairwise(within))]


def _tier(edit: Prepared, terms: list[tuple[QueryTerm, TermKeys]], key: RankingKey) -> int | None:
    """The tier of an edited document for the query, if it matches."""
    if key.category is not None and edit.category != stored_name(key.category):
        return None
    if key.tag is not None and stored_name(key.tag) not in edit.tags:
        return None
    if (key.since is not None and edit.published < key.since) or (
        key.until is not None and edit.published > key.until
    ):
        return None
    tier = 0
    for term, _ in terms:
        found = edit.field_of(term.pattern)
        if found is None:
            return None
        tier = max(tier, found)
    return tier


@dataclass(frozen=True)
class Ranking:
    """The documents found for a query: per tier, base numbers (in number order,
    which is newest first) and edited documents (newest first)."""

    base: MemoryIndex
    tiers: list[BitMap]
    edits: list[list[Prepared]]

    @property
    def total(self) -> int:
        return sum(map(len, self.tiers)) + sum(map(len, self.edits))

    def page(self, offset: int, limit: int) -> SearchResults:
        offset, wanted = max(offset, 0), max(limit, 0)
        hits: list[SearchHit] = []
        for tier, (numbers, edits) in enumerate(zip(self.tiers, self.edits, strict=True)):
            size = len(numbers) + len(edits)
            if wanted == 0:
                break
            if offset >= size:
                offset -= size
                continue
            score = float(len(FIELDS) - tier)
            taken = list(islice(self._merged(numbers, edits, offset + wanted), offset, None))
            hits += [self._hit(item, score) for item in taken]
            wanted -= len(taken)
            offset = 0
        return SearchResults(self.total, hits)

    def _merged(
        self, numbers: BitMap, edits: list[Prepared], count: int
    ) -> Iterable[int | Prepared]:
        """The first `count` documents of a tier, base numbers and edits by date."""
        head: Iterable[int] = numbers[0:count]
        if not edits:
            return head
        base = self.base
        dated: Iterable[tuple[tuple[int, str], int | Prepared]] = (
            ((base.newest_first[n], base.slugs[n]), n) for n in head
        )
        edited: Iterable[tuple[tuple[int, str], int | Prepared]] = (
            ((-e.published, e.slug), e) for e in edits
        )
        merged = heapq.merge(dated, edited, key=lambda pair: pair[0])
        return [item for _, item in islice(merged, count)]

    def _hit(self, item: "int | Prepared", score: float) -> SearchHit:
        if isinstance(item, Prepared):
            return SearchHit(item.slug, score, item.title, item.summary, item.body)
        base = self.base
        return SearchHit(
            base.slugs[item], score, base.titles[item], base.summaries[item], base.bodies[item]
        )
