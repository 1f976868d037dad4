"""INSERT … ON CONFLICT, which SQLAlchemy has in each dialect's own INSERT only."""

from collections.abc import Iterable

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

Insert = postgresql.Insert | sqlite.Insert


def insert(dialect_name: str, table: Table) -> Insert:
    """An INSERT into `table` that can take ON CONFLICT, for "postgresql" or "sqlite"."""
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert(dialect_name: str, table: Table, keys: Iterable[str], columns: Iterable[str]) -> Insert:
    """An INSERT that, for a row whose `keys` are taken, sets its `columns` instead."""
    statement = insert(dialect_name, table)
    return statement.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={name: statement.excluded[name] for name in columns},
    )
