"""The persistent build cache in the site's `.newsdesk/` folder (SQLite): compiled
articles by file key, and what each output file was last built from."""

import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from newsdesk.site.compile import Compiled

CACHE_DIR = ".newsdesk"
CACHE_NAME = "build-cache.sqlite"
_SCHEMA_VERSION = 1
# SQLite's default limit on the number of `?` parameters in one statement.
_BATCH = 900


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
                f"PRAGMA user_version = {_SCHEMA_VERSION};"
            )
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS compiled (key TEXT PRIMARY KEY, data BLOB NOT NULL);"
            "CREATE TABLE IF NOT EXISTS outputs ("
            " folder TEXT NOT NULL, path TEXT NOT NULL, key TEXT NOT NULL,"
            " PRIMARY KEY (folder, path));"
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

    def put_many(self, items: dict[str, Compiled]) -> None:
        self.used.update(items)
        rows = [(key, pickle.dumps(item, pickle.HIGHEST_PROTOCOL)) for key, item in items.items()]
        self.db.executemany("INSERT OR REPLACE INTO compiled VALUES (?, ?)", rows)
        self.db.commit()

    def outputs(self, folder: Path) -> dict[str, str]:
        rows = self.db.execute("SELECT path, key FROM outputs WHERE folder = ?", (str(folder),))
        return dict(rows.fetchall())

    def save_outputs(self, folder: Path, outputs: dict[str, str]) -> None:
        with self.db:
            self.db.execute("DELETE FROM outputs WHERE folder = ?", (str(folder),))
            self.db.executemany(
                "INSERT INTO outputs VALUES (?, ?, ?)",
                [(str(folder), path, key) for path, key in outputs.items()],
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


def _batches(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), _BATCH):
        yield keys[start : start + _BATCH]
