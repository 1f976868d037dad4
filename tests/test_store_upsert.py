"""store.upsert: one INSERT … ON CONFLICT for both databases."""

from sqlalchemy import select

from newsdesk.store.database import open_store
from newsdesk.store.schema import node_files
from newsdesk.store.upsert import upsert


def test_upsert_inserts_then_sets_the_columns_named(store_url: str) -> None:
    engine = open_store(store_url)
    row = {"node": "n", "path": "a.md", "size": 1, "mtime_ns": 1, "content_hash": "h1"}
    row |= {"options_key": "o"}
    statement = upsert(engine.dialect.name, node_files, ["node", "path"], ["size", "options_key"])
    try:
        with engine.begin() as connection:
            connection.execute(statement, [row])
            changed = {**row, "size": 2, "content_hash": "h2", "options_key": "p"}
            connection.execute(statement, [changed])
        with engine.connect() as connection:
            stored = connection.execute(
                select(node_files.c.size, node_files.c.content_hash, node_files.c.options_key)
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in stored] == [(2, "h1", "p")]
