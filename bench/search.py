"""Benchmark: the search engines the server could use, side by side on the same
generated articles.

    python bench/search.py [--count 10000] [--queries 200] [--postgres URL] [--skip-sql]

Generates N articles of about 5 KB from the sentences of the demo site's articles
(each article draws on two of them, so that topics cluster as on a real site) and
the tech-news sentences of bench/segment.py, then for each engine prints the time
to index them all, the index's size, the memory a forked worker copies while it
answers queries (Private_Dirty: pages a worker cannot share with the parent that
built the index), and the p50/p95 latency of a first page of 20 hits with the
total, over distinct random 2–4 character substrings of the articles and over
queries that match nearly everything:

- memory: newsdesk.store.search_engine, what the server uses;
- tantivy: bench/search_tantivy.py, n-gram phrases;
- SQLite FTS5 and PostgreSQL GIN: the database search the server used before,
  bench/fts_search.py; PostgreSQL at URL (default $NEWSDESK_TEST_DATABASE_URL).

Latencies are of the search with the texts of its hits (the memory and database
engines return them, tantivy its slugs only); highlighting them, which the server
does whatever the engine, is timed once, after the memory engine, as are edits: one
and the most kept beside the index before it is rebuilt (its build time is the peer).
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fts_search
from corpus import AUTHORS, CATEGORIES, TAGS
from newsdesk.publish.search import highlighted
from newsdesk.store.database import scratch_database
from newsdesk.store.search import SearchDocument, SearchQuery
from newsdesk.store.search_engine import MAX_EDITS, SearchIndex
from search_tantivy import TantivyPeer
from segment import GOLD, demo_texts

# Queries that match nearly every article: the worst case of a ranking.
EVERYWHERE = ["的", "是", "数据", "的 是", "模型"]
ARTICLE_BYTES = 5 * 1024
CHINA = timezone(timedelta(hours=8))
Search = Callable[[str], int]  # a query -> how many articles match


def generate(count: int) -> list[SearchDocument]:
    rng = random.Random(3)
    sources = [
        [s.strip() for s in re.split(r"(?<=[。！？])|\n", text) if len(s.strip()) > 8]
        for text in demo_texts()
    ]
    news = [line.replace(" ", "") for line in GOLD]
    start = datetime(2023, 1, 1, tzinfo=CHINA)
    documents = []
    for number in range(count):
        pool = rng.choice(sources) + rng.choice(sources)
        sentences = rng.sample(news, 2)
        size = 0
        while size < ARTICLE_BYTES:
            sentence = rng.choice(pool)
            sentences.insert(rng.randrange(len(sentences) + 1), sentence)
            size += len(sentence.encode())
        documents.append(
            SearchDocument(
                slug=f"article-{number:05d}",
                title=f"{rng.choice(pool)[:30]}（{number}）",
                tags=tuple(rng.sample(TAGS, 3)),
                category=rng.choice(CATEGORIES),
                authors=(rng.choice(AUTHORS)[0],),
                summary=" ".join(sentences[:2]),
                body="\n".join(sentences[2:]),
                published=start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                key=str(number),
            )
        )
    return documents


def distinct_queries(documents: list[SearchDocument], count: int) -> list[str]:
    """Random 2 to 4 character substrings of the articles' bodies (CJK or not), as
    visitors and crawlers send them: each query new."""
    rng = random.Random(7)
    queries: set[str] = set()
    while len(queries) < count:
        body = rng.choice(documents).body
        length = rng.randint(2, 4)
        start = rng.randrange(len(body) - length)
        query = body[start : start + length]
        if query.strip() and not re.search(r"\s", query):
            queries.add(query)
    return sorted(queries)


def latencies(search: Search, queries: list[str]) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, the most articles any query matched)."""
    times = []
    most = 0
    for query in queries:
        begun = time.perf_counter()
        most = max(most, search(query))
        times.append((time.perf_counter() - begun) * 1000)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], most


