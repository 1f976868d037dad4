"""Searches run in low-priority processes forked from each worker, with bounded
concurrency: a flood of distinct queries then takes only the CPU the pages leave
(the kernel schedules the niced processes last) and cannot hold the event loop,
nor the worker's interpreter lock, from them.

A search process is forked holding the worker's search index as it is (sharing
its pages), answers one query at a time over a socket pair, and is retired once
the index changes (it exits when its socket closes). Up to `processes` run per
worker and up to `waiting` more queries wait for one; past that the answer is a
quick 503 with Retry-After.
"""

import asyncio
import contextlib
import gc
import os
import pickle
import signal
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from newsdesk.web.http import HTTPError

# How long a refused client is asked to wait: a search takes milliseconds.
RETRY_AFTER_SECONDS = 1
# Lower than the workers': the kernel runs searches on what the pages leave.
NICENESS = 10
_SIZE = struct.Struct("!I")

Answer = Callable[[Any], Any]  # a query -> its answer (both picklable)


class SearchFailed(Exception):
    """A search process could not answer (its error, as text)."""


class SearchProcess:
    def __init__(self, generation: int, answer: Callable[[], Answer]):
        """Forks a process answering with `answer()`, made in the child."""
        self.generation = generation
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # pragma: no branch - the child never returns
            ours.close()
            _serve(theirs, answer)
        theirs.close()
        ours.setblocking(False)
        self.pid = pid
        self.socket = ours

    async def ask(self, question: object) -> Any:
        loop = asyncio.get_running_loop()
        data = pickle.dumps(question, protocol=pickle.HIGHEST_PROTOCOL)
        await loop.sock_sendall(self.socket, _SIZE.pack(len(data)) + data)
        (size,) = _SIZE.unpack(await _exactly(loop, self.socket, _SIZE.size))
        reply = pickle.loads(await _exactly(loop, self.socket, size))
        if isinstance(reply, SearchFailed):
            raise reply
        return reply

    def close(self) -> None:
        """Ends the process (it reads the closed socket's end) and reaps it."""
        self.socket.close()
        threading.Thread(target=_reap, args=(self.pid,), daemon=True).start()


class SearchPool:
    def __init__(self, processes: int, waiting: int, busy_message: Callable[[], str]):
        self._processes = processes
        self._bound = processes + waiting
        self._busy_message = busy_message
        self._in_flight = 0
        self._idle: list[SearchProcess] = []
        self._running = 0  # processes alive, idle or answering
        self._waiters: deque[asyncio.Future[SearchProcess]] = deque()

    async def run(self, generation: int, answer: Callable[[], Answer], question: object) -> Any:
        """The answer to `question` from a search process of this index `generation`
        (`answer()` makes the answering function in a new one), or HTTPError 503."""
        with self.taken():
            process = await self._process(generation, answer)
            try:
                reply = await process.ask(question)
            except BaseException:  # cancelled or broken: its socket may hold half a reply
                self._retire(process)
                raise
            self._release(process, generation, answer)
            return reply

    @contextlib.contextmanager
    def taken(self) -> Iterator[None]:
        """Holds a place among the bounded searches (on the event loop's thread, so the
        count needs no lock), or raises the 503 when none is left."""
        if self._in_flight >= self._bound:
            retry = (b"retry-after", str(RETRY_AFTER_SECONDS).encode())
            raise HTTPError(503, self._busy_message(), [retry])
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1

    def close(self) -> None:
        for process in self._idle:
            process.close()
        self._idle.clear()

    async def _process(self, generation: int, answer: Callable[[], Answer]) -> SearchProcess:
        while self._idle:
            process = self._idle.pop()
            if process.generation == generation:
                return process
            self._retire(process)
        if self._running < self._processes:
            return self._forked(generation, answer)
        waiter: asyncio.Future[SearchProcess] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed over as it was cancelled
                self._release(waiter.result(), generation, answer)
            raise

    def _retire(self, process: SearchProcess) -> None:
        """Ends a running process: the count and the close go together."""
        self._running -= 1
        process.close()

    def _forked(self, generation: int, answer: Callable[[], Answer]) -> SearchProcess:
        self._running += 1
        try:
            return SearchProcess(generation, answer)
        except BaseException:
            self._running -= 1
            raise

    def _release(
        self, process: SearchProcess, generation: int, answer: Callable[[], Answer]
    ) -> None:
        if process.generation != generation:
            self._retire(process)
            process = self._forked(generation, answer)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(process)
                return
        self._idle.append(process)


def _serve(connection: socket.socket, answer: Callable[[], Answer]) -> None:
    """The search process: answers each query read from `connection` until it closes."""
    try:
        # The worker's signal handling is not ours: a signal here must not wake its loop.
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.nice(NICENESS)
        gc.freeze()  # what the worker holds stays shared
        respond = answer()
        stream = connection.makefile("rwb")
        while head := stream.read(_SIZE.size):
            (size,) = _SIZE.unpack(head)
            question = pickle.loads(stream.read(size))
            try:
                reply = respond(question)
            except Exception as error:  # the worker logs it; this process goes on
                reply = SearchFailed(f"{type(error).__name__}: {error}")
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
            stream.write(_SIZE.pack(len(data)) + data)
            stream.flush()
    finally:
        os._exit(0)


async def _exactly(loop: asyncio.AbstractEventLoop, connection: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = await loop.sock_recv(connection, size - len(data))
        if not chunk:
            raise SearchFailed("the search process ended")
        data += chunk
    return bytes(data)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
