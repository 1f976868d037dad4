"""Accessibility basics of every kind of page of the served demo site, read from
Chromium's DOM and accessibility tree: one H1, heading levels that never skip,
an alt on every image, a label on every form control, the page's language, and a
visible keyboard focus. The English locale is checked on one page."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import watched_page
from tests.conftest import (
    DEMO_SITE,
    Templates,
    copy_site,
    served_demo,
    served_site,
    set_language,
)
from tests.server import Server

pytestmark = pytest.mark.browser

KINDS = (
    "home",
    "page-2",
    "article",
    "category",
    "tag",
    "author",
    "month",
    "tags-cloud",
    "search",
    "not-found",
)
CONTROLS = "input:not([type=hidden]), select, textarea, button"
# Far more than any page's links before its main content.
MAX_TABS = 80


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, templates: Templates) -> Iterator[Server]:
    yield from served_demo(templates, "sqlite", tmp_path_factory.mktemp("a11y"))


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    site = copy_site(DEMO_SITE, tmp_path_factory.mktemp("a11y-en") / "site")
    set_language(site, "en")
    yield from served_site(site, "sqlite")


def first_href(page: Page, url: str, selector: str) -> str | None:
    page.goto(url)
    link = page.locator(selector).first
    return link.get_attribute("href") if link.count() else None


@pytest.fixture(scope="module")
def paths(server: Server, browser: Browser) -> dict[str, str]:
    """A page of each kind, found by following the site's own links."""
    found: dict[str, str | None] = {"home": "/", "tags-cloud": "/tags/"}
    with watched_page(browser) as watched:
        page = watched.page
        found["page-2"] = first_href(page, server.url + "/", ".pager a[rel=next]")
        found["article"] = first_href(page, server.url + "/", "main .card-title a")
        title = page.locator("main .card-title a").first.inner_text()
        found["category"] = first_href(page, server.url + "/categories/", "main .terms a")
        found["tag"] = first_href(page, server.url + "/tags/", "main .terms a")
        found["author"] = first_href(page, server.url + "/authors/", "main .terms a")
        found["month"] = first_href(page, server.url + "/archives/", "main .terms a")
    word = re.findall(r"[\u4e00-\u9fff]{2}", title)[0]
    found["search"] = f"/search/?q={word}"
    found["not-found"] = "/no-such-page/"
    missing = [kind for kind in KINDS if not found[kind]]
    assert not missing, f"no link to a page of kind {missing}"
    return {kind: path for kind, path in found.items() if path}


def control_names(page: Page) -> list[tuple[str, str, str]]:
    """Each rendered form control: its markup, and the name Chromium gives it with
    where that name comes from."""
    session = page.context.new_cdp_session(page)
    try:
        root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        ids = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": CONTROLS})
        named = []
        for node_id in ids["nodeIds"]:
            html = session.send("DOM.getOuterHTML", {"nodeId": node_id})["outerHTML"]
            tree = session.send(
                "Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False}
            )
            node: dict[str, Any] = tree["nodes"][0]
            if node.get("ignored"):
                continue
            name = node.get("name", {})
            winner: dict[str, Any] = next(
                (s for s in name.get("sources", []) if "value" in s and not s.get("superseded")),
                {},
            )
            named.append((html[:120], name.get("value", ""), winner.get("type", "")))
        return named
    finally:
        session.detach()


FOCUS = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    what: element.outerHTML.slice(0, 120),
    link: element.tagName === "A" && element.closest("main") !== null,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def assert_accessible(page: Page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language

    levels: list[int] = page.evaluate(
        "[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => +h.tagName[1])"
    )
    assert levels.count(1) == 1, f"{page.url}: headings {levels}"
    for previous, level in zip([0, *levels], levels, strict=False):
        assert level <= previous + 1, f"{page.url}: h{previous} then h{level} in {levels}"

    unlabelled = page.evaluate(
        "[...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.outerHTML)"
    )
    assert unlabelled == [], page.url

    controls = control_names(page)
    assert controls, f"{page.url} has no search form"
    for html, name, source in controls:
        assert name.strip() and source != "placeholder", f"{page.url}: {html} has no label"

    # Tab from the top until a link of the page's own content has the focus: every
    # element on the way shows that it has it.
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["outline"] or focus["shadow"], f"{page.url}: no focus ring on {focus}"
        if focus["link"]:
            return
    raise AssertionError(f"{page.url}: no link in <main> after {MAX_TABS} tabs")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_page(
    server: Server, browser: Browser, paths: dict[str, str], kind: str
) -> None:
    with watched_page(browser) as watched:
        response = watched.page.goto(server.url + paths[kind])
        assert response is not None
        assert response.status == (404 if kind == "not-found" else 200)
        if kind == "search":
            assert watched.page.locator(".search-hits li").count() > 0
        assert_accessible(watched.page, "zh-CN")


def test_an_english_article_page(english: Server, browser: Browser) -> None:
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(english.url + "/")
        page.locator("main .card-title a").first.click()
        assert page.locator(".post-body").count() == 1
        assert_accessible(page, "en")
