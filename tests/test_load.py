"""Sustained load on a real `newsdesk serve` with two workers, on SQLite and on
PostgreSQL: concurrent readers of pages and search, and view beacons from many
visitors, some repeated inside the counting window. No request may fail, and the
stored counts must equal the beacons the server said it counted."""

import itertools
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.beacons import reader_address, send_beacon, trust_local_proxy, view_token
from tests.conftest import DEMO_SITE, copy_site
from tests.server import Server, running_server, stored_views

pytestmark = pytest.mark.load

LOAD_SECONDS = 12.0
MAX_REQUESTS = 30_000
CLIENTS = 16
# One beacon in this many repeats a visit already sent (by any client): inside the
# window, it must not count again.
REPEAT_EVERY = 4
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass
class Targets:
    """What the clients ask for, all taken from the running site."""

    articles: list[tuple[str, str, str]]  # slug, page path, title
    lists: list[str]
    queries: list[str]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    accepted: Counter[str] = field(default_factory=Counter)
    visits: list[tuple[str, str, str]] = field(default_factory=list)  # (agent, slug, address)
    tokens: dict[str, str] = field(default_factory=dict)  # proofs of a page view, by slug


def targets(client: httpx.Client) -> Targets:
    listing = client.get("/api/v1/articles", params={"limit": "100"}).json()
    assert listing["next_cursor"] is None
    articles = [(item["slug"], item["path"], item["title"]) for item in listing["items"]]
    tags = client.get("/api/v1/tags").json()["items"]
    categories = client.get("/api/v1/categories").json()["items"]
    lists = ["/", "/tags/", "/feed.xml"] + [
        httpx.URL(term["url"]).path for term in tags[:12] + categories
    ]
    # Chinese words of the titles, whole and cut to two or three characters: each
    # is a substring of an article, so each must find at least one.
    queries = sorted(
        {
            piece
            for _, _, title in articles
            for run in _CJK_RUN.findall(title)
            for piece in (run, run[:2], run[-3:])
        }
        | {term["name"] for term in tags if _CJK_RUN.fullmatch(term["name"])}
    )
    assert len(queries) >= 30, queries
    return Targets(articles, lists, queries)


def client_loop(
    server: Server,
    site: Targets,
    tally: Tally,
    seed: int,
    deadline: float,
    numbers: "itertools.count[int]",
) -> None:
    rng = random.Random(seed)
    with server.client() as client:
        while time.monotonic() < deadline and next(numbers) < MAX_REQUESTS:
            kind = rng.choices(
                ["list", "article", "api-search", "search-page", "beacon"], [3, 2, 1, 1, 2]
            )[0]
            # Each request from a reader of its own, behind the proxy the server trusts.
            client.headers["x-forwarded-for"] = reader_address(rng.randrange(1 << 24))
            try:
                problem = request_once(client, site, tally, rng, kind)
            except httpx.TransportError as error:
                problem = f"{kind}: {type(error).__name__}: {error}"
            with tally.lock:
                tally.sent[kind] += 1
                if problem:
                    tally.failures.append(problem)


def request_once(
    client: httpx.Client, site: Targets, tally: Tally, rng: random.Random, kind: str
) -> str | None:
    """One request of `kind`; what was wrong with the answer, if anything."""
    if kind == "list":
        path = rng.choice(site.lists)
        response = client.get(path)
        return None if response.status_code == 200 else f"{path}: {response.status_code}"
    if kind == "article":
        _, path, title = rng.choice(site.articles)
        response = client.get(path)
        if response.status_code != 200 or title not in response.text:
            return f"{path}: {response.status_code}"
        return None
    if kind in ("api-search", "search-page"):
        query = rng.choice(site.queries)
        if kind == "api-search":
            response = client.get("/api/v1/search", params={"q": query})
            found = response.status_code == 200 and response.json()["total"] >= 1
        else:
            response = client.get("/search/", params={"q": query})
            found = response.status_code == 200 and 'class="search-hits"' in response.text
        return None if found else f"{kind} {query!r}: {response.status_code}"
    with tally.lock:
        if tally.visits and rng.randrange(REPEAT_EVERY) == 0:
            agent, slug, address = rng.choice(tally.visits)
        else:
            slug = rng.choice(site.articles)[0]
            reader = len(tally.visits)
            agent = f"Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 reader-{reader}"
            address = reader_address(reader)
        tally.visits.append((agent, slug, address))
        token = tally.tokens.get(slug)
    if token is None:
        token = view_token(client, slug)
        with tally.lock:
            tally.tokens[slug] = token
    headers = {"user-agent": agent, "x-forwarded-for": address}
    response = send_beacon(client, slug, headers, token)
    if response.status_code != 200:
        return f"beacon {slug}: {response.status_code} {response.text[:200]}"
    if response.json()["counted"]:
        with tally.lock:
            tally.accepted[slug] += 1
    return None


def test_sustained_load_serves_everything_and_counts_exactly(
    tmp_path: Path, database_url: str
) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    trust_local_proxy(site)
    with running_server(site, database_url, "--workers", "2") as server:
        with server.client() as client:
            wanted = targets(client)
        tally = Tally()
        numbers = itertools.count()
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=client_loop,
                args=(server, wanted, tally, seed, started + LOAD_SECONDS, numbers),
            )
            for seed in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - started
        with server.client() as client:
            shown = {
                slug: client.get(f"/api/v1/articles/{slug}/views").json()["counted"]
                for slug, _, _ in wanted.articles
            }
        output = server.output()
    sent = sum(tally.sent.values())
    backend = make_url(database_url).get_backend_name()
    print(
        f"\n{backend}: {sent} requests from {CLIENTS} clients in {duration:.1f} s, "
        f"{sent / duration:.0f} req/s; {dict(tally.sent)}; "
        f"{len(tally.visits)} beacons, {sum(tally.accepted.values())} counted"
    )
    assert tally.failures == [], tally.failures[:20]
    assert "Traceback" not in output, output[-3000:]
    assert sent >= 500, "too few requests to call it load"
    distinct = set(tally.visits)
    # Every distinct visit counted once; every repeat (inside the window) refused.
    assert sum(tally.accepted.values()) == len(distinct) < len(tally.visits)
    assert shown == {slug: tally.accepted[slug] for slug, _, _ in wanted.articles}
    counted = stored_views(database_url)
    assert counted.totals == {slug: n for slug, n in tally.accepted.items() if n}
    assert counted.daily == counted.totals
    assert len(counted.visits) == len(distinct)
