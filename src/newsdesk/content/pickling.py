"""Fast pickling for the slotted dataclasses that cross processes and caches."""

from typing import Any


def reduce_by_fields(self: Any) -> tuple[type, tuple[Any, ...]]:
    """Pickle as a constructor call with every field in order.

    The dataclass default for slotted classes restores through `__setstate__`, which
    looks up `fields()` per object: many times slower to load (bench/README.md).
    """
    return (type(self), tuple(getattr(self, name) for name in self.__dataclass_fields__))
