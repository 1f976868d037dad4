"""View counting, hot scores and visitor ids, on a real SQLite file and PostgreSQL."""

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from newsdesk.store.database import open_store
from newsdesk.store.schema import view_caps, view_days, view_visits
from newsdesk.store.views import (
    daily_views,
    hot_scores,
    prune_caps,
    prune_visits,
    record_view,
    view_total,
    view_totals,
    visitor_salt,
)
from newsdesk.store.visitors import is_bot, visitor_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW = timedelta(minutes=30)
NOON = datetime(2025, 2, 17, 12, 0, tzinfo=SHANGHAI)
PER_ADDRESS = 20


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def view(
    engine: Engine,
    slug: str,
    visitor: str,
    now: datetime,
    address: str | None = None,
    per_address: int = PER_ADDRESS,
) -> bool:
    """One beacon, in a transaction of its own as the server sends it; by default
    each visitor from an address of its own."""
    with engine.begin() as connection:
        return record_view(
            connection,
            slug,
            visitor,
            now,
            WINDOW,
            address=address or f"address-of-{visitor}",
            per_address=per_address,
        )


def test_a_visitor_counts_once_per_window(engine: Engine) -> None:
    minutes = [0, 1, 29, 30, 31, 59, 60]
    counted = [view(engine, "rust", "reader", NOON + timedelta(minutes=m)) for m in minutes]
    # The window restarts at each counted view: 0, then 30, then 60.
    assert counted == [True, False, False, True, False, False, True]
    # A late beacon stamped before the last counted view is not counted either.
    assert not view(engine, "rust", "reader", NOON - timedelta(hours=1))
    with engine.connect() as connection:
        assert view_total(connection, "rust") == 3
        assert view_total(connection, "never-viewed") == 0


def test_visitors_and_articles_are_counted_apart(engine: Engine) -> None:
    assert view(engine, "rust", "a", NOON)
    assert view(engine, "rust", "b", NOON)
    assert view(engine, "go", "a", NOON)
    assert not view(engine, "go", "a", NOON)
    with engine.connect() as connection:
        assert view_totals(connection) == {"rust": 2, "go": 1}


