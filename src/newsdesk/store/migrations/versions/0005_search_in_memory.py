"""Search moves into each server's memory (newsdesk.store.search_engine): the search
tables of 0002 go."""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0005"
down_revision = "0004"

_TABLES = ("search_tags", "search_texts", "search_documents")
_SQLITE_INDEXES = ("search_grams", "search_words")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in _SQLITE_INDEXES:
            op.execute(f"DROP TABLE {table}")
    for table in _TABLES:
        op.execute(f"DROP TABLE {table}")


def downgrade() -> None:
    """The tables as 0002 makes them (empty: the server fills them as it starts)."""
    spec = importlib.util.spec_from_file_location(
        "search_0002", Path(__file__).with_name("0002_search.py")
    )
    assert spec is not None and spec.loader is not None
    earlier = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(earlier)
    earlier.upgrade()
