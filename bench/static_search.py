"""Static search: newsdesk's sharded index beside Pagefind's extended build (the one
that segments Chinese) on the same built site, in Chromium.

Both answer the same random 2–4 character substrings of article bodies. For each
query, in a fresh browser context (nothing cached, as a reader's first query):
the bytes fetched for the first page of ten results (as served, and gzipped as a
server would send them) and the time until that page is there. Then every result
of the query, for recall and precision against brute-force containment over each
article's title, terms, summary and body.

    .venv/bin/python bench/static_search.py --count 10000
    .venv/bin/python bench/static_search.py --count 500 --queries 10   # quick
    .venv/bin/python bench/static_search.py --built /tmp/…/out   # a site kept by --keep
"""

import argparse
import gzip
import json
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from urllib.parse import quote, urlsplit

from playwright.sync_api import Browser, Page, Response, sync_playwright

from corpus import write_corpus
from measure import BenchFailed, in_scratch_folder
from newsdesk.site.search_index import SearchDoc, search_files

CHROMIUM = "/usr/bin/chromium"
CONFIG = '[site]\ntitle = "基准"\nbase_url = "http://127.0.0.1:8000"\n'
FIRST_PAGE = 10
# Pagefind indexes each article page's article, without the links to other articles.
PAGEFIND_ARGS = [
    "--glob", "posts/**/index.html",
    "--root-selector", "article.post",
    "--exclude-selectors", "nav, .related, .toc, .views",
    "--force-language", "zh",
    "--quiet",
]  # fmt: skip
HARNESS = "bench-pagefind.html"
# Pagefind's first page: the search, then the data of its first results.
PAGEFIND_FIRST = """async ([query, count]) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const found = await pagefind.search(query);
  const shown = await Promise.all(found.results.slice(0, count).map(r => r.data()));
  return [found.results.length, shown.map(d => d.url)];
}"""
PAGEFIND_ALL = """async (query) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const found = await pagefind.search(query);
  return (await Promise.all(found.results.map(r => r.data()))).map(d => d.url);
}"""