def test_views_fall_on_the_day_of_the_sites_zone(engine: Engine) -> None:
    late = datetime(2025, 2, 17, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC
    after_midnight = datetime(2025, 2, 18, 0, 10, tzinfo=SHANGHAI)  # still the 17th in UTC
    assert view(engine, "rust", "a", late)
    assert view(engine, "rust", "b", late)
    assert view(engine, "rust", "c", after_midnight)
    assert view(engine, "rust", "d", after_midnight + timedelta(days=2))
    with engine.connect() as connection:
        assert daily_views(connection, "rust", 5, date(2025, 2, 20)) == [
            (date(2025, 2, 16), 0),
            (date(2025, 2, 17), 2),
            (date(2025, 2, 18), 1),
            (date(2025, 2, 19), 0),
            (date(2025, 2, 20), 1),
        ]
        assert daily_views(connection, "go", 2, date(2025, 2, 20)) == [
            (date(2025, 2, 19), 0),
            (date(2025, 2, 20), 0),
        ]
        assert view_total(connection, "rust") == 4


def test_a_time_without_a_zone_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        view(engine, "rust", "a", NOON.replace(tzinfo=None))


def test_hot_scores_decay_with_age(engine: Engine) -> None:
    today = NOON.date()
    views = {"old": [(3, 20)], "new": [(0, 6)], "mixed": [(1, 2), (2, 3)], "stale": [(7, 50)]}
    for slug, days in views.items():
        for age, count in days:
            for reader in range(count):
                assert view(engine, slug, f"r{age}-{reader}", NOON - timedelta(days=age))
    with engine.connect() as connection:
        scores = hot_scores(connection, today, days=7, half_life_days=1.5)

    def decayed(days: list[tuple[int, int]]) -> float:
        return float(sum(count * 0.5 ** (age / 1.5) for age, count in days))

    # "stale" was viewed 7 days ago, outside the 7 days ending today.
    assert scores == pytest.approx({slug: decayed(views[slug]) for slug in ("old", "new", "mixed")})
    # 20 views three days ago weigh 5.0, less than 6 views today.
    assert sorted(scores, key=scores.__getitem__, reverse=True) == ["new", "old", "mixed"]


def test_pruning_drops_only_visits_older_than_the_cut(engine: Engine) -> None:
    assert view(engine, "rust", "early", NOON)
    assert view(engine, "rust", "late", NOON + timedelta(minutes=40))
    cut = (NOON + timedelta(minutes=10)).timestamp()
    with engine.begin() as connection:
        assert prune_visits(connection, cut) == 1
        visitors = connection.execute(select(view_visits.c.visitor)).scalars().all()
        assert visitors == ["late"]
        assert view_total(connection, "rust") == 2
    # The late visitor is still inside its window, and stays uncounted.
    assert not view(engine, "rust", "late", NOON + timedelta(minutes=50))


def test_the_salt_is_stable_within_a_day_and_rotates_daily(engine: Engine) -> None:
    with engine.begin() as connection:
        monday = visitor_salt(connection, date(2025, 2, 17))
        assert visitor_salt(connection, date(2025, 2, 17)) == monday
        tuesday = visitor_salt(connection, date(2025, 2, 18))
    assert monday != tuesday
    assert re.fullmatch("[0-9a-f]{64}", monday) and re.fullmatch("[0-9a-f]{64}", tuesday)


def test_every_worker_derives_the_same_salt(store_url: str) -> None:
    engines = [open_store(store_url) for _ in range(2)]
    barrier = threading.Barrier(8)

    def salt(worker: int) -> str:
        barrier.wait()
        with engines[worker % 2].begin() as connection:
            return visitor_salt(connection, date(2025, 2, 17))

    try:
        with ThreadPoolExecutor(8) as pool:
            salts = set(pool.map(salt, range(8)))
        assert len(salts) == 1  # both engines raced to create the secret; one won
        fresh = open_store(store_url)
        with fresh.begin() as connection:
            assert visitor_salt(connection, date(2025, 2, 17)) in salts
        fresh.dispose()
    finally:
        for engine in engines:
            engine.dispose()


def test_visitor_ids_are_keyed_hashes_without_the_address() -> None:
    agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MicroMessenger/8.0.47"
    for address in ("203.0.113.7", "2001:db8::1"):
        first = visitor_id("salt-1", address, agent)
        # 64 hex digits and nothing else: no room for the address in any form.
        assert re.fullmatch("[0-9a-f]{64}", first), first
        # Not an unkeyed hash either, which hashing every address would reverse.
        unkeyed = {
            hashlib.sha256(text.encode()).hexdigest()
            for text in (address, f"{address}\n{agent}", f"{address}{agent}")
        }
        assert first not in unkeyed
        other = "203.0.113.8" if "." in address else "2001:db8::2"
        assert visitor_id("salt-1", other, agent) != first, "the address is part of the id"
        assert visitor_id("salt-1", address, agent) == first
        assert visitor_id("salt-2", address, agent) != first
        assert visitor_id("salt-1", address, agent + " Edg/124") != first
    assert visitor_id("s", "1.2.3.4", "ua") != visitor_id("s", "1.2.3.4u", "a")


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
        "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0); 360Spider",
        "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (compatible; Bytespider)",
        "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
        "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (compatible; Applebot/0.1)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "Mozilla/5.0 AppleWebKit/537.36 (compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
        "CCBot/2.0 (https://commoncrawl.org/faq/)",
        "Mozilla/5.0 AppleWebKit/537.36 (compatible; PerplexityBot/1.0)",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "Go-http-client/2.0",
        "SomeNewsCrawler/0.1",
    ],
)
def test_crawlers_and_tools_are_bots(agent: str) -> None:
    assert is_bot(agent)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI",
        "Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/98.0.4758.101 Mobile Safari/537.36 SogouMobileBrowser/12.3.0",
        "Mozilla/5.0 (Linux; Android 10; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36",
        # The project's browser tests drive headless Chromium and count its views.
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.0.0 Safari/537.36",
    ],
)
def test_browsers_are_not_bots(agent: str) -> None:
    assert not is_bot(agent)


