"""SQLite transactions: writers take the write lock when they begin, reads never wait
for it (WAL lets them read the last committed state meanwhile)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from newsdesk.store.database import WRITES, connect


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = connect(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT)"))
        connection.execute(text("INSERT INTO notes VALUES ('committed')"))
    yield engine
    engine.dispose()


def impatient(connection: Connection) -> Connection:
    """The connection gives up on a lock after 0.1 s instead of waiting 30 s."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA busy_timeout=100")
    return connection


def test_a_read_does_not_wait_for_a_writer(engine: Engine) -> None:
    with engine.begin() as writer:
        writer.execute(text("INSERT INTO notes VALUES ('uncommitted')"))
        with engine.connect() as reader:
            rows = impatient(reader).execute(text("SELECT body FROM notes")).scalars().all()
    assert rows == ["committed"]


def test_writers_take_the_write_lock_when_they_begin(engine: Engine) -> None:
    with engine.begin():
        with engine.connect() as other, pytest.raises(OperationalError, match="locked"):
            impatient(other).begin()
        # As migrating does: its first statement reads.
        with engine.connect() as other, pytest.raises(OperationalError, match="locked"):
            impatient(other).execution_options(**{WRITES: True}).execute(text("SELECT 1"))