@dataclass
class Engine:
    """One engine's figures over the queries."""

    name: str
    raw: list[int] = field(default_factory=list)
    gzipped: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)

    def add(self, fetched: list[bytes], seconds: float, found: set[str], truth: set[str]) -> None:
        self.raw.append(sum(map(len, fetched)))
        self.gzipped.append(sum(len(gzip.compress(body, 6)) for body in fetched))
        self.seconds.append(seconds)
        hits = len(found & truth)
        self.recall.append(hits / len(truth) if truth else 1.0)
        self.precision.append(hits / len(found) if found else 1.0)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchFailed(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - start


def indexed(out: Path) -> list[SearchDoc]:
    """The articles as newsdesk's index holds them, from its files."""
    folder = out / "search"
    index = json.loads((folder / "index.json").read_bytes())
    docs = []
    for block in index["blocks"]:
        for url, date, text in json.loads((folder / "m" / f"{block}.json").read_bytes()):
            fields = json.loads((folder / "t" / f"{text}.json").read_bytes())
            docs.append(SearchDoc(url, date, *fields))
    return docs


def index_seconds(docs: list[SearchDoc]) -> float:
    """The time to make the search index's files from its documents."""
    start = time.perf_counter()
    search_files(docs)
    return time.perf_counter() - start


def queries(docs: list[SearchDoc], count: int, seed: int) -> list[str]:
    """Random runs of 2–4 Chinese characters from the articles' bodies."""
    rng = random.Random(seed)
    drawn: list[str] = []
    while len(drawn) < count:
        runs = re.findall(r"[\u4e00-\u9fff]{4,}", rng.choice(docs).body)
        run = rng.choice(runs)
        size = rng.randint(2, 4)
        start = rng.randrange(len(run) - size + 1)
        drawn.append(run[start : start + size])
    return drawn


def containing(docs: list[SearchDoc], query: str) -> set[str]:
    return {d.url for d in docs if any(query in f.lower() for f in d.fields)}


def bodies(responses: list[Response], wanted: Callable[[str], bool]) -> list[bytes]:
    return [r.body() for r in responses if r.ok and wanted(urlsplit(r.url).path)]


def newsdesk_query(browser: Browser, url: str, query: str, engine: Engine, truth: set[str]) -> None:
    with fresh_page(browser) as (page, responses):
        page.goto(f"{url}/{HARNESS}")
        responses.clear()
        start = time.perf_counter()
        page.goto(f"{url}/search/?q={quote(query)}")
        page.locator("#search-results p.muted").filter(has_text=re.compile(".")).wait_for()
        seconds = time.perf_counter() - start
        fetched = bodies(responses, lambda p: p.startswith("/search/") and p != "/search/")
        fetched += bodies(responses, lambda p: "/search." in p)  # the script itself
    with fresh_page(browser) as (page, _):
        page.goto(f"{url}/search/?q={quote(query)}&n=100000")
        page.locator("#search-results p.muted").filter(has_text=re.compile(".")).wait_for()
        links = page.locator("#search-results .card-title a")
        found = {str(h) for h in links.evaluate_all("a => a.map(x => x.getAttribute('href'))")}
    engine.add(fetched, seconds, found, truth)


def pagefind_query(browser: Browser, url: str, query: str, engine: Engine, truth: set[str]) -> None:
    with fresh_page(browser) as (page, responses):
        page.goto(f"{url}/{HARNESS}")
        responses.clear()
        start = time.perf_counter()
        page.evaluate(PAGEFIND_FIRST, [query, FIRST_PAGE])
        seconds = time.perf_counter() - start
        fetched = bodies(responses, lambda p: p.startswith("/pagefind/"))
    with fresh_page(browser) as (page, _):
        page.goto(f"{url}/{HARNESS}")
        found = set(page.evaluate(PAGEFIND_ALL, query))
    engine.add(fetched, seconds, found, truth)


@contextmanager
def fresh_page(browser: Browser) -> Iterator[tuple[Page, list[Response]]]:
    context = browser.new_context()
    page = context.new_page()
    # Listing every result of a common pair means thousands of fetches.
    page.set_default_timeout(900_000)
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    try:
        yield page, responses
    finally:
        context.close()


def report(engines: list[Engine], sizes: dict[str, int]) -> None:
    def median(values: list[float]) -> float:
        return statistics.median(values) if values else 0.0

    print(f"{'':28}" + "".join(f"{e.name:>18}" for e in engines))
    rows: list[tuple[str, Callable[[Engine], str]]] = [
        ("index on disk (MB)", lambda e: f"{sizes[e.name] / 1e6:.1f}"),
        ("recall, mean", lambda e: f"{statistics.fmean(e.recall):.1%}"),
        ("recall, worst query", lambda e: f"{min(e.recall):.1%}"),
        ("precision, mean", lambda e: f"{statistics.fmean(e.precision):.1%}"),
        ("first page KB, median", lambda e: f"{median(e.raw) / 1024:.0f}"),
        ("first page KB gzip, median", lambda e: f"{median(e.gzipped) / 1024:.0f}"),
        ("first page KB gzip, max", lambda e: f"{max(e.gzipped) / 1024:.0f}"),
        ("first page ms, median", lambda e: f"{median(e.seconds) * 1000:.0f}"),
    ]
    for label, cell in rows:
        print(f"{label:28}" + "".join(f"{cell(e):>18}" for e in engines))


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench(root: Path, count: int, query_count: int, seed: int) -> None:
    """Builds the site and both indexes, timed, then measures the queries."""
    site = root / "site"
    write_corpus(site, count)
    (site / "newsdesk.toml").write_text(CONFIG, encoding="utf-8")
    out = root / "out"
    newsdesk = [sys.executable, "-m", "newsdesk", "build", str(site), "--out", str(out)]
    build = timed(newsdesk)
    pagefind = timed([sys.executable, "-m", "pagefind", "--site", str(out), *PAGEFIND_ARGS])
    (out / HARNESS).write_text("<!doctype html><title>bench</title>", encoding="utf-8")
    index = index_seconds(indexed(out))
    edited = next(site.glob("content/*.md"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n补充一段新的正文。\n", "utf-8")
    rebuild = timed(newsdesk)
    print(f"{count} articles: cold newsdesk build {build:.1f} s, of which making the search "
          f"index {index:.1f} s; Pagefind's index of the built pages {pagefind:.1f} s; "
          f"rebuild after one body edit {rebuild:.1f} s")  # fmt: skip
    measure_queries(out, query_count, seed)


def measure_queries(out: Path, query_count: int, seed: int) -> None:
    """Both engines' answers to random queries on a site built by `bench`."""
    docs = indexed(out)
    drawn = queries(docs, query_count, seed)
    ours, theirs = Engine("newsdesk"), Engine("pagefind-extended")
    with serve(out) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for query in drawn:
            truth = containing(docs, query)
            newsdesk_query(browser, url, query, ours, truth)
            pagefind_query(browser, url, query, theirs, truth)
            print(f"  {query}: {len(truth)} articles contain it; newsdesk against Pagefind: "
                  f"recall {ours.recall[-1]:.0%} / {theirs.recall[-1]:.0%}, precision "
                  f"{ours.precision[-1]:.0%} / {theirs.precision[-1]:.0%}, first page "
                  f"{ours.gzipped[-1] / 1024:.0f} / {theirs.gzipped[-1] / 1024:.0f} KB gzip, "
                  f"{ours.seconds[-1] * 1000:.0f} / {theirs.seconds[-1] * 1000:.0f} ms",
                  flush=True)  # fmt: skip
        browser.close()
    sizes = {ours.name: folder_bytes(out / "search"), theirs.name: folder_bytes(out / "pagefind")}
    print(f"{len(drawn)} queries, e.g. {' '.join(drawn[:8])}")
    report([ours, theirs], sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the built site")
    parser.add_argument("--built", type=Path, help="only the queries, on a site kept before")
    args = parser.parse_args()
    if args.built:
        measure_queries(args.built, args.queries, args.seed)
        return
    in_scratch_folder(
        "newsdesk-static-search-",
        args.keep,
        "the built site",
        lambda root: bench(root, args.count, args.queries, args.seed),
    )


if __name__ == "__main__":
    main()
