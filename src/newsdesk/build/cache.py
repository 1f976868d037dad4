"""The persistent build cache in the site's `.newsdesk/` folder (SQLite): compiled
articles by file key, and what each output file was last built from."""

import json
import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.site.compile import Compiled

if TYPE_CHECKING:
    from newsdesk.build.incremental import Manifest

CACHE_DIR = ".newsdesk"
CACHE_NAME = "build-cache.sqlite"
_SCHEMA_VERSION = 3
# SQLite's default limit on the number of `?` parameters in one statement.
_BATCH = 900


class BuildCache:
    def __init__(self, path: Path):
        self.folder = path.parent
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version != _SCHEMA_VERSION:
            self.db.executescript(
                "DROP TABLE IF EXISTS compiled; DROP TABLE IF EXISTS outputs;"
                f"PRAGMA user_version = {_SCHEMA_VERSION};"
            )
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS compiled (key TEXT PRIMARY KEY, data BLOB NOT NULL);"
            "CREATE TABLE IF NOT EXISTS outputs"
            " (folder TEXT PRIMARY KEY, files BLOB NOT NULL, manifest BLOB);"
        )
        self.used: set[str] = set()

    @classmethod
    def for_site(cls, root: Path) -> "BuildCache":
        return cls(root / CACHE_DIR / CACHE_NAME)

    def get_many(self, keys: list[str]) -> dict[str, Compiled]:
        self.used.update(keys)
        found: dict[str, Compiled] = {}
        for batch in _batches(keys):
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
        row = self.db.execute("SELECT files FROM outputs WHERE folder = ?", (str(folder),))
        found = row.fetchone()
        if found is None:
            return {}
        files: dict[str, str] = json.loads(found[0])
        return files

    def save_outputs(self, folder: Path, outputs: dict[str, str], manifest: "Manifest") -> None:
        """What each file in folder was built from, and the build's manifest."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                (
                    str(folder),
                    json.dumps(outputs, separators=(",", ":")),
                    pickle.dumps(manifest, pickle.HIGHEST_PROTOCOL),
                ),
            )

    def manifest(self, folder: Path) -> "Manifest | None":
        """The manifest the last build into folder saved."""
        row = self.db.execute("SELECT manifest FROM outputs WHERE folder = ?", (str(folder),))
        found = row.fetchone()
        if found is None or found[0] is None:
            return None
        from newsdesk.build.incremental import Manifest

        try:
            manifest = pickle.loads(found[0])
        except Exception:  # written by another version: the build starts afresh
            return None
        return manifest if isinstance(manifest, Manifest) else None

    def prune(self) -> None:
        """Forget compiled files that this build did not use (deleted or edited)."""
        with self.db:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM used")
            self.db.executemany("INSERT OR IGNORE INTO used VALUES (?)", [(k,) for k in self.used])
            self.db.execute("DELETE FROM compiled WHERE key NOT IN (SELECT key FROM used)")

    def close(self) -> None:
        self.db.close()


def _batches(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), _BATCH):
        yield keys[start : start + _BATCH]
