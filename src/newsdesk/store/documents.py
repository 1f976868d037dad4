"""The content index: each article file's identity (size, time, content hash, the
options it was compiled under) and its compiled form, as bytes the caller made."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, select, update

from newsdesk.store.batch import batches
from newsdesk.store.schema import documents
from newsdesk.store.upsert import upsert


@dataclass(frozen=True)
class StoredFile:
    """What the index holds about one file, but its compiled form."""

    size: int
    mtime_ns: int
    content_hash: str
    options_key: str


@dataclass(frozen=True)
class FileRecord:
    """One compiled file to store under its path (relative to the content folder)."""

    path: str
    size: int
    mtime_ns: int
    content_hash: str
    options_key: str
    data: bytes


def stored_files(
    connection: Connection, paths: Iterable[str] | None = None
) -> dict[str, StoredFile]:
    """The identity of every indexed file, or of those among `paths`."""
    query = select(
        documents.c.path,
        documents.c.size,
        documents.c.mtime_ns,
        documents.c.content_hash,
        documents.c.options_key,
    )
    if paths is not None:
        query = query.where(documents.c.path.in_(list(paths)))
    return {
        r.path: StoredFile(r.size, r.mtime_ns, r.content_hash, r.options_key)
        for r in connection.execute(query)
    }


def compiled_data(connection: Connection, paths: list[str]) -> dict[str, bytes]:
    """The stored compiled form of each of these files that has one."""
    found: dict[str, bytes] = {}
    for batch in batches(paths):
        query = select(documents.c.path, documents.c.data).where(documents.c.path.in_(batch))
        found.update((path, data) for path, data in connection.execute(query))
    return found


def store_files(connection: Connection, records: list[FileRecord]) -> None:
    """Stores compiled files, replacing what was stored under the same paths."""
    if not records:
        return
    columns = ["size", "mtime_ns", "content_hash", "options_key", "data"]
    statement = upsert(connection.dialect.name, documents, ["path"], columns)
    connection.execute(statement, [vars(record) for record in records])


def restat_files(connection: Connection, stats: dict[str, tuple[int, int]]) -> None:
    """Files whose bytes did not change but whose size or time did: (size, mtime_ns)."""
    if not stats:
        return
    statement = (
        update(documents)
        .where(documents.c.path == bindparam("key"))
        .values(size=bindparam("size"), mtime_ns=bindparam("mtime_ns"))
    )
    rows = [{"key": p, "size": size, "mtime_ns": mtime} for p, (size, mtime) in stats.items()]
    connection.execute(statement, rows)


def forget_files(connection: Connection, paths: Iterable[str]) -> None:
    for batch in batches(paths):
        connection.execute(delete(documents).where(documents.c.path.in_(batch)))