THREADS = 16
DISTINCT_PER_THREAD = 140
RACES = 10  # visitors every thread sends the same beacon for, all at once
SLUGS = ("rust", "go", "zig", "deno")


def send_beacons(engine: Engine) -> list[tuple[str, bool]]:
    """THREADS threads, each with its own connections, send distinct visitors'
    beacons; between chunks they meet at a barrier and race one shared visitor."""
    barrier = threading.Barrier(THREADS)
    chunk = DISTINCT_PER_THREAD // RACES

    def worker(thread: int) -> list[tuple[str, bool]]:
        sent: list[tuple[str, bool]] = []
        for race in range(RACES):
            barrier.wait()
            sent.append(("rust", view(engine, "rust", f"racer-{race}", NOON)))
            for i in range(race * chunk, (race + 1) * chunk):
                slug = SLUGS[(thread + i) % len(SLUGS)]
                sent.append((slug, view(engine, slug, f"reader-{thread}-{i}", NOON)))
        return sent

    with ThreadPoolExecutor(THREADS) as pool:
        return [beacon for sent in pool.map(worker, range(THREADS)) for beacon in sent]


def test_concurrent_beacons_are_counted_exactly(engine: Engine) -> None:
    beacons = send_beacons(engine)
    assert len(beacons) == THREADS * (DISTINCT_PER_THREAD + RACES) >= 2_000
    counted = Counter(slug for slug, was_counted in beacons if was_counted)
    expected = Counter(
        SLUGS[(t + i) % len(SLUGS)] for t in range(THREADS) for i in range(DISTINCT_PER_THREAD)
    )
    expected["rust"] += RACES  # one per racing visitor, however many threads sent it
    assert counted == expected
    with engine.connect() as connection:
        assert view_totals(connection) == dict(counted)
        per_day = select(view_days.c.slug, view_days.c.count).where(view_days.c.day == NOON.date())
        assert dict(connection.execute(per_day).all()) == dict(counted)
        visits = connection.execute(select(func.count()).select_from(view_visits)).scalar()
        assert visits == THREADS * DISTINCT_PER_THREAD + RACES


def test_racing_visitors_from_one_address_fill_its_cap_exactly(engine: Engine) -> None:
    """Of 80 visitors from one address racing for an article, the cap's number are
    counted: each place under it is claimed by one upsert. The rest leave no row."""
    barrier = threading.Barrier(8)

    def worker(thread: int) -> int:
        barrier.wait()
        return sum(
            view(engine, "rust", f"rotated-{thread}-{n}", NOON, address="one-nat")
            for n in range(10)
        )

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(worker, range(8))) == PER_ADDRESS
    with engine.connect() as connection:
        assert view_total(connection, "rust") == PER_ADDRESS
        visits = connection.execute(select(func.count()).select_from(view_visits)).scalar()
        assert visits == PER_ADDRESS


def test_a_repeat_visitor_gives_its_place_under_the_cap_back(engine: Engine) -> None:
    assert view(engine, "rust", "reader", NOON, address="nat", per_address=2)
    for minute in range(1, 5):  # the same reader again: not counted, no place taken
        assert not view(engine, "rust", "reader", NOON + timedelta(minutes=minute), "nat", 2)
    assert view(engine, "rust", "second", NOON, address="nat", per_address=2)
    assert not view(engine, "rust", "third", NOON, address="nat", per_address=2)
    # The next period of the window starts the count again; other articles have their own.
    assert view(engine, "go", "third", NOON, address="nat", per_address=2)
    assert view(engine, "rust", "third", NOON + WINDOW, address="nat", per_address=2)


def test_pruning_drops_the_caps_of_past_periods(engine: Engine) -> None:
    view(engine, "rust", "a", NOON, address="nat")
    view(engine, "rust", "b", NOON + 2 * WINDOW, address="other")
    with engine.begin() as connection:
        assert prune_caps(connection, NOON + 2 * WINDOW, WINDOW) == 1
        assert connection.execute(select(view_caps.c.address)).scalars().all() == ["other"]
