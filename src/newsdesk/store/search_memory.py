"""The in-memory search index: per field, a compressed bitmap of documents for each
key (newsdesk.store.search_keys), over documents numbered newest first.

Numbering by recency is what keeps a query cheap however much it matches: the
documents of one tier (all terms in the title; else in the title or labels; …) in
number order *are* that tier's documents newest first, so a page of results is the
first ids of a few bitmaps, and nothing is ranked one by one. Terms the keys do not
settle are confirmed on the normalized text of the candidates (all of them, so that
totals are exact), skipping those an earlier field already confirmed.

The texts are held as one UTF-8 bytes object per field with offsets, not as a string
per document: forked workers then keep sharing their pages (reading a Python object
writes its reference count, which copies the page it is on).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial, reduce
from itertools import accumulate
from operator import and_

from pyroaring import BitMap

from newsdesk.store.search import SearchDocument, index_row, microseconds
from newsdesk.store.search_keys import TermKeys, text_keys
from newsdesk.text.grams import normalize

# The fields searched, in the order they rank: a title match first.
FIELDS = ("title", "labels", "summary", "body")
# Documents whose postings are gathered before they are merged into the bitmaps.
_BUILD_CHUNK = 2048


@dataclass(frozen=True)
class Prepared:
    """A document as the index reads it: each field's normalized text and keys, and
    the plain texts its hits show."""

    slug: str
    key: str
    published: int  # microseconds since the epoch
    category: str | None
    tags: tuple[str, ...]
    normalized: tuple[str, str, str, str]  # of FIELDS
    title: str
    summary: str
    body: str

    @classmethod
    def of(cls, document: SearchDocument) -> Prepared:
        row = index_row(document)
        normalized = tuple(map(normalize, row.columns))
        return cls(
            row.slug,
            row.key,
            row.published,
            row.category,
            row.tags,
            normalized,  # type: ignore[arg-type]
            row.title,
            row.summary,
            row.body,
        )

    def field_of(self, pattern: str) -> int | None:
        """The first of FIELDS whose text holds `pattern`, if any does."""
        return next((f for f, text in enumerate(self.normalized) if pattern in text), None)


class Texts:
    """Many texts as one bytes object and their offsets."""

    def __init__(self, texts: Iterable[str]):
        encoded = [text.encode() for text in texts]
        self._joined = b"".join(encoded)
        self._starts = array("q", accumulate(map(len, encoded), initial=0))

    def __getitem__(self, number: int) -> str:
        return self._joined[self._starts[number] : self._starts[number + 1]].decode()

    def holding(self, numbers: Iterable[int], pattern: bytes) -> BitMap:
        """The numbers among `numbers` whose text holds `pattern`."""
        joined, starts = self._joined, self._starts
        return BitMap(n for n in numbers if joined.find(pattern, starts[n], starts[n + 1]) >= 0)

    @property
    def size(self) -> int:
        return len(self._joined) + self._starts.itemsize * len(self._starts)


class MemoryIndex:
    """Documents as numbered newest first (ties by slug), and their postings."""

    def __init__(self, documents: Iterable[SearchDocument]):
        latest = {document.slug: document for document in documents}  # the last one wins
        ordered = sorted(latest.values(), key=lambda d: (-microseconds(d.published), d.slug))
        self.slugs = [document.slug for document in ordered]
        self.keys = {document.slug: document.key for document in ordered}
        self.numbers = {slug: number for number, slug in enumerate(self.slugs)}
        # Negated, so that it ascends and bisect finds a date range's numbers.
        self.newest_first = array("q", (-microseconds(d.published) for d in ordered))
        texts: list[list[str]] = [[] for _ in range(len(FIELDS) + 3)]
        categories: list[tuple[int, Iterable[str]]] = []
        tags: list[tuple[int, Iterable[str]]] = []
        postings = _Postings()
        for number, document in enumerate(ordered):
            prepared = Prepared.of(document)
            postings.add(number, prepared.normalized)
            shown = (prepared.title, prepared.summary, prepared.body)
            for kept, text in zip(texts, (*prepared.normalized, *shown), strict=True):
                kept.append(text)
            categories.append((number, [prepared.category] if prepared.category else []))
            tags.append((number, prepared.tags))
        self.postings = postings.done()
        self.normalized = tuple(Texts(texts[f]) for f in range(len(FIELDS)))
        self.titles, self.summaries, self.bodies = (Texts(kept) for kept in texts[len(FIELDS) :])
        self.categories = _groups(categories)
        self.tags = _groups(tags)

    def __len__(self) -> int:
        return len(self.slugs)

    def candidates(self, field: int, keys: TermKeys, scope: BitMap) -> BitMap:
        """The documents in `scope` whose `field` has every key."""
        postings = self.postings[field]
        found = [postings.get(key) for key in keys.keys]
        if not found or any(bitmap is None for bitmap in found):
            return BitMap()
        return reduce(and_, sorted(found, key=len), scope)  # type: ignore[arg-type]

    def size(self) -> int:
        """Bytes held by the postings and texts (the dictionaries' own overhead aside)."""
        postings = sum(_bytes(bitmap) for field in self.postings for bitmap in field.values())
        texts = [*self.normalized, self.titles, self.summaries, self.bodies]
        return postings + sum(t.size for t in texts)


class _Postings:
    """Postings being built: a chunk of documents gathered as plain arrays, then
    merged into the bitmaps (which bounds the memory a build takes)."""

    def __init__(self) -> None:
        self._merged: tuple[dict[str, BitMap], ...] = tuple({} for _ in FIELDS)
        self._gathered: tuple[defaultdict[str, array[int]], ...] = self._fresh()
        self._count = 0

    def add(self, number: int, normalized: Iterable[str]) -> None:
        for gathered, text in zip(self._gathered, normalized, strict=True):
            for key in text_keys(text):
                gathered[key].append(number)
        self._count += 1
        if self._count % _BUILD_CHUNK == 0:
            self._merge()

    def done(self) -> tuple[dict[str, BitMap], ...]:
        self._merge()
        for field in self._merged:
            for bitmap in field.values():
                bitmap.run_optimize()
                bitmap.shrink_to_fit()
        return self._merged

    def _merge(self) -> None:
        for merged, gathered in zip(self._merged, self._gathered, strict=True):
            for key, numbers in gathered.items():
                bitmap = merged.get(key)
                if bitmap is None:
                    merged[key] = BitMap(numbers)
                else:
                    bitmap.update(numbers)
        self._gathered = self._fresh()

    @staticmethod
    def _fresh() -> tuple[defaultdict[str, array[int]], ...]:
        return tuple(defaultdict(partial(array, "I")) for _ in FIELDS)


def _groups(members: Iterable[tuple[int, Iterable[str]]]) -> dict[str, BitMap]:
    groups: dict[str, BitMap] = {}
    for number, names in members:
        for name in names:
            groups.setdefault(name, BitMap()).add(number)
    return groups


def _bytes(bitmap: BitMap) -> int:
    stats = bitmap.get_statistics()
    return sum(stats[kind] for kind in _CONTAINER_BYTES)  # type: ignore[literal-required]


_CONTAINER_BYTES = (
    "n_bytes_array_containers",
    "n_bytes_bitset_containers",
    "n_bytes_run_containers",
)
