"""Pausing the cyclic garbage collector while many long-lived objects are built.

Loading thousands of articles allocates millions of objects that all survive; the
collector would walk them again and again for nothing (bench/README.md has what it
saves). Reference counting still frees everything meanwhile.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
