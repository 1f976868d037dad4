"""The content index: each node's files (size, time, content hash, the options they
were compiled under) and their compiled forms, as bytes the caller made.

A node is one copy of the site served by one `newsdesk serve`; nodes sharing a
database keep their files apart and share compiled forms by content, so that one
node's version of a file never replaces another's.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, delete, exists, select, update

from newsdesk.store.batch import batches
from newsdesk.store.schema import compiled_files, node_files
from newsdesk.store.upsert import insert, upsert

# What a compiled form is stored under: (content_hash, options_key).
CompiledKey = tuple[str, str]


@dataclass(frozen=True)
class StoredFile:
    """What the index holds about one file of a node, but its compiled form."""

    size: int
    mtime_ns: int
    content_hash: str
    options_key: str

    @property
    def compiled_key(self) -> CompiledKey:
        return (self.content_hash, self.options_key)


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
    connection: Connection, node: str, paths: Iterable[str] | None = None
) -> dict[str, StoredFile]:
    """The identity of every file the node indexed, or of those among `paths`."""
    columns = node_files.c
    query = select(
        columns.path, columns.size, columns.mtime_ns, columns.content_hash, columns.options_key
    ).where(columns.node == node)
    rows = []
    if paths is None:
        rows = list(connection.execute(query))
    else:
        for batch in batches(paths):
            rows.extend(connection.execute(query.where(columns.path.in_(batch))))
    return {r.path: StoredFile(r.size, r.mtime_ns, r.content_hash, r.options_key) for r in rows}


def compiled_data(connection: Connection, node: str, paths: Iterable[str]) -> dict[str, bytes]:
    """The stored compiled form of each of the node's files among `paths` that has
    one, by path."""
    files, forms = node_files.c, compiled_files.c
    query = select(files.path, forms.data).join_from(
        node_files,
        compiled_files,
        and_(files.content_hash == forms.content_hash, files.options_key == forms.options_key),
    )
    found: dict[str, bytes] = {}
    for batch in batches(paths):
        selected = query.where(files.node == node, files.path.in_(batch))
        found.update((path, data) for path, data in connection.execute(selected))
    return found


def store_files(connection: Connection, node: str, records: list[FileRecord]) -> None:
    """Stores compiled files as the node's, replacing what the node had under the same
    paths (a compiled form another node stored already is kept as it is)."""
    if not records:
        return
    dialect = connection.dialect.name
    replaced = stored_files(connection, node, [r.path for r in records])
    forms = insert(dialect, compiled_files).on_conflict_do_nothing()
    connection.execute(
        forms,
        [
            {"content_hash": h, "options_key": o, "data": d}
            for (h, o), d in {(r.content_hash, r.options_key): r.data for r in records}.items()
        ],
    )
    columns = ["size", "mtime_ns", "content_hash", "options_key"]
    statement = upsert(dialect, node_files, ["node", "path"], columns)
    identities = [
        {"node": node, "path": r.path, "size": r.size, "mtime_ns": r.mtime_ns,
         "content_hash": r.content_hash, "options_key": r.options_key}
        for r in records
    ]  # fmt: skip
    connection.execute(statement, identities)
    _prune(connection, {row.compiled_key for row in replaced.values()})


def restat_files(connection: Connection, node: str, stats: dict[str, tuple[int, int]]) -> None:
    """Files whose bytes did not change but whose size or time did: (size, mtime_ns)."""
    if not stats:
        return
    columns = node_files.c
    statement = (
        update(node_files)
        .where(columns.node == node, columns.path == bindparam("key"))
        .values(size=bindparam("size"), mtime_ns=bindparam("mtime_ns"))
    )
    rows = [{"key": p, "size": size, "mtime_ns": mtime} for p, (size, mtime) in stats.items()]
    connection.execute(statement, rows)


def forget_files(connection: Connection, node: str, paths: Iterable[str]) -> None:
    """The node no longer has these files; their compiled forms go once no node has
    them."""
    paths = list(paths)
    if not paths:
        return
    gone = stored_files(connection, node, paths)
    columns = node_files.c
    for batch in batches(paths):
        connection.execute(delete(node_files).where(columns.node == node, columns.path.in_(batch)))
    _prune(connection, {row.compiled_key for row in gone.values()})


def _prune(connection: Connection, keys: set[CompiledKey]) -> None:
    """Drops the compiled forms among `keys` that no node's file stands for (one key
    at a time: each is a primary key lookup, where a list of pairs scans the table)."""
    if not keys:
        return
    forms, files = compiled_files.c, node_files.c
    used = exists().where(
        and_(files.content_hash == forms.content_hash, files.options_key == forms.options_key)
    )
    statement = delete(compiled_files).where(
        forms.content_hash == bindparam("hash"), forms.options_key == bindparam("options"), ~used
    )
    connection.execute(statement, [{"hash": h, "options": o} for h, o in sorted(keys)])
