"""The static search page in Chromium, over HTTP: on the built demo site, and on a
generated site whose few characters make every pair common, so that words longer
than a pair have many candidates that do not hold them."""

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from newsdesk.site.search_postings import shard_of

from .browser import serve_folder, watched_page
from .conftest import DEMO_SITE, copy_site, run_newsdesk, set_language
from .static_index import IndexedArticle, indexed_articles

pytestmark = pytest.mark.browser

ALPHABET = "数据模型推理缓存芯片"
HOSTILE_TITLE = "<img src=x onerror=\"document.title='pwned'\">恶意标题"
WEIGHTS = (8, 4, 2, 1)


@dataclass(frozen=True)
class Built:
    url: str
    out: Path


def build_and_serve(site: Path, out: Path) -> Iterator[Built]:
    result = run_newsdesk("build", str(site), "--out", str(out))
    assert result.returncode == 0, result.stderr
    # Served as a host following the policy would: scripts from the site only.
    with serve_folder(out, {"Content-Security-Policy": "script-src 'self'"}) as url:
        yield Built(url, out)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("demo")
    yield from build_and_serve(copy_site(DEMO_SITE, root / "site"), root / "out")


def random_text(rng: random.Random, length: int) -> str:
    words = ["".join(rng.choices(ALPHABET, k=rng.randint(3, 12))) for _ in range(length // 8)]
    return "".join(w + rng.choice(["", "", "，", " RuSt "]) for w in words)


def write_generated_site(site: Path, count: int) -> None:
    result = run_newsdesk("init", str(site))
    assert result.returncode == 0, result.stderr
    content = site / "content"
    for old in content.glob("*.md"):
        old.unlink()
    rng = random.Random(13)
    for n in range(count):
        title = HOSTILE_TITLE if n == 0 else random_text(rng, 16)
        front = {
            "title": title,
            "slug": f"a{n:03d}",
            "date": f"2024-{1 + n // 28:02d}-{1 + n % 28:02d} 08:00:00",
            "summary": random_text(rng, 24),
            "tags": ["".join(rng.choices(ALPHABET, k=2)) for _ in range(2)],
        }
        body = random_text(rng, 320) + "\n\n`<script>alert(1)</script>`\n"
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()]
        (content / f"a{n:03d}.md").write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("generated")
    write_generated_site(root / "site", 120)
    yield from build_and_serve(root / "site", root / "out")


def open_search(page: Page, url: str, query: str) -> None:
    page.goto(f"{url}/search/?q={quote(query)}")
    expect(page.locator("#search-results p.muted")).not_to_be_empty()


def shown_urls(page: Page) -> list[str]:
    hrefs = page.locator("#search-results .card-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return [str(href) for href in hrefs]


def every_result(page: Page, url: str, query: str) -> list[str]:
    """The URLs of every result, pressing "more" until there are none left."""
    open_search(page, url, query)
    more = page.locator("button.search-more")
    while more.is_visible():
        more.click()  # disables the button until the next page is shown
        expect(more).to_be_enabled()
    return shown_urls(page)


def brute_force(articles: list[IndexedArticle], query: str) -> list[str]:
    """The URLs of the articles holding every word, ranked as the search promises:
    the best field of each word (title, terms, summary, body), then the newest."""
    words = list(dict.fromkeys(query.lower().split()))
    scored = []
    for position, article in enumerate(articles):
        fields = [f.lower() for f in (article.title, article.terms, article.summary, article.body)]
        best = [next((n for n, f in enumerate(fields) if w in f), None) for w in words]
        if None not in best:
            scored.append((-sum(WEIGHTS[n] for n in best if n is not None), position, article.url))
    return [url for _, _, url in sorted(scored)]


def search_requests(page: Page) -> list[str]:
    """The paths under search/ the page fetched, after the index itself."""
    entries = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    return [urlsplit(name).path.split("/search/")[1] for name in entries if "/search/" in name]


def test_substring_queries_find_their_articles(browser: Browser, demo: Built) -> None:
    with watched_page(browser) as watched:
        open_search(watched.page, demo.url, "投机解码")
        titles = watched.page.locator("#search-results .card-title a").all_inner_texts()
        assert titles[0].startswith("大模型推理为什么越来越便宜")
        # two characters, inside a longer word of the title
        open_search(watched.page, demo.url, "信任")
        titles = watched.page.locator("#search-results .card-title a").all_inner_texts()
        assert any("零信任" in title for title in titles)
        open_search(watched.page, demo.url, "KV Cache")
        assert watched.page.locator("#search-results mark").count()
        assert watched.problems() == []


def test_words_only_in_a_body_find_the_article(browser: Browser, demo: Built) -> None:
    articles = indexed_articles(demo.out)
    outside = " ".join(f"{a.title} {a.terms} {a.summary}" for a in articles)
    article = articles[3]
    body = article.body.replace("\n", " ")
    word = next(
        body[i : i + 4]
        for i in range(len(body) - 4)
        if " " not in body[i : i + 4] and body[i : i + 4] not in outside
    )
    with watched_page(browser) as watched:
        found = every_result(watched.page, demo.url, word)
        assert article.url in found
        assert found == brute_force(articles, word)
        snippet = watched.page.locator(".search-hits li .card-summary").nth(
            found.index(article.url)
        )
        assert word in snippet.locator("mark").all_inner_texts()


def test_recall_and_order_equal_brute_force_for_random_substrings(
    browser: Browser, generated: Built
) -> None:
    articles = indexed_articles(generated.out)
    assert [a.date for a in articles] == sorted((a.date for a in articles), reverse=True)
    rng = random.Random(5)
    queries = ["rust", "RUST 数据"]
    for _ in range(8):
        body = rng.choice(articles).body
        start = rng.randrange(len(body) - 4)
        queries.append(body[start : start + rng.randint(2, 4)].strip() or "数据")
    with watched_page(browser) as watched:
        for query in queries:
            expected = brute_force(articles, query)
            assert every_result(watched.page, generated.url, query) == expected, query
        assert watched.problems() == []


def test_words_with_many_false_candidates_show_none_of_them(
    browser: Browser, generated: Built
) -> None:
    articles = indexed_articles(generated.out)
    # Every pair of this word is in nearly every article, the word itself in few.
    word = next(
        w
        for w in (
            "".join(p)
            for p in zip(ALPHABET, ALPHABET[1:], ALPHABET[2:], ALPHABET[3:], strict=False)
        )
        if 0 < len(brute_force(articles, w)) < 10
    )
    with watched_page(browser) as watched:
        open_search(watched.page, generated.url, word)
        shown = shown_urls(watched.page)
        assert shown == brute_force(articles, word)
        assert watched.page.locator("button.search-more").is_hidden()
        count = watched.page.locator("#search-results p.muted").inner_text()
        assert count == f"共找到 {len(shown)} 篇文章"


def test_a_query_fetches_only_the_shards_of_its_pairs(browser: Browser, demo: Built) -> None:
    index = json.loads((demo.out / "search" / "index.json").read_bytes())
    shards = index["shards"]
    assert len(shards) > 4
    with watched_page(browser) as watched:
        for query, keys in (
            ("的", ["的"]),
            ("信任", ["信任"]),
            ("投机解码", ["投机", "机解", "解码"]),
        ):
            open_search(watched.page, demo.url, query)
            fetched = search_requests(watched.page)
            assert len(fetched) == len(set(fetched))
            postings = {p for p in fetched if p.startswith("p/")}
            assert postings == {f"p/{shards[shard_of(k, len(shards))]}.bin" for k in keys}
            texts = [p for p in fetched if p.startswith("t/")]
            # Pairs are exact: only the texts of the results shown, for their snippets.
            assert len(texts) == len(shown_urls(watched.page)) <= 10
            blocks = [p for p in fetched if p.startswith("m/")]
            assert set(fetched) == {"index.json", *postings, *blocks, *texts}


def test_hostile_text_is_shown_as_text(browser: Browser, generated: Built) -> None:
    with watched_page(browser) as watched:
        page = watched.page
        open_search(page, generated.url, "onerror")
        assert page.locator("#search-results .card-title a").all_inner_texts() == [HOSTILE_TITLE]
        assert len(every_result(page, generated.url, "<script>alert(1)</script>")) == 120
        assert page.locator("#search-results img, #search-results script").count() == 0
        assert page.title() != "pwned" and watched.dialogs == []


def test_no_result_and_paging(browser: Browser, demo: Built) -> None:
    with watched_page(browser) as watched:
        page = watched.page
        open_search(page, demo.url, "完全不存在的词组")
        assert page.locator("#search-results p.muted").inner_text() == "没有找到相关文章。"
        assert page.locator("button.search-more").is_hidden()
        open_search(page, demo.url, "的")
        assert page.locator("#search-results p.muted").inner_text() == "共找到 28 篇文章"
        assert len(shown_urls(page)) == 10
        assert page.locator("button.search-more").inner_text() == "加载更多"
        found = every_result(page, demo.url, "的")
        assert len(found) == len(set(found)) == 28


def test_english_locale(browser: Browser, tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    set_language(site, "en")
    for built in build_and_serve(site, tmp_path / "out"):
        with watched_page(browser) as watched:
            page = watched.page
            open_search(page, built.url, "完全不存在的词组")
            assert page.locator("#search-results p.muted").inner_text() == "No matching articles."
            open_search(page, built.url, "的")
            assert page.locator("#search-results p.muted").inner_text() == "28 articles found"
            assert page.locator("button.search-more").inner_text() == "More results"
