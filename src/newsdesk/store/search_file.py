"""The in-memory search index kept in a file of the site's state folder, so that a
server restarted on the same articles reads it in a fraction of a second instead
of building it again. The file names the documents it holds (a fingerprint of
their slugs and keys): one of other documents is not used."""

import contextlib
import os
import pickle
from pathlib import Path

from newsdesk.store.search_memory import MemoryIndex
from newsdesk.text.digest import digest

# Bumped whenever MemoryIndex changes what it holds: an older file is then not read.
FORMAT = 1


def fingerprint(keys: dict[str, str]) -> str:
    """Of the documents an index holds: slug -> key."""
    return digest(FORMAT, *(f"{slug}\x1f{key}" for slug, key in sorted(keys.items())))


def load_index(path: Path, expected: str) -> MemoryIndex | None:
    """The index kept at `path`, if it holds the documents `expected` names."""
    try:
        with path.open("rb") as file:
            kept, index = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    return index if kept == expected and isinstance(index, MemoryIndex) else None


def save_index(path: Path, index: MemoryIndex) -> None:
    """Keeps `index` at `path`, whole or not at all (a reader never sees half)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as file:
            pickle.dump((fingerprint(index.keys), index), file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError:  # a read-only site still serves: it builds the index each start
        with contextlib.suppress(OSError):
            partial.unlink()
