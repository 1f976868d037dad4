"""Readers' paths through the demo site in Debian's Chromium: served by a real
`newsdesk serve` (on phone and desktop, light and dark, with and without scripts,
in `--dev` with live reload) and built by `newsdesk build`. Every page must load
without a console error, an uncaught exception, a failed request or a dialog."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, expect

from newsdesk.site.locale import Locale
from tests.browser import DESKTOP, PHONE, WatchedPage, screenshot, serve_folder, watched_page
from tests.conftest import (
    DEMO_SITE,
    Templates,
    copy_site,
    run_newsdesk,
    served_demo,
    served_site,
)
from tests.server import Server
from tests.static_index import indexed_articles

pytestmark = pytest.mark.browser

ZH = Locale("zh-CN")
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
# The live reload promise is "within a second"; a loaded machine gets more.
RELOAD_TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, templates: Templates) -> Iterator[Server]:
    yield from served_demo(templates, "sqlite", tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory, templates: Templates) -> Iterator[Server]:
    yield from served_demo(templates, "sqlite", tmp_path_factory.mktemp("dev"), "--dev")


def articles(server: Server) -> list[dict[str, Any]]:
    with server.client() as client:
        found: list[dict[str, Any]] = client.get("/api/v1/articles?limit=100").json()["items"]
    assert found, "the demo site lists no article"
    return found


def unique_word(title: str, others: list[str]) -> str:
    """Chinese characters from the title that no other title contains, longest first:
    a query whose first result can only be this article."""
    runs: list[str] = re.findall(r"[\u4e00-\u9fff]{2,}", title)
    for size in (4, 3, 2):
        for run in runs:
            for start in range(len(run) - size + 1):
                word = run[start : start + size]
                if not any(word in other for other in others):
                    return word
    raise AssertionError(f"no Chinese word is unique to {title!r}")


def read(page: Page) -> None:
    """Stay on the page until everything it loads (images, the favicon) has loaded:
    leaving sooner cuts those requests off, which is the reader's doing."""
    page.wait_for_load_state("networkidle")


def is_beacon(response: Response) -> bool:
    return response.request.method == "POST" and urlsplit(response.url).path.endswith("/views")


def open_article(page: Page, link: Locator) -> None:
    """Follow a link to an article and wait for its view beacon, which a reader
    leaving at once would otherwise cut off."""
    read(page)
    with page.expect_response(is_beacon) as beacon:
        link.click()
    assert beacon.value.ok, beacon.value.status


