"""Counts that can't be bought: view beacons from one client are capped whatever it
rotates, need a proof of a page view and the site's own pages, forwarded addresses
are believed only from configured proxies, and search and beacons are rate-limited.
In-process on SQLite and PostgreSQL, and a real server for uvicorn's own handling."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Select, func, select

from newsdesk.errors import ConfigError
from newsdesk.site.config import load_config
from newsdesk.site.locale import Locale
from newsdesk.store.database import connect
from newsdesk.store.schema import view_caps, view_visits
from newsdesk.web.forwarded import ClientAddress
from newsdesk.web.limits import TokenBuckets
from tests.asgi import InProcess, serving
from tests.beacons import in_one_counting_period, send_beacon, view_token
from tests.conftest import DEMO_SITE, copy_site
from tests.server import Server, all_articles

CAP = 20  # the default of [views] per_address
FLOOD = 1_000
ATTACKER = "203.0.113.7"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def configured(root: Path, extra: str) -> Path:
    """A copy of the demo site with `extra` appended to its newsdesk.toml."""
    site = copy_site(DEMO_SITE, root / "site")
    config = site / "newsdesk.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return site


# Beacons are rate-limited per address too (tested below): these floods are sent
# under a rate they cannot reach, to show what the cap alone holds.
UNLIMITED = "beacons_per_minute = 1000000\n"


@pytest.fixture
def app(tmp_path: Path, demo_database_url: str) -> Iterator[InProcess]:
    """The demo site with a database of its own."""
    site = configured(tmp_path, "[server]\n" + UNLIMITED)
    with serving(site, demo_database_url) as served:
        yield served


@pytest.fixture
def proxied(tmp_path: Path, demo_database_url: str) -> Iterator[InProcess]:
    """The demo site behind a proxy on 127.0.0.1 that it trusts."""
    site = configured(tmp_path, '[server]\nforwarded_allow_ips = ["127.0.0.1"]\n' + UNLIMITED)
    with serving(site, demo_database_url) as served:
        yield served


def counted_views(app: InProcess, slug: str) -> int:
    with app.client() as client:
        return int(client.get(f"/api/v1/articles/{slug}/views").json()["counted"])


def flood(app: InProcess, slug: str, peer: str, headers_of: dict[int, dict[str, str]]) -> int:
    """Sends a beacon per entry of `headers_of` from `peer`, 16 at a time; how many
    were counted. Every one is answered 200: a refused count looks like any other."""
    in_one_counting_period()
    with app.client(peer) as client:
        token = view_token(client, slug)

    async def send(numbers: list[int]) -> int:
        counted = 0
        async with app.async_client(peer) as client:
            for n in numbers:
                response = await client.post(
                    f"/api/v1/articles/{slug}/views", params={"token": token}, headers=headers_of[n]
                )
                assert response.status_code == 200, response.text
                counted += response.json()["counted"]
        return counted

    async def send_all() -> list[int]:
        numbers = sorted(headers_of)
        return await asyncio.gather(*(send(numbers[k::16]) for k in range(16)))

    return sum(app.run(send_all(), timeout=300))


def rows(app: InProcess, count: Select[Any]) -> int:
    engine = connect(app.database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(count).scalar_one())
    finally:
        engine.dispose()


def hot_slugs(app: InProcess) -> list[str]:
    app.live.refresh()
    with app.client() as client:
        items = client.get("/api/v1/articles", params={"hot": "true"}).json()["items"]
    return [item["slug"] for item in items]


# The cap per address --------------------------------------------------------------


def test_rotating_user_agents_from_one_address_add_no_more_than_the_cap(
    app: InProcess,
) -> None:
    with app.client() as client:
        articles = all_articles(client)
    # Hot articles with the readers of a real site: 30 each, more than one address's cap.
    hot = [str(a["slug"]) for a in articles[:5]]
    for n, slug in enumerate(hot):
        for reader in range(30):
            with app.client(f"198.51.{n}.{reader}") as client:
                assert send_beacon(client, slug, {"user-agent": BROWSER}).json()["counted"]
    before = hot_slugs(app)
    target = str(articles[-1]["slug"])
    start = counted_views(app, target)
    agents = {n: {"user-agent": f"{BROWSER} rotated/{n}"} for n in range(FLOOD)}
    assert flood(app, target, ATTACKER, agents) == CAP
    assert counted_views(app, target) - start == CAP
    assert hot_slugs(app) == before and target not in before
    # A rotated agent past the cap leaves no row behind.
    visits = select(func.count()).select_from(view_visits).where(view_visits.c.slug == target)
    assert rows(app, visits) == CAP
    assert rows(app, select(func.count()).select_from(view_caps)) == 5 * 30 + 1


def test_rotating_forwarded_addresses_from_an_untrusted_peer_add_no_more_than_the_cap(
    app: InProcess,
) -> None:
    with app.client() as client:
        slug = str(all_articles(client)[-2]["slug"])
    start = counted_views(app, slug)
    forwarded = {
        n: {"user-agent": f"{BROWSER} {n}", "x-forwarded-for": f"10.{n // 250}.{n % 250}.9"}
        for n in range(FLOOD)
    }
    # From this machine too: a local peer is no proxy unless listed.
    assert flood(app, slug, "127.0.0.1", forwarded) == CAP
    assert counted_views(app, slug) - start == CAP


def test_distinct_readers_behind_a_trusted_proxy_count_exactly(proxied: InProcess) -> None:
    with proxied.client() as client:
        slug = str(all_articles(client)[0]["slug"])
    start = counted_views(proxied, slug)
    readers = {n: {"user-agent": BROWSER, "x-forwarded-for": f"192.0.2.{n}"} for n in range(150)}
    # A chain through a second trusted hop names the same reader.
    repeats = {
        150 + n: {"user-agent": BROWSER, "x-forwarded-for": f"192.0.2.{n}, 127.0.0.1"}
        for n in range(50)
    }
    assert flood(proxied, slug, "127.0.0.1", readers | repeats) == 150
    assert counted_views(proxied, slug) - start == 150


@pytest.mark.parametrize(
    "forwarded",
    ["hello", "192.0.2.1, not-an-address", "192.0.2.1:8080", "", "unix:/tmp/socket", "999.1.1.1"],
)
def test_forwarded_values_that_are_not_addresses_are_ignored(
    proxied: InProcess, forwarded: str
) -> None:
    """Each rotated text would be a new reader if it were believed: the proxy itself
    is the client, and its cap holds."""
    with proxied.client() as client:
        slug = str(all_articles(client)[1]["slug"])
    headers = {n: {"user-agent": f"{BROWSER} {n}", "x-forwarded-for": forwarded + "?" * (n % 2)}
               for n in range(60)}  # fmt: skip
    assert flood(proxied, slug, "127.0.0.1", headers) == CAP


FORWARDED_CASES = [
    # trusted, peer, X-Forwarded-For, the client
    ([], "127.0.0.1", "192.0.2.1", "127.0.0.1"),
    (["127.0.0.1"], "127.0.0.1", "192.0.2.1", "192.0.2.1"),
    (["127.0.0.1"], "198.51.100.1", "192.0.2.1", "198.51.100.1"),
    (["10.0.0.0/8"], "10.1.2.3", "192.0.2.1, 10.9.9.9", "192.0.2.1"),
    (["10.0.0.0/8"], "10.1.2.3", "192.0.2.1, 198.51.100.4", "198.51.100.4"),
    (["10.0.0.0/8"], "10.1.2.3", "10.0.0.1, 10.0.0.2", "10.0.0.1"),
    (["127.0.0.1"], "127.0.0.1", " 2001:db8::1 ", "2001:db8::1"),
    (["127.0.0.1"], "127.0.0.1", "2001:DB8:0::1", "2001:db8::1"),
    (["127.0.0.1"], "127.0.0.1", "192.0.2.1,,", "127.0.0.1"),
    (["127.0.0.1"], "127.0.0.1", "[2001:db8::1]", "127.0.0.1"),
    (["::1"], "::1", "192.0.2.1", "192.0.2.1"),
]


@pytest.mark.parametrize(("trusted", "peer", "forwarded", "client"), FORWARDED_CASES)
def test_the_client_address(trusted: list[str], peer: str, forwarded: str, client: str) -> None:
    assert ClientAddress(trusted).of(peer, {"x-forwarded-for": forwarded}) == client


def test_server_settings_are_validated_with_their_keys(tmp_path: Path) -> None:
    config = tmp_path / "newsdesk.toml"
    config.write_text(
        '[server]\nforwarded_allow_ips = ["10.0.0.0/8", "proxy.local"]\nsearch_per_minute = 0\n'
        "[views]\nper_address = 0\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert dict(refused.value.problems) == {
        "server.forwarded_allow_ips[1]": "expected an address or network like 10.0.0.0/8",
        "server.search_per_minute": "must be greater than 0",
        "views.per_address": "must be greater than 0",
    }


def test_a_request_without_forwarded_addresses_is_its_peer() -> None:
    assert ClientAddress(["127.0.0.1"]).of("127.0.0.1", {}) == "127.0.0.1"


# The proof of a page view ---------------------------------------------------------


def test_only_a_beacon_with_its_articles_live_token_counts(app: InProcess) -> None:
    with app.client() as client:
        first, second = (str(a["slug"]) for a in all_articles(client)[:2])
    tokens = app.app.api.beacons.tokens
    good = view_token(app.client(), first)
    expired = tokens.issue(first, time.time() - tokens.lifetime - 120)
    stamp, _, signature = good.partition(".")
    forged = f"{stamp}.{signature[::-1]}"
    later = f"{int(stamp, 16) + 3600:x}.{signature}"
    other_article = view_token(app.client(), second)
    refused = {
        "none": None,
        "empty": "",
        "expired": expired,
        "forged": forged,
        "re-dated": later,
        "other article": other_article,
        "garbage": "zz.zz",
    }
    start = counted_views(app, first)
    for n, (name, token) in enumerate(refused.items()):
        params = {} if token is None else {"token": token}
        with app.client(f"192.0.2.{n}") as client:
            response = client.post(f"/api/v1/articles/{first}/views", params=params,
                                   headers={"user-agent": BROWSER})  # fmt: skip
        assert response.status_code == 200, name
        assert response.json()["counted"] is False, name
    assert counted_views(app, first) == start
    with app.client("192.0.2.200") as client:
        assert send_beacon(client, first, {"user-agent": BROWSER}, good).json()["counted"]


def test_the_served_article_page_carries_a_token_that_counts(app: InProcess) -> None:
    with app.client() as client:
        article = all_articles(client)[3]
        page = client.get(str(article["path"]))
        views = BeautifulSoup(page.text, "html.parser").select_one(".views[data-beacon]")
        assert views is not None
        token = str(views["data-token"])
        counted = client.post(str(views["data-beacon"]), params={"token": token},
                              headers={"user-agent": BROWSER}).json()["counted"]  # fmt: skip
        again = client.get(str(article["path"]), headers={"if-none-match": page.headers["etag"]})
    assert counted is True
    assert app.app.api.beacons.tokens.valid(str(article["slug"]), token, time.time())
    assert again.status_code == 304  # the same token until its step of time ends


# Cross-site beacons ---------------------------------------------------------------


def test_beacons_sent_from_other_sites_are_not_counted(
    tmp_path: Path, demo_database_url: str
) -> None:
    listed = "https://static.example.com"
    site = configured(tmp_path, f'[api]\ncors_origins = ["{listed}"]\n')
    with serving(site, demo_database_url) as app:
        with app.client() as client:
            slug = str(all_articles(client)[0]["slug"])
        cases = {
            "foreign origin": ({"origin": "https://evil.example"}, False),
            "null origin": ({"origin": "null"}, False),
            "cross-site fetch": ({"sec-fetch-site": "cross-site"}, False),
            "cross-site from own origin": (
                {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "cross-site"}, False,
            ),
            "own origin": (
                {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"}, True,
            ),
            "host's origin": ({"origin": "http://127.0.0.1:8000"}, True),
            "listed origin, cross-site": ({"origin": listed, "sec-fetch-site": "cross-site"}, True),
            "no origin": ({}, True),
        }  # fmt: skip
        for n, (name, (headers, expected)) in enumerate(cases.items()):
            with app.client(f"192.0.2.{n}") as client:
                response = send_beacon(client, slug, {"user-agent": BROWSER, **headers})
            assert response.status_code == 200, name
            assert response.json()["counted"] is expected, name


# Rate limits ----------------------------------------------------------------------


@pytest.fixture
def limited(tmp_path: Path, demo_database_url: str) -> Iterator[InProcess]:
    site = configured(tmp_path, "[server]\nsearch_per_minute = 3\nbeacons_per_minute = 4\n")
    with serving(site, demo_database_url) as served:
        yield served


def test_searches_past_the_rate_are_answered_429_with_retry_after(limited: InProcess) -> None:
    with limited.client(ATTACKER) as client:
        answers = [client.get("/api/v1/search", params={"q": f"数据{n}"}) for n in range(3)]
        api = client.get("/api/v1/search", params={"q": "数据"})
        page = client.get("/search/", params={"q": "数据"})
    with limited.client("198.51.100.9") as other:
        elsewhere = other.get("/search/", params={"q": "数据"})
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert api.status_code == 429 and 1 <= int(api.headers["retry-after"]) <= 20
    error = api.json()["error"]
    assert error["status"] == 429
    assert error["message"] == Locale("zh-CN").text(
        "too_many_requests", seconds=int(api.headers["retry-after"])
    )
    assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
    assert "请求过于频繁" in page.text and "retry-after" in page.headers
    assert elsewhere.status_code == 200  # per address


def test_beacons_past_the_rate_are_answered_429(limited: InProcess) -> None:
    with limited.client() as client:
        slug = str(all_articles(client)[0]["slug"])
    with limited.client(ATTACKER) as client:
        token = view_token(client, slug)
        statuses = [send_beacon(client, slug, {"user-agent": BROWSER}, token).status_code
                    for _ in range(6)]  # fmt: skip
        pages = [client.get("/").status_code for _ in range(10)]
    assert statuses == [200] * 4 + [429] * 2
    assert pages == [200] * 10  # pages are not limited


def test_the_english_site_says_so_in_english(tmp_path: Path, demo_database_url: str) -> None:
    site = configured(tmp_path, "[server]\nsearch_per_minute = 1\n")
    config = site / "newsdesk.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('language = "zh-CN"', 'language = "en"'),
        encoding="utf-8",
    )
    with serving(site, demo_database_url) as app, app.client() as client:
        client.get("/search/", params={"q": "a"})
        page = client.get("/search/", params={"q": "a"})
    assert page.status_code == 429 and "Too many requests" in page.text


def test_rate_limit_memory_is_bounded() -> None:
    buckets = TokenBuckets(per_minute=10, max_addresses=1_000)
    for n in range(50_000):
        buckets.take(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}", 0.0)
    assert len(buckets) == 1_000


def test_a_bucket_refills_at_its_rate() -> None:
    buckets = TokenBuckets(per_minute=60)
    assert [buckets.take("a", 0.0) for _ in range(60)] == [0.0] * 60
    assert buckets.take("a", 0.0) == pytest.approx(1.0)
    assert buckets.take("a", 1.0) == 0.0


# A real server ----------------------------------------------------------------------


def test_a_real_server_does_not_believe_forwarded_addresses_by_default(
    demo_server: Server,
) -> None:
    """uvicorn's own proxy handling would take any forwarded text from 127.0.0.1."""
    with demo_server.client() as client:
        slug = str(all_articles(client)[-3]["slug"])
        start = client.get(f"/api/v1/articles/{slug}/views").json()["counted"]
        token = view_token(client, slug)
        counted = 0
        in_one_counting_period()
        for n in range(CAP + 20):
            headers = {"user-agent": f"{BROWSER} {n}", "x-forwarded-for": f"garbage-{n}"}
            counted += send_beacon(client, slug, headers, token).json()["counted"]
        end = client.get(f"/api/v1/articles/{slug}/views").json()["counted"]
    assert counted == end - start == CAP
