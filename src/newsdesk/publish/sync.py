"""The content folder kept in step with the database's content index.

Files are indexed by content hash: a file compiles again only when its bytes (or the
options) change, and the database keeps each compiled file so that a restart reads
instead of compiling. An edit that stops an article parsing keeps its last good
version online.

The index is this node's: the files of this copy of the site, on this machine.
Nodes sharing a database each serve their own version of a file, and the workers
of one node compile each change once, in turn, the others reading what it stored.
"""

import fcntl
import logging
import os
import pickle
import socket
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from newsdesk.content.article import Outcome
from newsdesk.content.loader import discover, is_article_path
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import ProgressFactory, map_batches
from newsdesk.publish.compile import Compiled, compile_options_key, compile_packed, term_slugs
from newsdesk.render.options import RenderOptions
from newsdesk.store import documents
from newsdesk.text.digest import digest, file_digest

log = logging.getLogger("newsdesk")


@dataclass
class IndexReport:
    files: int = 0
    compiled: int = 0
    removed: int = 0
    kept: list[str] = field(default_factory=list)  # failed to parse; last good version kept
    errors: int = 0


@dataclass(frozen=True)
class _Todo:
    """A file to compile, with the identity it is stored under."""

    key: str
    size: int
    mtime_ns: int
    content_hash: str


