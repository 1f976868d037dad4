"""Benchmark: indexing and querying the search store at 10,000 articles.

    python bench/search.py [--count 10000] [--runs 30] [--postgres URL]

Generates N articles of about 5 KB from the sentences of the demo site's articles
(each article draws on two of them, so that topics cluster as on a real site) and
the tech-news sentences of bench/segment.py, then on a fresh SQLite file, and on a
fresh database of the PostgreSQL server at URL when given (default
$NEWSDESK_TEST_DATABASE_URL), prints the time to index them all in one
transaction, and per query the number of matching articles and the median and 95th
percentile over R runs of a whole `search()` call (first page of 20) on an open
connection and the highlighting of its hits.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import AUTHORS, CATEGORIES, TAGS
from newsdesk.publish.search import highlighted
from newsdesk.store.database import open_store, scratch_database
from newsdesk.store.search import SearchDocument, SearchQuery, index_documents, search
from segment import GOLD, demo_texts

QUERIES = [
    "大模型",
    "芯片 出口",
    "GPT-5 多模态",
    "模型",
    "芯",
    "开源 许可证",
    "PostgreSQL",
    "Rust 迁移",
    "向量数据库 索引",
    "供应链攻击",
    "不存在的词",
    "芯片" * 50,
]
ARTICLE_BYTES = 5 * 1024
CHINA = timezone(timedelta(hours=8))


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


def measure(name: str, engine: Engine, documents: list[SearchDocument], runs: int) -> None:
    size = sum(len(d.body.encode()) + len(d.summary.encode()) for d in documents) / 1e6
    started = time.perf_counter()
    with engine.begin() as connection:
        index_documents(connection, documents)
    took = time.perf_counter() - started
    print(
        f"\n{name}: indexed {len(documents):,} articles ({size:.0f} MB) in {took:.1f} s,"
        f" {len(documents) / took:,.0f} articles/s"
    )
    print(f"{'query':<24}{'matches':>9}{'median ms':>11}{'p95 ms':>9}")
    with engine.connect() as connection:
        for query in QUERIES:
            highlighted(query, search(connection, SearchQuery(query)).hits)  # warm the caches
            times = []
            for _ in range(runs):
                begun = time.perf_counter()
                results = search(connection, SearchQuery(query))
                highlighted(query, results.hits)
                times.append((time.perf_counter() - begun) * 1000)
            times.sort()
            shown = query if len(query) <= 20 else query[:18] + "…"
            print(
                f"{shown:<24}{results.total:>9,}{statistics.median(times):>11.2f}"
                f"{times[int(len(times) * 0.95) - 1]:>9.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres", default=os.environ.get("NEWSDESK_TEST_DATABASE_URL"))
    args = parser.parse_args()
    documents = generate(args.count)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(f"sqlite:///{folder}/search.sqlite")
        measure("SQLite", engine, documents, args.runs)
        engine.dispose()
        print(f"file size: {Path(folder, 'search.sqlite').stat().st_size / 1e6:.0f} MB")
    if args.postgres:
        with scratch_database(args.postgres, "newsdesk_bench") as url:
            engine = open_store(url)
            measure("PostgreSQL", engine, documents, args.runs)
            with engine.connect() as connection:
                size = connection.execute(text("SELECT pg_database_size(current_database())"))
                print(f"database size: {size.scalar_one() / 1e6:.0f} MB")
            engine.dispose()


if __name__ == "__main__":
    main()
