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

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import reduce
from itertools import accumulate
from operator import and_

from pyroaring import BitMap

from newsdesk.store.search import SearchDocument, index_row
from newsdesk.store.search_keys import TermKeys, text_keys
from newsdesk.text.grams import segments

# The fields searched, in the order they rank: a title match first.
FIELDS = ("title", "labels", "summary", "body")
# Documents whose postings are gathered as plain arrays before they are merged into
# the bitmaps: bounds the memory an index takes while it is built.
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
    keys: tuple[set[str], set[str], set[str], set[str]]
    title: str
    summary: str
    body: str

    @classmethod
    def of(cls, document: SearchDocument) -> "Prepared":
        row = index_row(document)
        parts = [segments(column) for column in row.columns]
        normalized = tuple(" " + " ".join(segment for segment, _ in p) + " " for p in parts)
        keys = tuple(text_keys(p) for p in parts)
        return cls(
            row.slug,
            row.key,
            row.published,
            row.category,
            row.tags,
            normalized,  # type: ignore[arg-type]
            keys,  # type: ignore[arg-type]
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
        prepared = sorted(map(Prepared.of, latest.values()), key=lambda p: (-p.published, p.slug))
        self.slugs = [p.slug for p in prepared]
        self.keys = {p.slug: p.key for p in prepared}
        self.numbers = {slug: number for number, slug in enumerate(self.slugs)}
        # Negated, so that it ascends and bisect finds a date range's numbers.
        self.newest_first = array("q", (-p.published for p in prepared))
        self.postings = _postings(prepared)
        self.normalized = tuple(Texts(p.normalized[f] for p in prepared) for f in range(4))
        self.titles = Texts(p.title for p in prepared)
        self.summaries = Texts(p.summary for p in prepared)
        self.bodies = Texts(p.body for p in prepared)
        self.categories = _groups((n, [p.category]) for n, p in enumerate(prepared) if p.category)
        self.tags = _groups((n, p.tags) for n, p in enumerate(prepared))

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


def _postings(prepared: list[Prepared]) -> tuple[dict[str, BitMap], ...]:
    postings: tuple[dict[str, BitMap], ...] = tuple({} for _ in FIELDS)
    for start in range(0, len(prepared), _BUILD_CHUNK):
        for field, merged in enumerate(postings):
            gathered: dict[str, array[int]] = {}
            for number in range(start, min(start + _BUILD_CHUNK, len(prepared))):
                for key in prepared[number].keys[field]:
                    numbers = gathered.get(key)
                    if numbers is None:
                        gathered[key] = numbers = array("I")
                    numbers.append(number)
            for key, numbers in gathered.items():
                bitmap = merged.get(key)
                if bitmap is None:
                    merged[key] = BitMap(numbers)
                else:
                    bitmap.update(numbers)
    for field in postings:
        for bitmap in field.values():
            bitmap.run_optimize()
            bitmap.shrink_to_fit()
    return postings


def _groups(members: Iterator[tuple[int, Iterable[str]]]) -> dict[str, BitMap]:
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
