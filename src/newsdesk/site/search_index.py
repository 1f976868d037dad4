"""The static site's search index: files under `search/` that the search script
fetches only as a query needs them, so a site of any size costs a reader a few
small downloads per query.

- `index.json`: the number of documents, the metadata block size and the names of
  the posting shards and metadata blocks (the only file with a fixed name);
- `p/NAME.bin`: posting lists of the keys hashed to one shard (`search_postings`);
- `m/NAME.json`: per block of documents, each one's URL, date and text file;
- `t/NAME.json`: one document's title, terms, summary and body text, fetched only
  for the results shown (snippets, and checking words longer than a pair).

Documents are numbered in the catalog's order, newest first, so lower ids win
ties. Every other file is named by a hash of its content: a rebuild changes only
the names of what changed, and readers may cache them forever."""

import json
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from typing import Any

from newsdesk.site.catalog import Entry
from newsdesk.site.search_postings import encode_record, postings, shard_of
from newsdesk.text.digest import bytes_digest, digest

FOLDER = "search/"
INDEX = FOLDER + "index.json"
# Documents per metadata block: a page of results fetches a few blocks of URLs
# and dates, each a few kilobytes.
BLOCK = 64
# The posting bytes aimed at per shard: a two-character query fetches one shard,
# and index.json lists one name per shard, so a balance of the two.
_SHARD_BYTES = 16_384
_NAME_BYTES = 6


@dataclass(frozen=True)
class SearchDoc:
    """One listed article as the static search holds it."""

    url: str
    date: str
    title: str
    terms: str  # category, tags and authors, one a line
    summary: str
    body: str

    @property
    def fields(self) -> tuple[str, str, str, str]:
        """The searched fields, from the highest ranked to the lowest."""
        return (self.title, self.terms, self.summary, self.body)


def search_doc(entry: Entry, href: str) -> SearchDoc:
    """`href` is the site's base path, prefixed to the article's URL."""
    a = entry.article
    names = [*([a.category] if a.category else []), *a.tags, *(x.name for x in a.authors)]
    return SearchDoc(
        href + a.url.lstrip("/"),
        a.published.date().isoformat(),
        a.title,
        "\n".join(names),
        a.summary,
        entry.text,
    )


def search_key(docs: Iterable[SearchDoc]) -> str:
    """Changes whenever the index of these documents would."""
    return digest(*(part for doc in docs for part in astuple(doc)))


def search_files(docs: list[SearchDoc]) -> dict[str, bytes]:
    """Every file of the index of `docs` (in the catalog's order) by output path."""
    files: dict[str, bytes] = {}

    def named(folder: str, data: bytes, suffix: str) -> str:
        name = bytes_digest(data, _NAME_BYTES)
        files[f"{FOLDER}{folder}/{name}{suffix}"] = data
        return name

    texts = [named("t", _json(list(doc.fields)), ".json") for doc in docs]
    blocks = []
    for start in range(0, len(docs), BLOCK):
        rows = [
            [d.url, d.date, texts[start + n]] for n, d in enumerate(docs[start : start + BLOCK])
        ]
        blocks.append(named("m", _json(rows), ".json"))
    lists = postings(d.fields for d in docs)
    records = {key: encode_record(key, ids, len(docs)) for key, ids in lists.items()}
    count = _shard_count(sum(map(len, records.values())))
    grouped: list[list[bytes]] = [[] for _ in range(count)]
    for key in sorted(records):
        grouped[shard_of(key, count)].append(records[key])
    shards = [named("p", b"".join(group), ".bin") for group in grouped]
    index = {"documents": len(docs), "block": BLOCK, "shards": shards, "blocks": blocks}
    files[INDEX] = _json(index)
    return files


def _shard_count(total: int) -> int:
    """The power of two that brings shards nearest below the aimed-at size."""
    count = 1
    while total > count * _SHARD_BYTES:
        count *= 2
    return count


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
