"""Many rows or keys handed to a database in slices it accepts."""

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

Item = TypeVar("Item")

# SQLite's default limit on the number of `?` parameters in one statement.
SQLITE_PARAMETERS = 900


def batches(items: Iterable[Item], size: int = SQLITE_PARAMETERS) -> Iterator[list[Item]]:
    """Consecutive lists of at most `size` items."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
