"""The image pipeline on real image files made here: sizes on every local <img>,
WebP (and AVIF) variants offered in <picture>, cover thumbnails and share images,
EXIF turned and dropped, animated GIFs and SVGs passed through, damaged, disguised
and oversized files reported at their line, variants made once."""

import io
import re
import struct
import zlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from newsdesk.errors import ConfigError
from newsdesk.export.export import BuildReport, build_site
from newsdesk.site.config import load_config
from tests.asgi import serving

from .static_index import indexed_articles
from .test_local_files import write
from .test_rebuild import tree

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GPS_TAG = 0x8825
MAKE_TAG = 0x010F
ORIENTATION_TAG = 0x0112
SCRIPT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
    "<script>alert(document.cookie)</script><rect width='40' height='40'/></svg>"
)


def photo(size: tuple[int, int], seed: int = 0, orientation: int | None = None) -> bytes:
    """A JPEG with a gradient and the camera's metadata: its place and its maker."""
    picture = Image.linear_gradient("L").resize(size).convert("RGB")
    picture.paste((seed * 40 % 255, 90, 160), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[MAKE_TAG] = "Phone Maker"
    exif[GPS_TAG] = {1: "N", 2: (31.0, 14.0, 0.0)}
    if orientation is not None:
        exif[ORIENTATION_TAG] = orientation
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def screenshot(size: tuple[int, int], kind: str = "PNG") -> bytes:
    picture = Image.new("RGB", size, (245, 245, 245))
    picture.paste((30, 30, 30), (10, 10, size[0] - 10, 40))
    out = io.BytesIO()
    picture.save(out, kind)
    return out.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def bomb_png(side: int = 100_000) -> bytes:
    """A PNG whose header claims side × side pixels, with one compressed row of data:
    a few hundred bytes that would decode to gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side + 1), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def article(title: str, body: str, cover: str = "") -> str:
    cover_line = f"cover: {cover}\n" if cover else ""
    return f"---\ntitle: {title}\ndate: 2026-05-01 10:00:00\n{cover_line}---\n\n{body}\n"


def image_site(root: Path, config: str = "") -> Path:
    whole = photo((1600, 900), seed=1)
    files: dict[str, str | bytes] = {
        "newsdesk.toml": '[site]\ntitle = "图片"\nbase_url = "https://news.example.cn"\n' + config,
        "content/gallery/index.md": article(
            "图集",
            "开头一段文字。\n\n"
            "![照片](photo.jpg)\n\n"
            "![截图](shot.png)\n\n"
            "![小图](small.png)\n\n"
            "![转过的照片](turned.jpg)\n\n"
            "![动图](anim.gif)\n\n"
            "![矢量图](logo.svg)\n\n"
            "![远程图](https://img.example.org/remote.png)\n",
            cover="cover.jpg",
        ),
        "content/gallery/photo.jpg": photo((2000, 1200), seed=2),
        "content/gallery/shot.png": screenshot((1000, 600)),
        "content/gallery/small.png": screenshot((300, 200)),
        "content/gallery/spare.png": screenshot((500, 300)),  # shown by no article yet
        "content/gallery/turned.jpg": photo((1200, 800), seed=3, orientation=6),
        "content/gallery/anim.gif": animated_gif(),
        "content/gallery/logo.svg": SCRIPT_SVG,
        "content/gallery/cover.jpg": whole,
        "content/broken/index.md": article(
            "坏图",
            "第一段。\n\n![截断](cut.jpg)\n\n![伪装](fake.png)\n\n"
            "![改名](misnamed.png)\n\n![炸弹](bomb.png)\n",
        ),
        "content/broken/cut.jpg": whole[: len(whole) // 2],
        "content/broken/fake.png": "<html><script>alert(1)</script></html>",
        "content/broken/misnamed.png": photo((800, 500), seed=4),
        "content/broken/bomb.png": bomb_png(),
        "content/plain.md": article("没有封面", "只有文字。"),
    }
    return write(root, files)


def build(site: Path, out: Path) -> BuildReport:
    return build_site(site, load_config(site / "newsdesk.toml"), out, now=NOW)


def page(out: Path, url: str) -> str:
    return (out / url.lstrip("/") / "index.html").read_text(encoding="utf-8")


def body_of(html: str) -> str:
    return html.split('<div class="post-body">', 1)[1].split("</article>", 1)[0]


def findings(report: BuildReport) -> dict[str, list[tuple[str, int, int, str]]]:
    found: dict[str, list[tuple[str, int, int, str]]] = {}
    for outcome in report.outcomes:
        for d in outcome.diagnostics:
            if d.code.startswith("image-"):
                found.setdefault(Path(outcome.path).parent.name, []).append(
                    (d.code, d.line, d.col, d.message)
                )
    return found


def opened(out: Path, url: str) -> Image.Image:
    return Image.open(out / url.lstrip("/"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, BuildReport]:
    root = tmp_path_factory.mktemp("images")
    site = image_site(root / "site")
    out = root / "out"
    return site, out, build(site, out)


def test_local_images_are_offered_in_webp_at_the_widths_they_need(
    built: tuple[Path, Path, BuildReport],
) -> None:
    _, out, _ = built
    body = body_of(page(out, "/posts/gallery/"))
    photo_tag = re.search(r"<picture>(.*?)</picture>", body)
    assert photo_tag is not None
    sources = re.findall(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', body)
    widths = [[int(w) for w in re.findall(r" (\d+)w", srcset)] for srcset, _ in sources]
    # photo 2000 wide, shot 1000, small 300, turned shown 800 wide.
    assert widths == [[480, 960, 1440], [480, 960, 1000], [300], [480, 800]]
    for srcset, _ in sources:
        for url, width in re.findall(r"(\S+) (\d+)w", srcset):
            with opened(out, url) as variant:
                assert variant.format == "WEBP" and variant.width == int(width)
    assert sources[0][1] == "(max-width: 1152px) 100vw, 1152px"
    assert sources[2][1] == "(max-width: 300px) 100vw, 300px"
    # Every local raster <img> has the size it is shown at; the first loads first.
    sizes = re.findall(
        r'<img [^>]*src="/files/[0-9a-f]+/([^"]+)"[^>]*width="(\d+)" height="(\d+)"', body
    )
    assert sizes == [
        ("photo.jpg", "2000", "1200"),
        ("shot.png", "1000", "600"),
        ("small.png", "300", "200"),
        ("turned.jpg", "800", "1200"),
        ("anim.gif", "60", "40"),
    ]
    first = re.search(r"<img [^>]*photo\.jpg[^>]*>", body)
    assert first is not None and 'loading="lazy"' in first.group(0)  # the cover loads first
    remote = re.search(r'<img [^>]*src="https://img.example.org/remote.png"[^>]*>', body)
    assert remote is not None and 'referrerpolicy="no-referrer"' in remote.group(0)


def test_variants_are_turned_upright_and_carry_no_camera_metadata(
    built: tuple[Path, Path, BuildReport],
) -> None:
    _, out, _ = built
    body = body_of(page(out, "/posts/gallery/"))
    turned = re.search(r'srcset="(/files/[0-9a-f]+/turned\.480w\.webp) 480w', body)
    assert turned is not None
    with opened(out, turned.group(1)) as variant:
        assert variant.size == (480, 720)  # shown upright: taller than wide
        assert not variant.getexif()
    for name in ("photo.480w.webp", "photo.1440w.webp"):
        found = re.search(rf"(/files/[0-9a-f]+/{re.escape(name)})", body)
        assert found is not None
        with opened(out, found.group(1)) as variant:
            exif = variant.getexif()
            assert GPS_TAG not in exif and MAKE_TAG not in exif
    original = re.search(r'<img [^>]*src="(/files/[0-9a-f]+/photo\.jpg)"', body)
    assert original is not None  # the original is published as it was written
    with opened(out, original.group(1)) as kept:
        assert kept.getexif()[MAKE_TAG] == "Phone Maker"


def test_animated_gifs_and_svgs_pass_through(built: tuple[Path, Path, BuildReport]) -> None:
    site, out, _ = built
    body = body_of(page(out, "/posts/gallery/"))
    assert ".anim." not in body and ".logo." not in body
    gif = re.search(r'<img [^>]*src="(/files/[0-9a-f]+/anim\.gif)"', body)
    svg = re.search(r'<img [^>]*src="(/files/[0-9a-f]+/logo\.svg)"', body)
    assert gif is not None and svg is not None
    assert (out / gif.group(1).lstrip("/")).read_bytes() == (
        site / "content/gallery/anim.gif"
    ).read_bytes()
    with opened(out, gif.group(1)) as moving:
        assert moving.n_frames == 3
    assert (out / svg.group(1).lstrip("/")).read_text(encoding="utf-8") == SCRIPT_SVG
    headers = (out / "_headers").read_text(encoding="utf-8")
    assert f"{svg.group(1)}\n  Content-Security-Policy: sandbox;" in headers


def test_covers_get_a_card_thumbnail_and_a_share_image(
    built: tuple[Path, Path, BuildReport],
) -> None:
    _, out, _ = built
    home = (out / "index.html").read_text(encoding="utf-8")
    card = re.search(
        r'<img class="card-cover" src="(/files/[0-9a-f]+/cover\.card\.webp)"[^>]*>', home
    )
    assert card is not None
    assert 'width="256" height="176"' in card.group(0) and 'loading="lazy"' in card.group(0)
    with opened(out, card.group(1)) as thumbnail:
        assert thumbnail.size == (256, 176) and thumbnail.format == "WEBP"
    # The static search's hits show it too; an article without a cover shows none.
    thumbnails = {a.title: a.thumbnail for a in indexed_articles(out)}
    assert re.fullmatch(r"/files/[0-9a-f]+/cover\.card\.webp", thumbnails["图集"])
    assert thumbnails["没有封面"] == ""
    # The article without a cover has a card without an image.
    plain = home.split('href="/posts/plain/"', 1)[0].rsplit('<article class="card">', 1)[1]
    assert "<img" not in plain
    gallery = page(out, "/posts/gallery/")
    share = re.search(
        r'<meta property="og:image" content="https://news\.example\.cn(/files/[0-9a-f]+/cover\.1200w\.jpg)">',
        gallery,
    )
    assert share is not None
    with opened(out, share.group(1)) as shared:
        assert shared.size == (1200, 675) and shared.format == "JPEG"
    assert f'"image": ["https://news.example.cn{share.group(1)}"]' in gallery.replace("\\/", "/")
    cover = re.search(
        r'<figure class="post-cover"><picture><source type="image/webp" srcset="[^"]+"[^>]*>'
        r'<img src="/files/[0-9a-f]+/cover\.jpg"[^>]*></picture>',
        gallery,
    )
    assert cover is not None
    assert 'width="1600" height="900"' in cover.group(0) and 'fetchpriority="high"' in cover.group(
        0
    )


def test_bad_image_files_are_warnings_at_their_line(built: tuple[Path, Path, BuildReport]) -> None:
    _, out, report = built
    found = findings(report)
    assert "gallery" not in found
    codes = [(code, line, col) for code, line, col, _ in found["broken"]]
    # Where each path is written in the file on disk, after `![…](`.
    assert codes == [
        ("image-unreadable", 8, 7),
        ("image-unreadable", 10, 7),
        ("image-mislabeled", 12, 7),
        ("image-too-large", 14, 7),
    ]
    messages = {
        code: message for code, _, _, message in found["broken"] if code != "image-unreadable"
    }
    assert "holds a JPEG image" in messages["image-mislabeled"]
    assert "10,000,000,000 pixels" in messages["image-too-large"]
    body = body_of(page(out, "/posts/broken/"))
    # Cut short: served as it is, with the size its header gives, no variants.
    cut = re.search(r'<img [^>]*src="(/files/[0-9a-f]+/cut\.jpg)"[^>]*>', body)
    assert cut is not None and 'width="1600" height="900"' in cut.group(0)
    assert ".cut." not in body
    # Disguised: served as it is (as an image, which no browser runs), without a size.
    fake = re.search(r'<img [^>]*src="/files/[0-9a-f]+/fake\.png"[^>]*>', body)
    assert fake is not None and "width=" not in fake.group(0)
    # Mislabeled but readable: variants made from what it holds.
    assert re.search(r"/files/[0-9a-f]+/misnamed\.480w\.webp 480w", body)
    # Too large to publish: left out, the reference stays as written.
    assert 'src="bomb.png"' in body
    assert not list(out.glob("files/*/bomb.png"))


def test_variants_are_made_once_per_content(
    built: tuple[Path, Path, BuildReport], tmp_path: Path
) -> None:
    site, _, _ = built
    made = sorted((site / ".newsdesk/images").rglob("*.*"))
    assert made
    times = {path: path.stat().st_mtime_ns for path in made}
    # Another output folder: pages and files are written again, no variant is made again.
    again = tmp_path / "again"
    report = build(site, again)
    assert findings(report)["broken"]  # the recorded failure is reported again
    assert {path: path.stat().st_mtime_ns for path in made} == times
    assert sorted((site / ".newsdesk/images").rglob("*.*")) == made
    assert page(again, "/posts/gallery/") == page(built[1], "/posts/gallery/")


def test_avif_comes_first_when_configured_and_variants_can_be_turned_off(tmp_path: Path) -> None:
    site = image_site(tmp_path / "site", '[images]\nformats = ["avif", "webp"]\nwidths = [640]\n')
    out = tmp_path / "out"
    build(site, out)
    body = body_of(page(out, "/posts/gallery/"))
    first = re.search(r"<picture>(<source[^>]*>)(<source[^>]*>)<img", body)
    assert first is not None
    assert 'type="image/avif"' in first.group(1) and 'type="image/webp"' in first.group(2)
    avif = re.search(r'srcset="(/files/[0-9a-f]+/photo\.640w\.avif) 640w"', body)
    assert avif is not None
    with opened(out, avif.group(1)) as variant:
        assert variant.format == "AVIF" and variant.width == 640

    plain = image_site(tmp_path / "plain", "[images]\nenabled = false\n")
    build(plain, tmp_path / "plain-out")
    body = body_of(page(tmp_path / "plain-out", "/posts/gallery/"))
    assert "<picture>" not in body and "<source" not in body
    assert re.search(r'photo\.jpg"[^>]*width="2000" height="1200"', body)


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ('formats = ["gif"]', "images.formats"),
        ("widths = []", "images.widths"),
        ('widths = ["wide"]', "images.widths"),
        ("quality = 0", "images.quality"),
        ("max_pixels = 0", "images.max_pixels"),
    ],
)
def test_image_settings_are_checked(tmp_path: Path, setting: str, problem: str) -> None:
    config = tmp_path / "newsdesk.toml"
    config.write_text(f"[images]\n{setting}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert problem in str(raised.value)


def test_the_server_offers_the_same_pictures_and_serves_svgs_inert(
    built: tuple[Path, Path, BuildReport], database_url: str
) -> None:
    site, out, _ = built
    built_body = body_of(page(out, "/posts/gallery/"))
    made = {path: path.stat().st_mtime_ns for path in (site / ".newsdesk/images").rglob("*.*")}
    with serving(site, database_url) as served, served.client() as client:
        # The build made every variant: the server makes none again.
        assert {p: p.stat().st_mtime_ns for p in (site / ".newsdesk/images").rglob("*.*")} == made
        answer = client.get("/posts/gallery/")
        body = body_of(answer.text)
        assert re.findall(r"<picture>.*?</picture>", body) == re.findall(
            r"<picture>.*?</picture>", built_body
        )
        variant = re.search(r'srcset="(/files/[0-9a-f]+/shot\.480w\.webp) 480w', body)
        assert variant is not None
        image = client.get(variant.group(1))
        assert image.status_code == 200 and image.headers["content-type"] == "image/webp"
        assert image.content == (out / variant.group(1).lstrip("/")).read_bytes()
        svg = re.search(r'<img [^>]*src="(/files/[0-9a-f]+/logo\.svg)"', body)
        assert svg is not None
        inert = client.get(svg.group(1))
        assert inert.headers["content-type"] == "image/svg+xml"
        policies = inert.headers.get_list("content-security-policy")
        assert any(p.startswith("sandbox;") and "default-src 'none'" in p for p in policies)
        # The search page's hits show the cover's thumbnail, as the lists do.
        found = client.get("/search/", params={"q": "图集"}).text
        assert re.search(r'<img class="card-cover" src="/files/[0-9a-f]+/cover\.card\.webp"', found)


def test_edits_of_articles_with_images_are_patched_as_a_whole_build_would_make_them(
    tmp_path: Path,
) -> None:
    site = image_site(tmp_path / "site")
    out = tmp_path / "out"
    build(site, out)
    post = site / "content/gallery/index.md"
    edits = {
        "a paragraph": lambda text: text + "\n补充一段。\n",
        "another image": lambda text: text.replace("](small.png)", "](spare.png)"),
    }
    for name, edit in edits.items():
        post.write_text(edit(post.read_text(encoding="utf-8")), encoding="utf-8")
        report = build(site, out)
        assert report.patched, name
        fresh = tmp_path / name
        build(site, fresh)
        assert tree(out) == tree(fresh), name
    # The image no article shows any longer is gone with its variants.
    assert not list(out.glob("files/*/small.*"))
    assert [p.name for p in sorted(out.glob("files/*/spare.*"))] == [
        "spare.480w.webp",
        "spare.500w.webp",
        "spare.png",
    ]
