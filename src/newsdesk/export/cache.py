"""The persistent build cache in the site's `.newsdesk/` folder (SQLite): compiled
articles by file key and, for each output folder, what each of its files was last
built from and the manifest of the last whole build into it."""

import pickle
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.publish.compile import Compiled
from newsdesk.site.search_index import SearchDoc
from newsdesk.store.batch import batches
from newsdesk.store.state import state_folder

if TYPE_CHECKING:
    from newsdesk.export.manifest import Manifest

CACHE_NAME = "build-cache.sqlite"
_SCHEMA_VERSION = 7


class BuildCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version != _SCHEMA_VERSION:
            self.db.executescript(
                "DROP TABLE IF EXISTS compiled; DROP TABLE IF EXISTS outputs;"
                "DROP TABLE IF EXISTS sources; DROP TABLE IF EXISTS manifests;"
                "DROP TABLE IF EXISTS search_docs;"
                f"PRAGMA user_version = {_SCHEMA_VERSION};"
            )
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS compiled (key TEXT PRIMARY KEY, data BLOB NOT NULL);"
            # Rows, not one document: a rebuild after one edit changes a few of them.
            "CREATE TABLE IF NOT EXISTS outputs"
            " (folder TEXT, path TEXT, key TEXT NOT NULL, PRIMARY KEY (folder, path));"
            "CREATE TABLE IF NOT EXISTS sources"
            " (folder TEXT, path TEXT, key TEXT NOT NULL, PRIMARY KEY (folder, path));"
            "CREATE TABLE IF NOT EXISTS manifests (folder TEXT PRIMARY KEY, data BLOB NOT NULL);"
            # The documents the folder's static search index was made from, by source
            # path in the index's order: a body edit makes the index again from them.
            "CREATE TABLE IF NOT EXISTS search_docs (folder TEXT, path TEXT,"
            " position INTEGER NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL,"
            " PRIMARY KEY (folder, path));"
        )
        self.used: set[str] = set()

    @classmethod
    def for_site(cls, root: Path) -> "BuildCache":
        return cls(state_folder(root) / CACHE_NAME)

    def get_many(self, keys: list[str]) -> dict[str, Compiled]:
        self.used.update(keys)
        found: dict[str, Compiled] = {}
        for batch in batches(keys):
            marks = ",".join("?" * len(batch))
            query = f"SELECT key, data FROM compiled WHERE key IN ({marks})"
            for key, data in self.db.execute(query, batch):
                try:
                    found[key] = pickle.loads(data)
                except Exception:  # written by another version: compile again
                    continue
        return found

    def put_many(self, items: dict[str, bytes]) -> None:
        self.used.update(items)
        self.db.executemany("INSERT OR REPLACE INTO compiled VALUES (?, ?)", items.items())
        self.db.commit()

    def outputs(self, folder: Path) -> dict[str, str]:
        """What each file in folder was last built from (output path -> page key)."""
        return self._rows("outputs", folder)

    def update_outputs(
        self, folder: Path, changed: dict[str, str], removed: Iterable[str] = ()
    ) -> None:
        self._update_rows("outputs", folder, changed, removed)

    def manifest(self, folder: Path) -> "Manifest | None":
        """The manifest of the last whole build into folder."""
        from newsdesk.export.manifest import Manifest

        row = self.db.execute("SELECT data FROM manifests WHERE folder = ?", (str(folder),))
        found = row.fetchone()
        if found is None:
            return None
        try:
            manifest = pickle.loads(found[0])
        except Exception:  # written by another version: the build starts afresh
            return None
        return manifest if isinstance(manifest, Manifest) else None

    def sources(self, folder: Path) -> dict[str, str]:
        """The key of each source file as folder was last built from it."""
        return self._rows("sources", folder)

    def save_manifest(self, folder: Path, manifest: "Manifest", sources: dict[str, str]) -> None:
        with self.db:
            self.update_manifest(folder, manifest)
            self.db.execute("DELETE FROM sources WHERE folder = ?", (str(folder),))
        self.update_sources(folder, sources)

    def update_manifest(self, folder: Path, manifest: "Manifest") -> None:
        """The manifest as a build that patched folder left it."""
        data = pickle.dumps(manifest, pickle.HIGHEST_PROTOCOL)
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO manifests VALUES (?, ?)", (str(folder), data))

    def update_sources(self, folder: Path, changed: dict[str, str]) -> None:
        """The keys of source files compiled again since the manifest."""
        self._update_rows("sources", folder, changed, ())

    def search_doc_keys(self, folder: Path) -> dict[str, str]:
        """The key of each document of folder's search index by source path, in the
        index's order."""
        query = "SELECT path, key FROM search_docs WHERE folder = ? ORDER BY position"
        return dict(self.db.execute(query, (str(folder),)).fetchall())

    def search_docs(self, folder: Path, paths: list[str]) -> dict[str, tuple[int, SearchDoc]]:
        """The documents of these paths in folder's search index, with their places."""
        found: dict[str, tuple[int, SearchDoc]] = {}
        for batch in batches(paths):
            marks = ",".join("?" * len(batch))
            query = (
                "SELECT path, position, data FROM search_docs"
                f" WHERE folder = ? AND path IN ({marks})"
            )
            for path, position, data in self.db.execute(query, (str(folder), *batch)):
                found[path] = (position, pickle.loads(data))
        return found

    def save_search_docs(self, folder: Path, docs: dict[str, tuple[str, SearchDoc]]) -> None:
        """Every document of folder's search index with its key, in the index's order."""
        name = str(folder)
        rows = (
            (name, path, n, key, pickle.dumps(doc, pickle.HIGHEST_PROTOCOL))
            for n, (path, (key, doc)) in enumerate(docs.items())
        )
        with self.db:
            self.db.execute("DELETE FROM search_docs WHERE folder = ?", (name,))
            self.db.executemany("INSERT INTO search_docs VALUES (?, ?, ?, ?, ?)", rows)

    def update_search_docs(self, folder: Path, docs: dict[str, tuple[str, SearchDoc]]) -> None:
        """Documents edited in place (their order unchanged), with their keys."""
        rows = (
            (key, pickle.dumps(doc, pickle.HIGHEST_PROTOCOL), str(folder), path)
            for path, (key, doc) in docs.items()
        )
        with self.db:
            self.db.executemany(
                "UPDATE search_docs SET key = ?, data = ? WHERE folder = ? AND path = ?", rows
            )

    def forget(self, keys: Iterable[str]) -> None:
        """Compiled files replaced by newer versions."""
        with self.db:
            self.db.executemany("DELETE FROM compiled WHERE key = ?", ((k,) for k in keys))

    def _rows(self, table: str, folder: Path) -> dict[str, str]:
        query = f"SELECT path, key FROM {table} WHERE folder = ?"
        return dict(self.db.execute(query, (str(folder),)).fetchall())

    def _update_rows(
        self, table: str, folder: Path, changed: dict[str, str], removed: Iterable[str]
    ) -> None:
        name = str(folder)
        with self.db:
            self.db.executemany(
                f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)",
                ((name, path, key) for path, key in changed.items()),
            )
            self.db.executemany(
                f"DELETE FROM {table} WHERE folder = ? AND path = ?",
                ((name, path) for path in removed),
            )

    def prune(self) -> None:
        """Forget compiled files that this build did not use (deleted or edited)."""
        with self.db:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM used")
            self.db.executemany("INSERT OR IGNORE INTO used VALUES (?)", [(k,) for k in self.used])
            self.db.execute("DELETE FROM compiled WHERE key NOT IN (SELECT key FROM used)")

    def close(self) -> None:
        self.db.close()
