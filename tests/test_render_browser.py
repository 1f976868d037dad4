"""The portable forms on a built page, in Chromium under the site's own policy:
diagrams drawn by the bundled mermaid with no request to another host, callouts and
collapsible blocks visible, formulas laid out with a size."""

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Route

from newsdesk.site.security import security_headers

from .browser import screenshot, serve_folder, watched_page
from .conftest import run_newsdesk

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "portable" / "portable-forms.md"
ARTICLE = "/posts/portable-forms/"
# The hosts of the image and the player the article itself embeds: no other is asked.
ARTICLE_HOSTS = {"img.example.com", "www.youtube-nocookie.com"}
# Violations the policy reports, recorded before any script of the page runs.
RECORD_VIOLATIONS = (
    "window.violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("portable")
    (site / "content").mkdir()
    shutil.copy(FIXTURE, site / "content")
    (site / "newsdesk.toml").write_text(
        '[site]\ntitle = "可移植写法"\nbase_url = "http://127.0.0.1:8000"\n', encoding="utf-8"
    )
    out = site / "out"
    result = run_newsdesk("build", str(site), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagrams_are_drawn_from_the_site_itself(
    built: Path, browser: Browser, scheme: str
) -> None:
    requested: list[str] = []
    with (
        serve_folder(built, dict(security_headers())) as url,
        watched_page(browser, color_scheme=scheme) as watched,
    ):
        page = watched.page
        page.on("request", lambda request: requested.append(request.url))
        page.route(_remote, _empty)
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(url + ARTICLE)
        page.wait_for_selector(".diagram svg", timeout=20000)
        page.wait_for_function("document.querySelectorAll('.diagram svg').length === 3")
        # Each drawn diagram hides its source; every source became a diagram.
        assert page.locator(".highlight[data-lang='mermaid']").is_hidden()
        assert page.locator(".highlight[data-lang='bash']").is_visible()
        for box in page.eval_on_selector_all(
            ".diagram svg", "svgs => svgs.map(s => s.getBoundingClientRect().height)"
        ):
            assert box > 20
        texts = page.eval_on_selector_all(".diagram svg", "svgs => svgs.map(s => s.textContent)")
        assert any("检查" in text for text in texts), texts
        assert any("提交稿件" in text for text in texts), texts
        assert any("通过审核?" in text for text in texts), texts
        screenshot(page, f"portable-forms-{scheme}")
        assert page.evaluate("window.violations") == []
        assert watched.problems() == []
    hosts = {urlsplit(r).hostname for r in requested if not r.startswith(url)}
    assert hosts == ARTICLE_HOSTS


def _remote(url: str) -> bool:
    return url.startswith("https://")


def _empty(route: Route) -> None:
    """The article's own remote image and player, answered here: the test runs offline."""
    route.fulfill(status=200, body="")


def test_callouts_details_and_formulas_are_visible(built: Path, browser: Browser) -> None:
    with serve_folder(built) as url, watched_page(browser, java_script=False) as watched:
        page = watched.page
        page.route(_remote, _empty)
        page.goto(url + ARTICLE)
        tip = page.get_by_role("note", name="部署前先备份")
        assert tip.is_visible()
        border = tip.evaluate("e => getComputedStyle(e).borderLeftColor")
        assert border == "rgb(26, 116, 49)"
        assert page.locator("details summary").is_visible()
        assert page.get_by_text("日志的第一行。").is_hidden()
        page.locator("details summary").click()
        assert page.get_by_text("日志的第一行。").is_visible()
        for formula in page.locator("math").all():
            box = formula.bounding_box()
            assert box is not None and box["width"] > 10 and box["height"] > 10
        # Without script a diagram's source stays readable as code.
        assert page.locator(".highlight[data-lang='mermaid'] code").is_visible()
        assert page.locator(".diagram").count() == 0


# The colours of a callout's title and text and of its background, as sRGB 0–1
# (a computed `color-mix()` reads `color(srgb r g b)`, other colours `rgb(R, G, B)`).
CALLOUT_COLOURS = r"""
() => [...document.querySelectorAll(".callout")].map((callout) => {
  const channels = (value) => {
    const numbers = value.match(/[\d.]+/g).slice(0, 3).map(Number);
    return value.startsWith("color(") ? numbers : numbers.map((n) => n / 255);
  };
  const title = callout.querySelector(".callout-title");
  const body = callout.querySelector("p:not(.callout-title)") || title;
  return {
    kind: callout.className,
    background: channels(getComputedStyle(callout).backgroundColor),
    title: channels(getComputedStyle(title).color),
    text: channels(getComputedStyle(body).color),
  };
})
"""


def _luminance(rgb: list[float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: list[float], other: list[float]) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_callouts_keep_a_readable_contrast(built: Path, browser: Browser, scheme: str) -> None:
    with serve_folder(built) as url, watched_page(browser, color_scheme=scheme) as watched:
        page = watched.page
        page.route(_remote, _empty)
        page.goto(url + ARTICLE)
        callouts = page.evaluate(CALLOUT_COLOURS)
        assert len(callouts) == 3
        backgrounds = {tuple(c["background"]) for c in callouts}
        assert len(backgrounds) == 3  # each kind has its own tint
        for callout in callouts:
            assert _contrast(callout["title"], callout["background"]) >= 4.5, callout
            assert _contrast(callout["text"], callout["background"]) >= 4.5, callout
