"""Search run off the event loop with bounded concurrency: a few threads of its own
per worker, and past them a quick refusal, so that a flood of distinct queries
cannot make the pages wait."""

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from newsdesk.web.http import HTTPError

T = TypeVar("T")
# How long a refused client is asked to wait: a search takes milliseconds.
RETRY_AFTER_SECONDS = 1


class SearchSlots:
    def __init__(self, slots: int, busy_message: Callable[[], str]):
        self._free = slots
        self._busy_message = busy_message
        self._executor = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="search")

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """`work(*args)` on a search thread, or HTTPError 503 when every slot is taken."""
        with self.taken():
            return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)

    @contextlib.contextmanager
    def taken(self) -> Iterator[None]:
        """Holds a slot (on the event loop's thread, so the count needs no lock)."""
        if self._free <= 0:
            retry = (b"retry-after", str(RETRY_AFTER_SECONDS).encode())
            raise HTTPError(503, self._busy_message(), [retry])
        self._free -= 1
        try:
            yield
        finally:
            self._free += 1
