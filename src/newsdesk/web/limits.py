"""Per-address rate limits: search, view beacons, desk logins and the desk's API past
their rate are answered 429 with Retry-After.

The buckets live in each worker's memory: with N workers a client that spreads its
requests over them gets up to N times the rate, which bounds a flood all the same.
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from newsdesk.web.desk_auth import DESK, is_api
from newsdesk.web.http import HTTPError, Reply, Request
from newsdesk.web.openapi import PREFIX
from newsdesk.web.router import Handler, Route

# The addresses a worker remembers; past it, the one heard from longest ago is
# forgotten (a crawler on many addresses cannot grow the table without end).
MAX_ADDRESSES = 65_536
SEARCH_PATHS = frozenset({PREFIX + "/search", "/search/", "/search/index.html"})
BEACON_PATH = PREFIX + "/articles/{slug}/views"
LOGIN_PATH = DESK + "/login"


class TokenBuckets:
    """One token bucket per address: `per_minute` requests a minute, and as many at
    once after a quiet minute."""

    def __init__(self, per_minute: int, max_addresses: int = MAX_ADDRESSES):
        self._capacity = float(per_minute)
        self._per_second = per_minute / 60.0
        self._max = max_addresses
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, address: str, now: float) -> float:
        """Takes a token for `address`: 0 when one was there, else the seconds until
        there is one."""
        tokens, then = self._buckets.pop(address, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - then) * self._per_second)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self._per_second
        self._buckets[address] = (tokens, now)
        if len(self._buckets) > self._max:
            self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(frozen=True)
class Rates:
    """Requests per client address per minute, by kind."""

    search: int
    beacons: int
    login: int
    desk_api: int


class RateLimits:
    """Wraps the search routes (API and page), the beacon, the desk's login form and
    the desk's API in per-address limits; `message` is the reader's text for a 429,
    given the seconds to wait."""

    def __init__(self, rates: Rates, message: Callable[[int], str]):
        self.search = TokenBuckets(rates.search)
        self.beacons = TokenBuckets(rates.beacons)
        self.login = TokenBuckets(rates.login)
        self.desk_api = TokenBuckets(rates.desk_api)
        self._message = message

    def __call__(self, route: Route, handler: Handler) -> Handler:
        if self._buckets_of(route) is None:
            return handler

        async def limited(request: Request) -> Reply:
            # Looked up at each call: the buckets may be replaced (a test's own rate).
            buckets = self._buckets_of(route)
            assert buckets is not None
            wait = buckets.take(request.client, time.monotonic())
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                retry = [(b"retry-after", str(seconds).encode())]
                raise HTTPError(429, self._message(seconds), retry)
            return await handler(request)

        return limited

    def _buckets_of(self, route: Route) -> TokenBuckets | None:
        if route.method == "GET" and route.pattern in SEARCH_PATHS:
            return self.search
        if route.method == "POST" and route.pattern == BEACON_PATH:
            return self.beacons
        if route.method == "POST" and route.pattern == LOGIN_PATH:
            return self.login
        if is_api(route.pattern):
            return self.desk_api
        return None
