"""The static search page in Chromium, over HTTP, on the built demo site."""

from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from .browser import rendered_dom, serve_folder
from .conftest import DEMO_SITE, copy_site, run_newsdesk

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> str:  # type: ignore[misc]
    root = tmp_path_factory.mktemp("search")
    site = copy_site(DEMO_SITE, root / "site")
    result = run_newsdesk("build", str(site), "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    with serve_folder(root / "out") as url:
        yield url


def search(site_url: str, query: str) -> BeautifulSoup:
    return BeautifulSoup(rendered_dom(f"{site_url}/search/?q={quote(query)}"), "html.parser")


def titles(page: BeautifulSoup) -> list[str]:
    return [a.get_text() for a in page.select("#search-results .card-title a")]


def test_chinese_substring_queries_find_their_articles(site_url: str) -> None:
    found = titles(search(site_url, "投机解码"))
    assert found[0].startswith("大模型推理为什么越来越便宜")
    # two characters, inside a longer word of the title
    assert any("零信任" in title for title in titles(search(site_url, "信任")))


def test_mixed_and_english_queries(site_url: str) -> None:
    found = titles(search(site_url, "Rust 工具"))
    assert found and all("Rust" in t or "工具" in t for t in found[:1])
    page = search(site_url, "KV Cache")
    assert page.select("#search-results mark")


def test_no_result_and_hostile_query(site_url: str) -> None:
    page = search(site_url, "完全不存在的词组")
    assert page.select_one("#search-results p").get_text() == "没有找到相关文章。"
    page = search(site_url, '<img src=x onerror="document.title=1">')
    assert page.select("#search-results img") == []
    assert page.find("title").get_text() != "1"


def test_search_index_lists_every_public_article(site_url: str) -> None:
    page = search(site_url, "的")
    assert len(titles(page)) == 28
