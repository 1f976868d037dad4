"""Posting lists of the static search: which documents hold each character and each
pair of adjacent characters, encoded compactly and sharded by a hash of the key.

A query word of one or two characters is one key, so its list is exact; a longer
word's pairs give candidates that the search script checks against the text.
`search.js` reads this format: keep the two in step."""

import operator
from collections.abc import Iterable

# Bit t of a record's mask: the key occurs in field t (title, terms, summary, body).
FIELDS = 4


def text_keys(text: str) -> set[str]:
    """Every character and adjacent pair within a run of non-space characters,
    lowercased: a query word (never holding a space) is inside one such run."""
    lower = text.lower()
    # Pairs of the whole text, then those holding a space dropped: far fewer distinct
    # pairs than characters, so quicker than pairing each run apart.
    keys = set(lower)
    keys.update(map(operator.add, lower, lower[1:]))
    return {
        key
        for key in keys
        if not key.isspace() and not (len(key) == 2 and (key[0].isspace() or key[1].isspace()))
    }


def shard_of(key: str, shards: int) -> int:
    """FNV-1a of the key's UTF-8 bytes, modulo the number of shards."""
    value = 0x811C9DC5
    for byte in key.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def _varint(value: int, out: bytearray) -> None:
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def encode_ids(ids: list[int], documents: int) -> bytes:
    """Ascending document ids as gaps in varints, or as a bitmap of every document
    when that is smaller (a pair found in most documents costs documents/8 bytes).
    The header is the count shifted left by one, its low bit set for a bitmap."""
    out = bytearray()
    bitmap_size = (documents + 7) // 8
    # Each gap takes at least a byte: past this many ids the bitmap is smaller.
    if len(ids) <= bitmap_size:
        gaps = bytearray()
        previous = -1
        for doc in ids:
            _varint(doc - previous - 1, gaps)
            previous = doc
        if len(gaps) <= bitmap_size:
            _varint(len(ids) << 1, out)
            return bytes(out + gaps)
    bitmap = bytearray(bitmap_size)
    for doc in ids:
        bitmap[doc >> 3] |= 1 << (doc & 7)
    _varint(len(ids) << 1 | 1, out)
    return bytes(out + bitmap)


def encode_record(key: str, lists: list[list[int]], documents: int) -> bytes:
    """One key's record: its length and UTF-8 bytes, the length of the rest, a mask of
    the fields it occurs in, then each of those fields' ids."""
    body = bytearray([sum(1 << n for n, ids in enumerate(lists) if ids)])
    for ids in lists:
        if ids:
            body += encode_ids(ids, documents)
    name = key.encode()
    out = bytearray()
    _varint(len(name), out)
    out += name
    _varint(len(body), out)
    return bytes(out + body)


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    """The varint at `at`, and where the next value starts."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _decode_ids(data: bytes, at: int, documents: int) -> tuple[list[int], int]:
    header, at = _read_varint(data, at)
    if header & 1:
        size = (documents + 7) // 8
        bitmap = data[at : at + size]
        return [d for d in range(documents) if bitmap[d >> 3] & (1 << (d & 7))], at + size
    ids: list[int] = []
    previous = -1
    for _ in range(header >> 1):
        gap, at = _read_varint(data, at)
        previous += gap + 1
        ids.append(previous)
    return ids, at


def decode_shard(data: bytes, documents: int) -> dict[str, list[list[int]]]:
    """Each key's documents per field, from a shard of records (`encode_record`)."""
    found: dict[str, list[list[int]]] = {}
    at = 0
    while at < len(data):
        length, at = _read_varint(data, at)
        key = data[at : at + length].decode()
        _, at = _read_varint(data, at + length)
        mask = data[at]
        at += 1
        lists: list[list[int]] = []
        for field in range(FIELDS):
            ids: list[int] = []
            if mask & (1 << field):
                ids, at = _decode_ids(data, at, documents)
            lists.append(ids)
        found[key] = lists
    return found


def postings(fields_by_document: Iterable[tuple[str, ...]]) -> dict[str, list[list[int]]]:
    """Each key's documents, per field; documents are numbered in the order given."""
    found: dict[str, list[list[int]]] = {}
    for doc, fields in enumerate(fields_by_document):
        for field, text in enumerate(fields):
            for key in text_keys(text):
                lists = found.get(key)
                if lists is None:
                    lists = found[key] = [[] for _ in range(FIELDS)]
                lists[field].append(doc)
    return found
