"""The static search's files in a build: made again only when the indexed documents
change, and then only the files whose content changed are new (their names are
content hashes)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.export.cache import BuildCache
from newsdesk.site.search_index import INDEX, SearchDoc, doc_key, search_files, search_key
from newsdesk.site.search_patch import PatchedIndex, patched_index

_FOLDERS = ("search/p/", "search/m/", "search/t/")


def is_search_file(path: str) -> bool:
    return path == INDEX or path.startswith(_FOLDERS)


@dataclass
class SearchOutputs:
    """Each search file's key by output path, and the content of those made afresh
    (none when the index is the one the folder holds)."""

    keys: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.files)


def search_outputs(
    docs: list[SearchDoc], key: str, previous: dict[str, str], missing: set[str]
) -> SearchOutputs:
    """The index of `docs` (`key`: their `search_key`) in a folder whose files were
    last built from `previous` (output path -> key), of which `missing` are gone."""
    if previous.get(INDEX) == key and not any(is_search_file(p) for p in missing):
        return SearchOutputs({p: k for p, k in previous.items() if is_search_file(p)})
    return _fresh(docs, key)


def _fresh(docs: list[SearchDoc], key: str) -> SearchOutputs:
    files = search_files(docs)
    return SearchOutputs(_keys(files, key), files)


def patched_outputs(patched: PatchedIndex, key: str) -> SearchOutputs:
    """The outputs of an index patched after edits (`key`: its documents')."""
    return SearchOutputs(_keys(patched.paths, key), patched.files)


def _keys(paths: Iterable[str], key: str) -> dict[str, str]:
    # A content-named file's name is its key; the index's own key is its documents'.
    return {path: key if path == INDEX else path for path in paths}


def whole_outputs(
    cache: BuildCache,
    folder: Path,
    docs: dict[str, SearchDoc],
    previous: dict[str, str],
    missing: set[str],
) -> SearchOutputs:
    """The index of a whole build of `docs` (by source path, in the index's order)
    into folder; the build cache keeps the documents when the index changes."""
    keyed = {path: (doc_key(doc), doc) for path, doc in docs.items()}
    key = search_key(k for k, _ in keyed.values())
    outputs = search_outputs(list(docs.values()), key, previous, missing)
    if outputs.changed:
        cache.save_search_docs(folder, keyed)
    return outputs


def edited_outputs(
    cache: BuildCache, folder: Path, edited: dict[str, SearchDoc]
) -> SearchOutputs | None:
    """The index after edits to some documents (by source path), patched from the
    folder's files; None when the edits leave it as it is."""
    found = cache.search_docs(folder, list(edited))
    changed = {p: (place, old, edited[p]) for p, (place, old) in found.items() if old != edited[p]}
    if not changed:
        return None
    updates = {path: (doc_key(new), new) for path, (_, _, new) in changed.items()}
    keys = cache.search_doc_keys(folder)
    keys.update((path, key) for path, (key, _) in updates.items())
    key = search_key(keys.values())
    edits = {place: (old, new) for place, old, new in changed.values()}
    patched = patched_index(lambda path: (folder / path).read_bytes(), edits)
    if patched is None:
        stored = cache.search_docs(folder, list(keys))
        docs = [updates[p][1] if p in updates else stored[p][1] for p in keys]
        outputs = _fresh(docs, key)  # a new key: the index is never unchanged here
    else:
        outputs = patched_outputs(patched, key)
    cache.update_search_docs(folder, updates)
    return outputs