def luminance(colour: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def check_layout(page: Page, viewport: str, scheme: str) -> None:
    """The colour scheme the reader asked for, and nothing wider than a phone."""
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    text = page.evaluate("getComputedStyle(document.body).color")
    if scheme == "dark":
        assert luminance(background) < 0.2 < luminance(text), (background, text)
    else:
        assert luminance(background) > 0.8 > luminance(text), (background, text)
    if viewport == "phone":
        width, scroll = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
        assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px phone"


def no_problems(watched: WatchedPage) -> None:
    read(watched.page)
    assert watched.problems() == []


def heading(page: Page) -> str:
    return page.locator("h1").inner_text().strip()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_home_article_tag_search_and_back_to_the_article(
    server: Server, browser: Browser, viewport: str, scheme: str
) -> None:
    titles = [a["title"] for a in articles(server)]
    shot = f"flow-{viewport}-{scheme}"
    with watched_page(browser, VIEWPORTS[viewport], scheme) as watched:
        page = watched.page
        page.goto(server.url + "/")
        expect(page).to_have_title(re.compile(re.escape(page.locator(".brand").inner_text())))
        check_layout(page, viewport, scheme)
        screenshot(page, f"{shot}-home")

        link = page.locator("main .card-title a").first
        title = link.inner_text().strip()
        assert title in titles
        open_article(page, link)
        assert heading(page).startswith(title)
        article_url = page.url
        check_layout(page, viewport, scheme)
        screenshot(page, f"{shot}-article")

        tag = page.locator(".tag-list a").first
        name = tag.inner_text().strip().removeprefix("#")
        read(page)
        tag.click()
        expect(page.locator("h1")).to_have_text(ZH.text("tag_title", name=name))
        expect(page.locator("main .card-title a", has_text=title)).to_have_count(1)
        check_layout(page, viewport, scheme)
        screenshot(page, f"{shot}-tag")

        word = unique_word(title, [t for t in titles if t != title])
        page.locator("#site-search").press_sequentially(word)
        read(page)
        page.locator("#site-search").press("Enter")
        expect(page.locator("h1")).to_have_text(ZH.text("search"))
        expect(page.locator("#search-query")).to_have_value(word)
        hits = page.locator(".search-hits li a")
        expect(hits.first).to_have_text(title)
        expect(hits.first.locator("mark").first).to_have_text(word)
        check_layout(page, viewport, scheme)
        screenshot(page, f"{shot}-search")

        open_article(page, hits.first)
        assert heading(page).startswith(title)
        assert page.url == article_url
        no_problems(watched)


def test_a_visit_adds_one_view_on_the_page_and_in_the_api(
    dev_server: Server, browser: Browser
) -> None:
    # The last article: the live reload test edits the first.
    article = articles(dev_server)[-1]
    views_url = f"/api/v1/articles/{article['slug']}/views"
    with dev_server.client() as client:
        before = client.get(views_url).json()["views"]
    with watched_page(browser) as watched:
        page = watched.page
        with page.expect_response(is_beacon):
            page.goto(dev_server.url + article["path"])
        shown = page.locator(".views")
        expect(shown).to_have_attribute("data-views", str(before + 1))
        expect(shown).to_have_text(ZH.text("views", views=ZH.number(before + 1)))
        no_problems(watched)
    with dev_server.client() as client:
        assert client.get(views_url).json()["views"] == before + 1


def test_dev_mode_reloads_an_open_article_when_its_file_changes(
    dev_server: Server, browser: Browser
) -> None:
    article = articles(dev_server)[0]
    source = next(
        path
        for path in sorted((dev_server.site / "content").glob("*.md"))
        if article["title"] in path.read_text(encoding="utf-8")
    )
    text = source.read_text(encoding="utf-8")
    new_title = article["title"] + "（已更新）"
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(dev_server.url + article["path"])
        expect(page.locator("h1")).to_contain_text(article["title"])
        page.evaluate("window.notReloaded = true")
        # Everywhere: a body opening with the old title as its H1 would keep it.
        source.write_text(text.replace(article["title"], new_title), encoding="utf-8")
        expect(page.locator("h1")).to_contain_text(new_title, timeout=RELOAD_TIMEOUT_MS)
        assert page.evaluate("window.notReloaded") is None
        no_problems(watched)


def test_pages_work_without_scripts(server: Server, browser: Browser) -> None:
    titles = [a["title"] for a in articles(server)]
    with watched_page(browser, java_script=False) as watched:
        page = watched.page
        page.goto(server.url + "/")
        link = page.locator("main .card-title a").first
        title = link.inner_text().strip()
        read(page)
        link.click()
        assert heading(page).startswith(title)
        tag = page.locator(".tag-list a").first
        name = tag.inner_text().strip().removeprefix("#")
        read(page)
        tag.click()
        expect(page.locator("h1")).to_have_text(ZH.text("tag_title", name=name))

        word = unique_word(title, [t for t in titles if t != title])
        page.locator("#site-search").fill(word)
        read(page)
        page.locator("#site-search").press("Enter")
        expect(page.locator("h1")).to_have_text(ZH.text("search"))
        expect(page.locator(".search-hits li a").first).to_have_text(title)
        read(page)
        page.locator(".search-hits li a").first.click()
        assert heading(page).startswith(title)
        no_problems(watched)


def test_every_kind_of_page_keeps_to_its_content_security_policy(
    server: Server, browser: Browser
) -> None:
    """Chromium reports what the policy blocks (an inline style, script or handler) as
    a console error and a securitypolicyviolation event: a page of each kind has none,
    and its styles apply (the tag cloud sizes its tags by class, not inline style)."""
    article = articles(server)[0]["url"].removeprefix("http://127.0.0.1:8000")
    urls = ["/", article, "/tags/", "/categories/", "/archives/", "/search/?q=Rust"]
    with watched_page(browser) as watched:
        page = watched.page
        page.add_init_script(
            "window.violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        for url in urls:
            answer = page.goto(server.url + url)
            assert (
                answer is not None
                and "script-src 'self'" in answer.headers["content-security-policy"]
            )
            read(page)
            assert page.evaluate("window.violations") == [], url
        page.goto(server.url + "/tags/")
        sizes = page.eval_on_selector_all(
            ".cloud li", "items => items.map(i => parseFloat(getComputedStyle(i).fontSize))"
        )
        assert len(set(sizes)) > 1, sizes  # tags used more often are larger
        no_problems(watched)


def test_the_static_build_browses_and_searches(tmp_path: Path, browser: Browser) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    out = tmp_path / "public"
    result = run_newsdesk("build", str(site), "--out", str(out))
    assert result.returncode == 0, result.stderr
    with serve_folder(out) as url, watched_page(browser) as watched:
        page = watched.page
        page.goto(url + "/")
        cards = page.locator("main .card-title a")
        titles = [t.strip() for t in cards.all_inner_texts()]
        link = cards.first
        title = titles[0]
        read(page)
        link.click()
        assert heading(page).startswith(title)
        screenshot(page, "static-article")

        others = [a.title for a in indexed_articles(out) if a.title != title]
        word = unique_word(title, others)
        page.locator("#site-search").press_sequentially(word)
        read(page)
        page.locator("#site-search").press("Enter")
        hits = page.locator("#search-results .card-title a")
        expect(hits.first).to_have_text(title)
        screenshot(page, "static-search")
        read(page)
        hits.first.click()
        assert heading(page).startswith(title)
        no_problems(watched)


def test_a_static_page_counts_its_view_on_the_counting_server(
    tmp_path: Path, browser: Browser
) -> None:
    """A statically built page has no proof of a page view in it: it asks the server
    in `[views] api_url` for one (an origin that server lists in `api.cors_origins`),
    then sends its beacon, which counts."""
    out = tmp_path / "public"
    out.mkdir()
    with serve_folder(out) as static_url:
        counting = copy_site(DEMO_SITE, tmp_path / "counting")
        append_config(counting, f'[api]\ncors_origins = ["{static_url}"]\n')
        with contextmanager(served_site)(counting, "sqlite") as server:
            static = copy_site(DEMO_SITE, tmp_path / "static")
            append_config(static, f'[views]\napi_url = "{server.url}"\n')
            result = run_newsdesk("build", str(static), "--out", str(out))
            assert result.returncode == 0, result.stderr
            article = articles(server)[-1]
            views_url = f"/api/v1/articles/{article['slug']}/views"
            with server.client() as client:
                before = client.get(views_url).json()["views"]
            with watched_page(browser) as watched:
                page = watched.page
                with page.expect_response(is_beacon) as beacon:
                    page.goto(static_url + article["path"])
                assert beacon.value.json()["counted"] is True
                expect(page.locator(".views")).to_have_attribute("data-views", str(before + 1))
                no_problems(watched)
            with server.client() as client:
                assert client.get(views_url).json()["views"] == before + 1


def append_config(site: Path, text: str) -> None:
    config = site / "newsdesk.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
