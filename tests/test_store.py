"""The store's schema on a real SQLite file and a real PostgreSQL database."""

from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from newsdesk.store.database import StoreError, connect, head_revision, migrate, open_store


def test_migrations_create_the_schema_and_run_again_as_no_ops(database_url: str) -> None:
    engine = open_store(database_url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
        expected = {"node_files", "compiled_files", "view_counts", "view_days", "view_visits"}
        assert expected | {"settings"} <= tables
        migrate(engine)  # a second start finds nothing to do
    finally:
        engine.dispose()


def test_an_unreachable_database_is_a_clear_error() -> None:
    engine = connect("postgresql://postgres@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="cannot reach the database"):
        migrate(engine)


def test_unsupported_database_urls_are_refused() -> None:
    for url in ("mysql://root@127.0.0.1/test", "not a url"):
        with pytest.raises(StoreError, match="database"):
            connect(url)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("newsdesk.store") / "migrations"))
    return config


def test_head_revision_is_alembics_head() -> None:
    assert ScriptDirectory.from_config(_alembic_config()).get_current_head() == head_revision()


def test_a_database_behind_the_head_is_migrated(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'old.sqlite'}")
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    migrate(engine)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version == head_revision()
