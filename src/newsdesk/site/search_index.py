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

from newsdesk.site.catalog import TAXONOMIES, Entry, term_names
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
_KINDS = {"shard": "p/{}.bin", "block": "m/{}.json", "text": "t/{}.json"}


@dataclass(frozen=True)
class SearchDoc:
    """One listed article as the static search holds it."""

    url: str
    date: str
    title: str
    terms: str  # category, tags and authors, one a line
    summary: str
    body: str
    thumbnail: str = ""  # the cover's thumbnail on result cards, under the base path

    @property
    def fields(self) -> tuple[str, str, str, str]:
        """The searched fields, from the highest ranked to the lowest."""
        return (self.title, self.terms, self.summary, self.body)


def search_doc(entry: Entry, href: str, thumbnail: str = "") -> SearchDoc:
    """`href` is the site's base path, prefixed to the article's URL."""
    a = entry.article
    names = [name for kind in TAXONOMIES for name in term_names(kind, a)]
    return SearchDoc(
        href + a.url.lstrip("/"),
        a.published.date().isoformat(),
        a.title,
        "\n".join(names),
        a.summary,
        entry.text,
        thumbnail,
    )


def doc_key(doc: SearchDoc) -> str:
    """Changes whenever the document's part of the index would."""
    return digest(*astuple(doc))


def search_key(doc_keys: Iterable[str]) -> str:
    """Changes whenever the index of the documents of these keys would."""
    return digest(*doc_keys)


class IndexFiles:
    """Files of the index by output path, each named by its content."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, kind: str, data: bytes) -> str:
        """Adds a file of `kind` (`shard`, `block` or `text`); returns its name."""
        name = bytes_digest(data, _NAME_BYTES)
        self.files[path_of(kind, name)] = data
        return name

    def add_text(self, doc: SearchDoc) -> str:
        return self.add("text", to_json(list(doc.fields)))

    def add_index(self, documents: int, shards: list[str], blocks: list[str], size: int) -> None:
        """`size`: the shards' bytes in all, which decide how many there are."""
        index = {"documents": documents, "block": BLOCK, "shards": shards, "blocks": blocks}
        self.files[INDEX] = to_json({**index, "bytes": size})


def block_row(doc: SearchDoc, text: str) -> list[str]:
    """A document's row in its metadata block: URL, date, the name of its text file,
    and its thumbnail's URL ("" for none)."""
    return [doc.url, doc.date, text, doc.thumbnail]


def path_of(kind: str, name: str) -> str:
    """The output path of a named file of the index."""
    return FOLDER + _KINDS[kind].format(name)


def search_files(docs: list[SearchDoc]) -> dict[str, bytes]:
    """Every file of the index of `docs` (in the catalog's order) by output path."""
    out = IndexFiles()
    texts = [out.add_text(doc) for doc in docs]
    blocks = []
    for start in range(0, len(docs), BLOCK):
        rows = [block_row(d, texts[start + n]) for n, d in enumerate(docs[start : start + BLOCK])]
        blocks.append(out.add("block", to_json(rows)))
    lists = postings(d.fields for d in docs)
    records = {key: encode_record(key, ids, len(docs)) for key, ids in lists.items()}
    size = sum(map(len, records.values()))
    count = shard_count(size)
    grouped: list[list[bytes]] = [[] for _ in range(count)]
    for key in sorted(records):
        grouped[shard_of(key, count)].append(records[key])
    shards = [out.add("shard", b"".join(group)) for group in grouped]
    out.add_index(len(docs), shards, blocks, size)
    return out.files


def shard_count(size: int) -> int:
    """The power of two that brings shards of `size` bytes in all nearest below the
    aimed-at size."""
    count = 1
    while size > count * _SHARD_BYTES:
        count *= 2
    return count


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
