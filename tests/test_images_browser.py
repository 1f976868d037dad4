"""The image pipeline as a reader sees it, in Chromium: pictures beside articles keep
their place while they load (no layout shift), are shown as WebP variants of a fitting
width and the right way up, and article lists show a cropped cover thumbnail that
leaves the cards readable, on a desktop and on a phone."""

import io
import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, Route

from newsdesk.export.export import build_site
from newsdesk.site.config import load_config

from .browser import DESKTOP, PHONE, WatchedPage, screenshot, serve_folder, watched_page
from .test_local_files import write

pytestmark = pytest.mark.browser

NOW = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
# The article with the most pictures (JPEG photos, a PNG, a camera-rotated JPEG), and
# one written as `post.md` with its PNG screenshots in the same folder.
HARBOUR = "/posts/harbour/"
RELEASE = "/posts/release/"
# How long each image waits before it is answered: the text is laid out by then.
IMAGE_DELAY = 0.3
# The stored size of the camera photo whose EXIF orientation (6) turns it upright.
ROTATED_STORED = (1200, 800)

# Layout shifts as Chromium reports them, recorded from before the page's first byte.
RECORD_SHIFTS = """
window.shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.shifts.push({ value: entry.value, input: entry.hadRecentInput });
  }
}).observe({ type: "layout-shift", buffered: true });
"""

# Every <img> of the page: where it is, what was loaded and which widths were offered.
IMAGES = """
(selector) => [...document.querySelectorAll(selector)].map((img) => {
  const box = img.getBoundingClientRect();
  const source = img.closest("picture")?.querySelector("source");
  const offered = (source ? source.srcset : "").split(",").filter((s) => s.trim()).map((s) => {
    const [url, width] = s.trim().split(/\\s+/);
    return { url: new URL(url, location.href).href, width: parseInt(width, 10) };
  });
  return {
    src: img.getAttribute("src"),
    cover: img.closest(".post-cover") !== null,
    currentSrc: img.currentSrc,
    complete: img.complete,
    naturalWidth: img.naturalWidth,
    naturalHeight: img.naturalHeight,
    left: box.left,
    right: box.right,
    width: box.width,
    height: box.height,
    offered: offered,
  };
})
"""

# The colour at the top and at the bottom of the middle column of a loaded image, as
# drawn from the file the page chose (a canvas draws it the way it is shown).
TOP_AND_BOTTOM = """
(img) => {
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const x = Math.floor(img.naturalWidth / 2);
  const top = context.getImageData(x, 5, 1, 1).data;
  const bottom = context.getImageData(x, img.naturalHeight - 5, 1, 1).data;
  return [[top[0], top[1], top[2]], [bottom[0], bottom[1], bottom[2]]];
}
"""

# Each card of the front page's latest articles, with the boxes of its parts.
CARDS = """
() => {
  const box = (element) => {
    const b = element.getBoundingClientRect();
    return { left: b.left, top: b.top, right: b.right, bottom: b.bottom,
             width: b.width, height: b.height };
  };
  return [...document.querySelectorAll(".latest .card")].map((card) => {
    const img = card.querySelector("img");
    const title = card.querySelector(".card-title");
    const link = title.querySelector("a");
    return {
      href: link.getAttribute("href"),
      card: box(card),
      title: box(title),
      titleLines: [...link.getClientRects()].map((r) => ({
        left: r.left, top: r.top, right: r.right, bottom: r.bottom })),
      summary: box(card.querySelector(".card-summary")),
      img: img && {
        className: img.className,
        currentSrc: img.currentSrc,
        naturalWidth: img.naturalWidth,
        naturalHeight: img.naturalHeight,
        box: box(img),
      },
    };
  });
}
"""

TEXT = (
    "港口的清晨总是从雾里开始，吊车的影子在水面上慢慢变得清楚。"
    "码头工人三三两两地走过栈桥，手里提着早饭和保温杯，谈论着今天要卸的货。"
    "远处的灯塔还亮着，像是不愿意承认天已经亮了。"
    "这篇文章记录了我们在这里度过的一周，以及沿途拍下的照片和一些零散的想法。"
)