class ContentIndex:
    """Every file's compiled form, by its path relative to the content folder."""

    def __init__(
        self, folder: Path, engine: Engine, content: ContentOptions, render: RenderOptions
    ):
        self.folder = folder
        self.engine = engine
        self.content = content
        self.render = render
        self.options_key = compile_options_key(content, render)
        self._prefix = os.path.join(os.path.abspath(folder), "")
        self.node = node_id(folder)
        self.compiled: dict[str, Compiled] = {}
        # The content hash of the file each item of `compiled` was compiled from.
        self._hashes: dict[str, str] = {}

    def key(self, path: Path) -> str:
        """The path relative to the content folder, with `/` (the database's key)."""
        text = os.path.abspath(path)
        if text.startswith(self._prefix):
            return text[len(self._prefix) :].replace(os.sep, "/")
        return os.path.relpath(text, self._prefix).replace(os.sep, "/")

    def in_order(self) -> list[Compiled]:
        """The compiled files in path order."""
        return [c for _, c in sorted(self.compiled.items())]

    def outcomes(self) -> list[Outcome]:
        return [c.outcome for c in self.in_order()]

    def changed_since(self, since: float) -> list[Path]:
        """Files added, deleted or modified since `since` (a time stamp)."""
        changed: list[Path] = []
        seen: set[str] = set()
        for path in discover(self.folder):
            key = self.key(path)
            seen.add(key)
            try:
                modified = os.stat(path).st_mtime
            except OSError:
                continue
            if key not in self.compiled or modified >= since:
                changed.append(path)
        changed.extend(self.folder / key for key in self.compiled if key not in seen)
        return changed

    def sync_all(self, progress: ProgressFactory | None = None) -> IndexReport:
        """Every file of the folder indexed; files gone from it forgotten."""
        return self._sync(discover(self.folder), None, progress)

    def sync_paths(self, paths: Iterable[Path]) -> IndexReport:
        """Only the files named, as discover() would have found them (not the whole
        folder: this runs on every save)."""
        wanted = {self.key(Path(p)) for p in paths}
        files = [
            self.folder / key
            for key in sorted(wanted)
            if is_article_path(tuple(key.split("/"))) and (self.folder / key).is_file()
        ]
        return self._sync(files, wanted, None)

    def _sync(
        self, files: list[Path], wanted: set[str] | None, progress: ProgressFactory | None
    ) -> IndexReport:
        """`wanted`: the keys looked at (None: the whole folder)."""
        with _node_lock(self.node):
            return self._sync_locked(files, wanted, progress)

    def _sync_locked(
        self, files: list[Path], wanted: set[str] | None, progress: ProgressFactory | None
    ) -> IndexReport:
        report = IndexReport(files=len(files))
        by_key = {self.key(p): p for p in files}
        with self.engine.connect() as connection:
            rows = documents.stored_files(connection, self.node, wanted)
        todo, restat = self._changed(by_key, rows)
        compiling = {t.key for t in todo}
        unchanged = [k for k in by_key if k in rows and k not in compiling]
        # Another worker of this node may have stored a newer version than the one
        # held here (it compiled the change first): that one is read, not ours kept.
        stale = [k for k in unchanged if self._hashes.get(k) != rows[k].content_hash]
        fresh = self._read(stale)
        self.compiled.update(fresh)
        self._hashes.update((k, rows[k].content_hash) for k in fresh)
        # A compiled form dropped by another node at the moment this one took it up:
        # compiled again.
        todo.extend(
            _Todo(k, rows[k].size, rows[k].mtime_ns, rows[k].content_hash)
            for k in stale
            if k not in fresh
        )
        self._compile(todo, by_key, rows, report, progress)
        known = set(rows) | set(self.compiled) if wanted is None else wanted
        gone = {key for key in known if key not in by_key}
        for key in gone:
            self.compiled.pop(key, None)
            self._hashes.pop(key, None)
        report.removed = len(gone)
        with self.engine.begin() as connection:
            documents.restat_files(connection, self.node, restat)
            documents.forget_files(connection, self.node, gone)
        return report

    def _changed(
        self, by_key: dict[str, Path], rows: dict[str, documents.StoredFile]
    ) -> tuple[list[_Todo], dict[str, tuple[int, int]]]:
        """The files to compile, and those whose bytes are as stored but whose size or
        time are not."""
        todo: list[_Todo] = []
        restat: dict[str, tuple[int, int]] = {}
        for key, path in by_key.items():
            try:
                stat = os.stat(path)
            except OSError:
                continue
            row = rows.get(key)
            current = row is not None and row.options_key == self.options_key
            if current and row and (row.size, row.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                continue
            content_hash = file_digest(path)
            if current and row and row.content_hash == content_hash:
                restat[key] = (stat.st_size, stat.st_mtime_ns)
                continue
            todo.append(_Todo(key, stat.st_size, stat.st_mtime_ns, content_hash))
        return todo, restat

    def _compile(
        self,
        todo: list[_Todo],
        by_key: dict[str, Path],
        rows: dict[str, documents.StoredFile],
        report: IndexReport,
        progress: ProgressFactory | None,
    ) -> None:
        batches = map_batches(
            compile_packed,
            [by_key[t.key] for t in todo],
            (self.content, self.render, term_slugs(self.compiled.values()) if todo else {}),
            progress(len(todo), "编译文章") if progress and todo else None,
        )
        done = 0
        for packed in batches:
            records = self._take(todo[done : done + len(packed)], packed, rows, report)
            done += len(packed)
            # Stored batch by batch: a server killed while compiling a large site
            # keeps what it compiled, and compiles only the rest when it starts again.
            if records:
                with self.engine.begin() as connection:
                    documents.store_files(connection, self.node, records)

    def _take(
        self,
        todo: list[_Todo],
        packed: list[bytes],
        rows: dict[str, documents.StoredFile],
        report: IndexReport,
    ) -> list[documents.FileRecord]:
        """Keep freshly compiled files (or the last good version of one that no
        longer parses); the records to store."""
        results: list[Compiled] = [pickle.loads(data) for data in packed]
        failed = [t.key for t, c in zip(todo, results, strict=True) if c.entry is None]
        stored = self._read([k for k in failed if k in rows and k not in self.compiled])
        records: list[documents.FileRecord] = []
        for item, data, compiled in zip(todo, packed, results, strict=True):
            key = item.key
            previous = self.compiled.get(key) or stored.get(key)
            if compiled.entry is None:
                report.errors += 1
                for d in compiled.outcome.diagnostics:
                    log.warning("%s:%s:%s: %s", compiled.outcome.path, d.line, d.col, d.message)
                if previous is not None and previous.entry is not None:
                    report.kept.append(key)
                    if key in stored:
                        self.compiled[key] = previous
                        self._hashes[key] = rows[key].content_hash
                    continue
            report.compiled += 1
            self.compiled[key] = compiled
            self._hashes[key] = item.content_hash
            records.append(
                documents.FileRecord(
                    key, item.size, item.mtime_ns, item.content_hash, self.options_key, data
                )
            )
        return records

    def _read(self, keys: list[str]) -> dict[str, Compiled]:
        """The stored compiled form of each of these files that has one."""
        found: dict[str, Compiled] = {}
        if not keys:
            return found
        with self.engine.connect() as connection:
            stored = documents.compiled_data(connection, self.node, keys)
        for key, data in stored.items():
            try:
                found[key] = pickle.loads(data)
            except Exception:  # written by another version: compiled again
                continue
        return found


def node_id(folder: Path) -> str:
    """This copy of the site on this machine: the host and the content folder's path."""
    return digest(socket.gethostname(), os.path.abspath(folder))


@contextmanager
def _node_lock(node: str) -> Iterator[None]:
    """Held by one worker of the node at a time while it indexes (the workers are
    processes: a file lock)."""
    path = os.path.join(tempfile.gettempdir(), f"newsdesk-{node[:32]}.lock")
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
