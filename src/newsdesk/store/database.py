"""Connecting to the store (SQLite by default, PostgreSQL by URL) and migrating it."""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from newsdesk.errors import NewsdeskError, first_line
from newsdesk.store.state import state_folder

DATABASE_ENV = "NEWSDESK_DATABASE_URL"
DATABASE_NAME = "newsdesk.sqlite"
# Taken while migrating, so that several servers starting at once migrate one by one.
_MIGRATION_LOCK = 7_201_001
_REVISION = re.compile(r"^revision = \"(\w+)\"", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision = \"(\w+)\"", re.MULTILINE)
# The execution option saying that a connection's transactions write, even those its
# first statement begins: on SQLite they then take the write lock when they begin.
WRITES = "newsdesk_writes"


class StoreError(NewsdeskError):
    """The database cannot be reached or used."""


def database_url(site_folder: Path, given: str | None) -> str:
    """The URL given, else $NEWSDESK_DATABASE_URL, else a SQLite file in the site."""
    url = given or os.environ.get(DATABASE_ENV)
    if url:
        return url
    path = state_folder(site_folder) / DATABASE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def connect(url: str) -> Engine:
    """An engine for the URL; `postgresql://` means psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(
            f"invalid database URL {url!r}: use sqlite:///PATH or postgresql://…"
        ) from error
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
    try:
        if backend == "sqlite":
            # The busy timeout, set as the file opens: it covers the pragmas below too.
            engine = create_engine(parsed, connect_args={"timeout": 30})
            engine._connection_cls = _SQLiteConnection
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = create_engine(
                parsed, pool_size=10, max_overflow=20, pool_pre_ping=True, pool_timeout=10
            )
    except NoSuchModuleError as error:
        raise StoreError(f"no driver for {parsed.drivername}") from error
    return engine


def _sqlite_pragmas(connection: object, _: ConnectionPoolEntry) -> None:
    connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class _SQLiteConnection(Connection):
    """Tells `_sqlite_begin` whether SQLAlchemy began the transaction itself, for the
    statement about to run (`engine.connect()` and a query), or was asked to
    (`engine.begin()`): SQLAlchemy's begin event is the same for both. Should a new
    SQLAlchemy not call `_autobegin`, every transaction would begin IMMEDIATE, slower
    but still correct."""

    autobeginning = False

    def _autobegin(self) -> None:
        self.autobeginning = True
        try:
            super()._autobegin()
        finally:
            self.autobeginning = False


def _sqlite_begin(connection: Connection) -> None:
    """pysqlite's own transaction handling is off (it would defer BEGIN): we issue it.

    A writer begins IMMEDIATE: it waits for the write lock up front, where the busy
    timeout applies, instead of failing when a read turns into a write after another
    writer committed. Reads begin deferred, so that under WAL they never wait for
    writers nor hold writers up."""
    reading = isinstance(connection, _SQLiteConnection) and connection.autobeginning
    if reading and not connection.get_execution_options().get(WRITES):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def head_revision() -> str:
    """The newest migration, read from the migration files (importing Alembic to ask
    costs a server's start more than the check itself)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = resources.files("newsdesk.store") / "migrations" / "versions"
    for item in folder.iterdir():
        if item.name.endswith(".py"):
            source = item.read_text(encoding="utf-8")
            revisions.update(_REVISION.findall(source))
            parents.update(_DOWN_REVISION.findall(source))
    heads = revisions - parents
    if len(heads) != 1:
        raise StoreError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as error:
        raise StoreError(f"cannot reach the database: {first_line(error)}") from error


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest version (Alembic), creating it if needed."""
    if _current_revision(engine) == head_revision():
        return
    # Imported only when there is work to do.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("newsdesk.store") / "migrations"))
    try:
        # Alembic reads before it writes, in the transaction that reading began.
        with engine.connect().execution_options(**{WRITES: True}) as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
                connection.commit()
            try:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            finally:
                if engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                    connection.commit()
    except OperationalError as error:
        raise StoreError(f"cannot reach the database: {first_line(error)}") from error


@contextmanager
def scratch_database(
    server_url: str, prefix: str = "newsdesk", template: str | None = None
) -> Iterator[str]:
    """A new PostgreSQL database on the server at server_url, empty or a copy of the
    `template` database (which nothing may be connected to), dropped when done (for
    tests and benchmarks, which each need one of their own)."""
    admin = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copied = f' TEMPLATE "{template}"' if template else ""
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copied}'))
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def open_store(url: str) -> Engine:
    engine = connect(url)
    migrate(engine)
    return engine