def _paragraphs(count: int) -> str:
    return "\n\n".join(f"{TEXT}（第 {n} 段）{TEXT}" for n in range(1, count + 1))


# Pictures --------------------------------------------------------------------


def _photo(
    size: tuple[int, int], sky: tuple[int, int, int], ground: tuple[int, int, int]
) -> Image.Image:
    """A photo-like picture: a sky fading into the ground, a sun, hills, grain."""
    width, height = size
    fade = Image.linear_gradient("L").resize(size)
    picture = Image.composite(Image.new("RGB", size, ground), Image.new("RGB", size, sky), fade)
    draw = ImageDraw.Draw(picture)
    draw.ellipse(
        (width * 0.7, height * 0.08, width * 0.85, height * 0.08 + width * 0.15),
        fill=(250, 220, 90),
    )
    for n in range(4):
        top = int(height * (0.55 + n * 0.08))
        draw.polygon(
            [(0, height), (width * n / 4, top), (width * (n + 2) / 4, height)],
            fill=(ground[0] // (n + 2), ground[1] // (n + 1), ground[2] // (n + 2)),
        )
    grain = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(picture, grain, 0.12)


def _screen(size: tuple[int, int]) -> Image.Image:
    """A screenshot-like picture: a window with a title bar, a sidebar and lines of text."""
    width, height = size
    picture = Image.new("RGB", size, (246, 247, 249))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, width, 36), fill=(40, 44, 52))
    for n, colour in enumerate([(255, 95, 86), (255, 189, 46), (39, 201, 63)]):
        draw.ellipse((12 + n * 22, 11, 26 + n * 22, 25), fill=colour)
    draw.rectangle((0, 36, width // 5, height), fill=(225, 229, 235))
    for row in range(60, height - 20, 28):
        length = width // 5 + 20 + (row * 37) % (width * 3 // 5)
        draw.rectangle((width // 5 + 20, row, length, row + 10), fill=(120, 126, 138))
    draw.rectangle((width - 160, height - 60, width - 30, height - 24), fill=(26, 116, 200))
    return picture


def _jpeg(picture: Image.Image, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    if orientation is None:
        picture.save(out, "JPEG", quality=88)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        picture.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _rotated_photo() -> bytes:
    """A portrait photo (blue sky on top, green ground below) stored lying on its side,
    as a camera held upright writes it: 1200x800 pixels and EXIF orientation 6 (turn
    90° clockwise to show)."""
    upright = Image.new("RGB", (ROTATED_STORED[1], ROTATED_STORED[0]), (40, 150, 60))
    ImageDraw.Draw(upright).rectangle(
        (0, 0, ROTATED_STORED[1], ROTATED_STORED[0] // 2), fill=(60, 130, 230)
    )
    stored = upright.rotate(90, expand=True)  # counter-clockwise: clockwise shows it upright
    assert stored.size == ROTATED_STORED
    return _jpeg(stored, orientation=6)


def _article(title: str, date: str, body: str, cover: str | None = None) -> str:
    cover_line = f"cover: {cover}\n" if cover else ""
    summary = f"{title}：一篇带图片的测试文章，卡片上应当显示它的摘要。"
    return f"---\ntitle: {title}\ndate: {date}\nsummary: {summary}\n{cover_line}---\n\n{body}\n"


def _write_site(root: Path) -> None:
    harbour = "\n\n".join(
        [
            _paragraphs(2),
            "![港口全景](street.jpg)",
            _paragraphs(3),
            "![灯塔](tower.jpg)",
            _paragraphs(3),
            "![竖着拍的照片](rotated.jpg)",
            _paragraphs(3),
            "![小图](small.jpg)",
            _paragraphs(2),
            "![后台截图](console.png)",
            _paragraphs(3),
        ]
    )
    release = "\n\n".join(
        [
            _paragraphs(2),
            "![仪表盘](release-dashboard.png)",
            _paragraphs(3),
            "![对话框](release-dialog.png)",
            _paragraphs(4),
        ]
    )
    files: dict[str, str | bytes] = {
        "newsdesk.toml": '[site]\ntitle = "图片测试"\nbase_url = "http://127.0.0.1:8000"\n',
        # A page bundle: the article and its pictures in one folder.
        "content/harbour/index.md": _article("港口一周", "2024-05-04", harbour, "cover.jpg"),
        "content/harbour/cover.jpg": _jpeg(_photo((1800, 1000), (120, 170, 220), (60, 90, 70))),
        "content/harbour/street.jpg": _jpeg(_photo((1800, 1000), (200, 150, 110), (70, 60, 80))),
        "content/harbour/tower.jpg": _jpeg(_photo((900, 1200), (90, 120, 200), (40, 70, 50))),
        "content/harbour/rotated.jpg": _rotated_photo(),
        "content/harbour/small.jpg": _jpeg(_photo((640, 360), (230, 200, 160), (90, 70, 40))),
        "content/harbour/console.png": _png(_screen((1400, 900))),
        # `post.md` with its screenshots beside it, in the same folder.
        "content/notes/release.md": _article(
            "新版本发布说明", "2024-05-03", release, "release-dashboard.png"
        ),
        "content/notes/release-dashboard.png": _png(_screen((1600, 900))),
        "content/notes/release-dialog.png": _png(_screen((640, 360))),
        # A portrait cover, cropped to the card's landscape thumbnail.
        "content/travel/index.md": _article("山里的旅行", "2024-05-02", _paragraphs(4), "peak.jpg"),
        "content/travel/peak.jpg": _jpeg(_photo((900, 1200), (150, 190, 240), (50, 80, 40))),
        # No cover: its card has no thumbnail.
        "content/plain.md": _article("没有图片的文章", "2024-05-01", _paragraphs(5)),
    }
    write(root, files)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("images-site")
    _write_site(site)
    out = tmp_path_factory.mktemp("images-out")
    report = build_site(site, load_config(site / "newsdesk.toml"), out, now=NOW)
    problems = [d for o in report.outcomes for d in o.diagnostics if d.severity != "info"]
    assert problems == []
    assert report.articles == 4
    return out


@pytest.fixture(scope="module")
def site_url(built: Path) -> Iterator[str]:
    with serve_folder(built) as url:
        yield url


# Helpers ---------------------------------------------------------------------


def _delay_images(page: Page) -> None:
    """Every published file is answered only after IMAGE_DELAY, so that pictures arrive
    after the text around them has been laid out and painted."""

    def late(route: Route) -> None:
        response = route.fetch()
        time.sleep(IMAGE_DELAY)
        route.fulfill(response=response)

    page.route(re.compile(r"/files/"), late)


def _scroll_through(page: Page) -> None:
    """Scrolls down a screen at a time to the bottom, so that lazy pictures load, then
    waits until every picture on the page has loaded."""
    for _ in range(100):
        at_bottom = page.evaluate(
            "() => { window.scrollBy(0, innerHeight * 0.8);"
            " return innerHeight + scrollY >= document.documentElement.scrollHeight - 2; }"
        )
        page.wait_for_timeout(80)
        if at_bottom:
            break
    else:
        pytest.fail("the page never scrolled to its bottom")
    page.wait_for_function("[...document.images].every((img) => img.complete)", timeout=30000)


def _layout_shift(page: Page) -> float:
    """The sum of the layout shifts not caused by input, once the last pictures drew."""
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    page.wait_for_timeout(300)
    shifts: list[dict[str, Any]] = page.evaluate("window.shifts")
    return float(sum(s["value"] for s in shifts if not s["input"]))


def _measure(page: Page, url: str) -> float:
    _delay_images(page)
    page.add_init_script(RECORD_SHIFTS)
    page.goto(url)
    page.wait_for_timeout(200)
    _scroll_through(page)
    return _layout_shift(page)


def _images(page: Page, selector: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(IMAGES, selector)
    return found


def _assert_local(watched: WatchedPage, requested: list[str], url: str) -> None:
    assert watched.problems() == []
    assert [r for r in requested if not r.startswith(url + "/")] == []


def _without_sizes(html: str) -> str:
    """The page with width and height taken off every <img>."""
    return re.sub(
        r"<img\b[^>]*>",
        lambda tag: re.sub(r'\s(?:width|height)="\d+"', "", tag.group(0)),
        html,
    )


# Tests -----------------------------------------------------------------------


@pytest.mark.parametrize("article", [HARBOUR, RELEASE])
def test_pictures_keep_their_place_while_they_load(
    site_url: str, browser: Browser, article: str
) -> None:
    requested: list[str] = []
    with watched_page(browser, DESKTOP) as watched:
        page = watched.page
        page.on("request", lambda request: requested.append(request.url))
        shift = _measure(page, site_url + article)
        print(f"layout shift of {article} with sizes: {shift:.5f}")
        assert shift < 0.01
        shown = _images(page, ".post-body img, .post-cover img")
        assert len(shown) == (6 if article == HARBOUR else 3)
        for image in shown:
            assert image["naturalWidth"] > 0, image
            # Each JPEG and PNG is shown from one of its WebP variants.
            assert re.search(r"\.(jpg|png)$", image["src"]), image
            assert image["currentSrc"].endswith(".webp"), image
            assert image["currentSrc"] in {o["url"] for o in image["offered"]}, image
            if image["cover"]:
                continue  # the theme crops a cover to at most 28rem high
            # Shown at the proportions of the picture itself.
            ratio = image["naturalWidth"] / image["naturalHeight"]
            assert image["width"] / image["height"] == pytest.approx(ratio, rel=0.02), image
        screenshot(page, f"images-article-desktop-{article.strip('/').rsplit('/', 1)[-1]}")
        if article == HARBOUR:
            rotated = [i for i in shown if i["src"].endswith("/rotated.jpg")]
            assert len(rotated) == 1
            assert rotated[0]["height"] > rotated[0]["width"], rotated
            assert rotated[0]["naturalHeight"] > rotated[0]["naturalWidth"], rotated
            # Upright, not upside down: blue sky on top, green ground below.
            img = page.locator(".post-body img[src$='/rotated.jpg']")
            top, bottom = img.evaluate(TOP_AND_BOTTOM)
            assert top[2] > 180 and top[1] < 170, top
            assert bottom[1] > 120 and bottom[2] < 100, bottom
        _assert_local(watched, requested, site_url)


def test_pictures_without_sizes_would_shift_the_page(
    site_url: str, built: Path, browser: Browser
) -> None:
    """The measurement above sees shifts: the same page with the sizes taken off its
    pictures moves as they arrive."""
    original = (built / HARBOUR.strip("/") / "index.html").read_text(encoding="utf-8")
    stripped = _without_sizes(original)
    assert stripped != original
    assert not re.search(r"<img\b[^>]*\sheight=", stripped)

    def unsized(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=stripped)

    with watched_page(browser, DESKTOP) as watched:
        page = watched.page
        page.route(site_url + HARBOUR, unsized)
        shift = _measure(page, site_url + HARBOUR)
        print(f"layout shift of {HARBOUR} without sizes: {shift:.5f}")
        assert shift > 0.05
        assert watched.problems() == []


def _open_home(page: Page, site_url: str) -> None:
    """The front page with every lazy image loaded, scrolled back to the top."""
    page.goto(site_url + "/")
    _scroll_through(page)
    page.evaluate("window.scrollTo(0, 0)")


def test_cards_show_a_cropped_cover_thumbnail(site_url: str, browser: Browser) -> None:
    with watched_page(browser, DESKTOP) as watched:
        page = watched.page
        _open_home(page, site_url)
        cards = {card["href"]: card for card in page.evaluate(CARDS)}
        assert set(cards) == {HARBOUR, RELEASE, "/posts/travel/", "/posts/plain/"}
        thumbnails = []
        for href in (HARBOUR, RELEASE, "/posts/travel/"):
            img = cards[href]["img"]
            assert img is not None, href
            assert img["className"] == "card-cover"
            assert ".card." in img["currentSrc"], img
            assert (img["naturalWidth"], img["naturalHeight"]) == (256, 176), img
            assert img["box"]["width"] == pytest.approx(128, abs=1), img
            assert img["box"]["height"] == pytest.approx(88, abs=1), img
            # The thumbnail sits inside its card, and the title's text beside it.
            assert cards[href]["card"]["top"] <= img["box"]["top"]
            assert img["box"]["bottom"] <= cards[href]["card"]["bottom"]
            for line in cards[href]["titleLines"]:
                assert not _overlap(line, img["box"]), (href, line, img["box"])
            thumbnails.append(img["box"])
        plain = cards["/posts/plain/"]
        assert plain["img"] is None
        assert (
            page.locator(".latest .card").filter(has_text="没有图片的文章").locator("img").count()
            == 0
        )
        # Its title runs across the whole card, its summary below it, nothing on top.
        assert plain["title"]["width"] >= plain["card"]["width"] * 0.9
        assert plain["title"]["height"] > 10
        assert plain["summary"]["top"] >= plain["title"]["bottom"] - 1
        assert plain["summary"]["height"] > 10
        for box in thumbnails:
            assert not _overlap(plain["title"], box)
            assert not _overlap(plain["summary"], box)
        screenshot(page, "images-home-desktop")
        assert watched.problems() == []


def _overlap(one: dict[str, float], other: dict[str, float]) -> bool:
    return (
        one["left"] < other["right"]
        and other["left"] < one["right"]
        and one["top"] < other["bottom"]
        and other["top"] < one["bottom"]
    )


def test_pictures_fit_a_phone(site_url: str, browser: Browser) -> None:
    with watched_page(browser, PHONE) as watched:
        page = watched.page
        _open_home(page, site_url)
        width, scroll = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
        assert width == PHONE["width"]
        assert scroll <= width, f"the front page is {scroll}px wide on a {width}px phone"
        thumbnails = _images(page, "img.card-cover")
        assert len(thumbnails) == 3
        for img in thumbnails:
            assert img["naturalWidth"] == 256, img
            assert img["left"] >= 0 and img["right"] <= width, img
            assert img["width"] > 0 and img["height"] > 0, img
        screenshot(page, "images-home-phone")

        page.goto(site_url + HARBOUR)
        _scroll_through(page)
        width, scroll, ratio = page.evaluate(
            "[window.innerWidth, document.documentElement.scrollWidth, devicePixelRatio]"
        )
        assert scroll <= width, f"{HARBOUR} is {scroll}px wide on a {width}px phone"
        shown = _images(page, ".post-body img, .post-cover img")
        assert len(shown) == 6
        for img in shown:
            assert img["naturalWidth"] > 0, img
            assert img["left"] >= 0 and img["right"] <= width, img
            assert img["width"] <= width, img
            offered = sorted(o["width"] for o in img["offered"])
            chosen = [o["width"] for o in img["offered"] if o["url"] == img["currentSrc"]]
            assert len(chosen) == 1, img
            # No wider than the next offered width above twice the screen's pixels...
            enough = [w for w in offered if w >= 2 * width * ratio]
            assert chosen[0] <= (enough[0] if enough else offered[-1]), img
            # ...and, of three widths, never the widest on a phone.
            if len(offered) >= 3:
                assert chosen[0] < offered[-1], img
        screenshot(page, "images-article-phone")
        assert watched.problems() == []
