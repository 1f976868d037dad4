"""The static search index after edits to some documents' text, made from the files
of the index before them: only the posting shards holding keys the edits added or
removed are decoded and encoded again, so a body edit costs what it changes, not
the whole index. The files are those a whole build would write."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newsdesk.site.search_index import (
    INDEX,
    IndexFiles,
    SearchDoc,
    block_row,
    path_of,
    shard_count,
    to_json,
)
from newsdesk.site.search_postings import FIELDS, decode_shard, encode_record, shard_of, text_keys

# Each key an edit changes: (document id, field, whether the key is added).
Changes = dict[str, list[tuple[int, int, bool]]]


@dataclass(frozen=True)
class PatchedIndex:
    files: dict[str, bytes]  # by output path: the files made for the edits
    paths: set[str]  # every file of the index after the edits


def patched_index(
    read: Callable[[str], bytes], edits: dict[int, tuple[SearchDoc, SearchDoc]]
) -> PatchedIndex | None:
    """The index after `edits` (document id -> its old and new version), from `read`
    (output path -> the file as it is now); None when the edits change how many
    shards there are (then the whole index is made again)."""
    index = json.loads(read(INDEX))
    documents: int = index["documents"]
    per_block: int = index["block"]
    shards: list[str] = index["shards"]
    blocks: list[str] = index["blocks"]
    size: int = index["bytes"]
    out = IndexFiles()
    by_shard: dict[int, Changes] = {}
    for key, moves in _changes(edits).items():
        by_shard.setdefault(shard_of(key, len(shards)), {})[key] = moves
    for shard, changes in sorted(by_shard.items()):
        old = read(path_of("shard", shards[shard]))
        records = decode_shard(old, documents)
        for key, moves in changes.items():
            _apply(records, key, moves)
        data = b"".join(encode_record(key, records[key], documents) for key in sorted(records))
        size += len(data) - len(old)
        shards[shard] = out.add("shard", data)
    if shard_count(size) != len(shards):
        return None
    rows: dict[int, list[list[Any]]] = {}
    for doc_id, (_, new) in sorted(edits.items()):
        block = doc_id // per_block
        if block not in rows:
            rows[block] = json.loads(read(path_of("block", blocks[block])))
        rows[block][doc_id % per_block] = block_row(new, out.add_text(new))
    for block, edited in rows.items():
        blocks[block] = out.add("block", to_json(edited))
    out.add_index(documents, shards, blocks, size)
    paths = {INDEX, *(path_of("shard", name) for name in shards)}
    for block, name in enumerate(blocks):
        paths.add(path_of("block", name))
        listed = rows[block] if block in rows else json.loads(read(path_of("block", name)))
        paths.update(path_of("text", row[2]) for row in listed)
    return PatchedIndex(out.files, paths)


def _changes(edits: dict[int, tuple[SearchDoc, SearchDoc]]) -> Changes:
    changes: Changes = {}
    for doc_id, (old, new) in edits.items():
        for field in range(FIELDS):
            if old.fields[field] == new.fields[field]:
                continue
            before, after = text_keys(old.fields[field]), text_keys(new.fields[field])
            for key in before - after:
                changes.setdefault(key, []).append((doc_id, field, False))
            for key in after - before:
                changes.setdefault(key, []).append((doc_id, field, True))
    return changes


def _apply(
    records: dict[str, list[list[int]]], key: str, moves: list[tuple[int, int, bool]]
) -> None:
    lists = records.setdefault(key, [[] for _ in range(FIELDS)])
    for doc_id, field, added in moves:
        ids = set(lists[field])
        if added:
            ids.add(doc_id)
        else:
            ids.discard(doc_id)
        lists[field] = sorted(ids)
    if not any(lists):
        del records[key]
