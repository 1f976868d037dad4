"""The connections one worker holds: at most so many from one address, and no more in
all than its file descriptors allow, so that a flood of idle or slow clients is
refused at the door instead of exhausting the descriptors every request needs."""

import logging
import resource
import time
from collections.abc import Callable

from newsdesk.web.forwarded import Proxies

log = logging.getLogger("newsdesk")

# Descriptors a worker keeps for what is not a connection: its listening socket, the
# database pool, the content watcher, logs, and files read for answers.
_RESERVED_DESCRIPTORS = 64
# The most a soft limit is raised to when the hard limit is unlimited.
_UNLIMITED_TARGET = 1 << 20
# While connections are refused, the log says so this often (not once per connection).
_REPORT_SECONDS = 60.0


def raise_descriptor_limit() -> int:
    """Raises this process's soft limit of open files to its hard limit (forked workers
    inherit it) and returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = _UNLIMITED_TARGET if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as error:
            log.warning("cannot raise the open files limit above %d: %s", soft, error)
    return _UNLIMITED_TARGET if soft == resource.RLIM_INFINITY else soft


def connection_budget(descriptors: int, configured: int) -> int:
    """The connections a worker may hold with `descriptors` open files: what is left
    after its reserve, halved, as a connection sending a large file also holds that
    file open; `configured` (above 0) when it is lower."""
    budget = max(1, (descriptors - _RESERVED_DESCRIPTORS) // 2)
    return min(budget, configured) if configured > 0 else budget


class Connections:
    """Counts open connections by client address; `admit` says whether another may
    open. Addresses in `exempt` (the proxies in front of the server, whose connections
    carry every reader's requests) count towards the total only.

    At the budget, a new connection is let in by closing the one that has waited
    longest for a request (idle, or still sending its headers): under a flood of slow
    clients the server keeps serving those that send their requests promptly."""

    def __init__(self, per_address: int, budget: int, exempt: Proxies):
        self.per_address = per_address
        self.budget = budget
        self._exempt = exempt
        self._by_address: dict[str, int] = {}
        self.open = 0
        # The connections waiting for a request and how to close each, oldest first.
        self._waiting: dict[object, Callable[[], None]] = {}
        self._refused = 0
        self._closed = 0
        self._reported = -_REPORT_SECONDS

    def admit(self, address: str) -> bool:
        held = self._by_address.get(address, 0)
        if self.per_address and held >= self.per_address and address not in self._exempt:
            self._refused += 1
            self._report()
            return False
        if self.open >= self.budget:
            if not self._waiting:
                self._refused += 1
                self._report()
                return False
            oldest = next(iter(self._waiting))
            self._waiting.pop(oldest)()
            self._closed += 1
            self._report()
        self._by_address[address] = held + 1
        self.open += 1
        return True

    def release(self, address: str, connection: object) -> None:
        self._waiting.pop(connection, None)
        held = self._by_address.pop(address, 0) - 1
        if held > 0:
            self._by_address[address] = held
        self.open -= 1

    def waiting(self, connection: object, close: Callable[[], None]) -> None:
        """The connection waits for a request from now on; `close` ends it."""
        self._waiting.pop(connection, None)
        self._waiting[connection] = close

    def working(self, connection: object) -> None:
        """The connection has a request to read or answer."""
        self._waiting.pop(connection, None)

    def _report(self) -> None:
        """A flood is logged when it starts, then once a minute, not per connection."""
        now = time.monotonic()
        if now - self._reported < _REPORT_SECONDS:
            return
        self._reported = now
        log.warning(
            "refused %d connections and closed %d waiting ones (%d open; at most %d, %s "
            "per address)",
            self._refused,
            self._closed,
            self.open,
            self.budget,
            self.per_address or "any number",
        )
        self._refused = self._closed = 0