def private_dirty_mb(search: Search, queries: list[str]) -> float:
    """What a forked worker copies of its parent's memory while it answers `queries`."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reading)
        for query in queries:
            search(query)
        rollup = Path("/proc/self/smaps_rollup").read_text()
        kb = sum(
            int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Private_Dirty")
        )
        os.write(writing, str(kb).encode())
        os._exit(0)
    os.close(writing)
    kb = int(os.read(reading, 64) or b"0")
    os.close(reading)
    os.waitpid(pid, 0)
    return kb / 1024


def report(name: str, built: float, size: int, search: Search, queries: list[str]) -> None:
    distinct = latencies(search, queries)
    everywhere = latencies(search, EVERYWHERE * 4)
    worker = private_dirty_mb(search, queries)
    print(
        f"{name:<12}{built:>9.1f}{size / 1e6:>9.0f}{worker:>10.0f}"
        f"{distinct[0]:>9.2f}{distinct[1]:>9.2f}{everywhere[0]:>9.2f}{everywhere[1]:>9.2f}"
        f"{everywhere[2]:>10,}"
    )


def memory_engine(documents: list[SearchDocument], queries: list[str]) -> None:
    begun = time.perf_counter()
    index = SearchIndex.build(documents)
    built = time.perf_counter() - begun

    def search(query: str) -> int:
        return index.rank(SearchQuery(query)).page(0, 20).total

    report("memory", built, index.base.size(), search, queries)
    pages = [(query, index.rank(SearchQuery(query)).page(0, 20).hits) for query in queries]
    begun = time.perf_counter()
    for query, hits in pages:
        highlighted(query, hits)
    each = (time.perf_counter() - begun) * 1000 / len(pages)
    print(f"{'':<12}(highlighting a page of hits, as the server does: {each:.2f} ms more)")
    edits(index, documents, queries)


def edits(index: SearchIndex, documents: list[SearchDocument], queries: list[str]) -> None:
    """What an edit costs: applying it beside the index, and the queries after it (each
    tests every edited document), against a rebuild of the whole index."""
    for count in (1, MAX_EDITS):
        edited = [replace(d, title=d.title + "更新", key=d.key + "'") for d in documents[:count]]
        begun = time.perf_counter()
        changed = index.changed(edited, [])
        took = (time.perf_counter() - begun) * 1000
        assert changed is not None

        def search(query: str, changed: SearchIndex = changed) -> int:
            return changed.rank(SearchQuery(query)).page(0, 20).total

        p50, p95, _ = latencies(search, queries)
        print(
            f"{'':<12}({count} edited: applied in {took:.1f} ms, then p50 {p50:.2f} ms,"
            f" p95 {p95:.2f} ms)"
        )


def tantivy_engine(documents: list[SearchDocument], queries: list[str]) -> None:
    begun = time.perf_counter()
    peer = TantivyPeer(documents)
    built = time.perf_counter() - begun
    report("tantivy", built, peer.size(), lambda query: peer.search(query)[0], queries)
    peer.close()


def sql_engine(
    name: str, engine: Engine, documents: list[SearchDocument], queries: list[str]
) -> int:
    """Reports the database's engine; returns nothing to size it by but the caller."""
    with engine.begin() as connection:
        fts_search.create_tables(connection)
    begun = time.perf_counter()
    with engine.begin() as connection:
        fts_search.index_documents(connection, documents)
    built = time.perf_counter() - begun
    with engine.connect() as connection:

        def search(query: str) -> int:
            return fts_search.search(connection, SearchQuery(query)).total

        size = _database_size(connection)
        report(name, built, size, search, queries)
    return size


def _database_size(connection: object) -> int:
    assert hasattr(connection, "execute")
    if connection.dialect.name == "sqlite":  # type: ignore[attr-defined]
        pages = connection.execute(text("PRAGMA page_count")).scalar_one()
        page = connection.execute(text("PRAGMA page_size")).scalar_one()
        return int(pages * page)
    size = connection.execute(text("SELECT pg_database_size(current_database())"))
    return int(size.scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", default=os.environ.get("NEWSDESK_TEST_DATABASE_URL"))
    parser.add_argument("--skip-sql", action="store_true", help="only the in-memory engines")
    args = parser.parse_args()
    documents = generate(args.count)
    queries = distinct_queries(documents, args.queries)
    print(f"{len(documents):,} articles, {len(queries)} distinct queries")
    print(
        f"{'engine':<12}{'build s':>9}{'size MB':>9}{'worker MB':>10}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'all p50':>9}{'all p95':>9}{'matches':>10}"
    )
    memory_engine(documents, queries)
    tantivy_engine(documents, queries)
    if args.skip_sql:
        return
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/search.sqlite")
        sql_engine("SQLite FTS5", engine, documents, queries)
        engine.dispose()
    if args.postgres:
        with scratch_database(args.postgres, "newsdesk_bench") as url:
            engine = create_engine(url)
            sql_engine("PG GIN", engine, documents, queries)
            engine.dispose()


if __name__ == "__main__":
    main()
