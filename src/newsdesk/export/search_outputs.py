"""The static search's files in a build: made again only when the indexed documents
change, and then only the files whose content changed are new (their names are
content hashes)."""

from dataclasses import dataclass, field

from newsdesk.site.search_index import INDEX, SearchDoc, search_files, search_key

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
    docs: list[SearchDoc], previous: dict[str, str], missing: set[str]
) -> SearchOutputs:
    """The index of `docs` in a folder whose files were last built from `previous`
    (output path -> key), of which `missing` are gone."""
    key = search_key(docs)
    if previous.get(INDEX) == key and not any(is_search_file(p) for p in missing):
        return SearchOutputs({p: k for p, k in previous.items() if is_search_file(p)})
    files = search_files(docs)
    # A content-named file's name is its key; the index's own key is its documents'.
    return SearchOutputs({path: key if path == INDEX else path for path in files}, files)
