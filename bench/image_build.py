"""Benchmark: what local images cost a `newsdesk build`. Two sites hold the same N
generated articles; in site B, M of them (spread evenly) each carry an image beside
them, shown after the first paragraph, and a quarter of those also name it as their
cover. Both sites are built in the same run: cold (no state folder, no output: B's
images are converted), warm (built again, nothing changed) and with the output folder
removed but the state folder kept (B's variants come from the cache; every page and
file is written again), then after a paragraph is added to one article that shows an
image in B (the same article in A).

    python bench/image_build.py [--count 10000] [--images 2000] [--runs 1] [--keep]

The images are of the kinds Chinese tech blog posts carry: screenshots (PNG: flat
colours, window chrome and anti-aliased code text) and photos (JPEG: gradients with
noise), 600–2400 pixels wide from a fixed seeded draw (about half wider than 1440),
0.5–0.8 as high as wide. They are cut from a couple of dozen base pictures at seeded
offsets and labelled with their number, so every file has its own content (and
content hash); making them is not timed.

Prints wall and CPU time, peak memory (whole process tree), the files each build wrote
and its warnings, the image files in OUT/files/ (originals, WebP and JPEG variants)
with their bytes, and PASS/FAIL against the targets: a cold build of B within 1.5× of
A's, and a warm build of B within 1.05× of A's.
"""

import argparse
import os
import random
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import NEWSDESK_CONFIG, Output, newsdesk_command, remove
from build import measured as build_runs
from corpus import write_corpus
from measure import Run, in_scratch_folder

SEED = 11
COLD_SHARE = 1.5  # a cold build of B within 1.5× of A's
WARM_SHARE = 1.05  # a warm build of B within 1.05× of A's
# Base pictures, each as large as the largest image cut from it.
BASE_WIDTH, BASE_HEIGHT = 2400, 1920
SCREENSHOT_BASES = 14
PHOTO_BASES = 10
SCREENSHOT_SHARE = 0.6  # screenshots outnumber photos in tech articles
COVER_EVERY = 4  # a quarter of the articles with an image also have it as cover
# A variant's name: the original's stem, then `.960w.webp`, `.card.webp`, `.1200w.jpg`.
VARIANT = re.compile(r"\.(?:\d+w|card)\.(webp|avif|jpg)$")
SUMMARY = re.compile(r"(\d+) errors, (\d+) warnings")
MB = 1024 * 1024


# --- images ------------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """One image to make: its file, size, kind and the base it is cut from."""

    path: Path
    number: int
    width: int
    height: int
    screenshot: bool
    base: int


CODE_WORDS = [
    "fn",
    "let",
    "mut",
    "return",
    "async",
    "await",
    "impl",
    "struct",
    "pub",
    "match",
    "Ok(())",
    "self.index",
    "def",
    "import",
    "yield",
    "SELECT *",
    "FROM",
    "WHERE",
    "kubectl",
    "--release",
    "=>",
    "{",
    "}",
    "#[derive(Debug)]",
]
DARK = [(220, 220, 220), (198, 120, 221), (152, 195, 121), (97, 175, 239), (229, 192, 123)]
LIGHT = [(36, 41, 47), (207, 34, 46), (17, 99, 41), (5, 80, 174), (130, 80, 223)]


def screenshot_base(number: int) -> Image.Image:
    """An editor or terminal window: title bar, side panel, lines of coloured code."""
    rng = random.Random(SEED * 1000 + number)
    dark = number % 2 == 0
    ink = DARK if dark else LIGHT
    back = (30, 31, 38) if dark else (250, 250, 250)
    image = Image.new("RGB", (BASE_WIDTH, BASE_HEIGHT), back)
    draw = ImageDraw.Draw(image)
    bar = (52, 54, 62) if dark else (226, 228, 232)
    draw.rectangle((0, 0, BASE_WIDTH, 56), fill=bar)
    for n, colour in enumerate([(255, 95, 86), (255, 189, 46), (39, 201, 63)]):
        draw.ellipse((20 + n * 34, 18, 40 + n * 34, 38), fill=colour)
    panel = rng.randint(300, 520)
    side = (38, 40, 48) if dark else (240, 241, 244)
    draw.rectangle((0, 56, panel, BASE_HEIGHT), fill=side)
    size = rng.choice([20, 24, 28])
    font = ImageFont.load_default(size=size)
    small = ImageFont.load_default(size=size - 4)
    for y in range(80, BASE_HEIGHT, size + 12):
        draw.text((24, y), f"src/module_{rng.randint(1, 999)}.rs", fill=ink[0], font=small)
    for y in range(80, BASE_HEIGHT, size + 14):
        if rng.random() < 0.08:  # a highlighted line, a flat block of colour
            draw.rectangle((panel, y - 4, BASE_WIDTH, y + size + 6), fill=rng.choice(ink))
        x = panel + 40 + rng.randint(0, 6) * size
        line = " ".join(rng.choice(CODE_WORDS) for _ in range(rng.randint(2, 12)))
        draw.text((x, y), line, fill=rng.choice(ink), font=font)
    return image


def photo_base(number: int) -> Image.Image:
    """Soft colour gradients and blurred shapes under sensor-like noise. The blurred
    scene is drawn at a quarter of the size and scaled up: blurring is the slow part."""
    rng = random.Random(SEED * 2000 + number)
    size = (BASE_WIDTH, BASE_HEIGHT)
    small = (BASE_WIDTH // 4, BASE_HEIGHT // 4)

    def colour() -> tuple[int, int, int]:
        return (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))

    linear = Image.linear_gradient("L").rotate(rng.randint(0, 359)).resize(small)
    radial = Image.radial_gradient("L").resize(small)
    scene = Image.blend(
        ImageOps.colorize(linear, colour(), colour()),
        ImageOps.colorize(radial, colour(), colour()),
        rng.uniform(0.3, 0.7),
    )
    draw = ImageDraw.Draw(scene)
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randint(0, small[0]), rng.randint(0, small[1])
        r = rng.randint(20, 125)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour())
    scene = scene.filter(ImageFilter.GaussianBlur(rng.randint(3, 10)))
    image = scene.resize(size, Image.Resampling.BICUBIC)
    # One noise field, shifted for each channel: making noise is slow too.
    grain = Image.effect_noise(size, rng.randint(30, 70))
    noise = Image.merge("RGB", [ImageChops.offset(grain, n * 97, n * 53) for n in range(3)])
    return Image.blend(image, noise, 0.12)


def plan_pictures(content: Path, numbers: list[int]) -> list[Picture]:
    """The image each numbered article gets, from a fixed seeded draw."""
    rng = random.Random(SEED)
    pictures = []
    for number in numbers:
        wide = rng.random() < 0.5
        width = rng.randint(1441, 2400) if wide else rng.randint(600, 1440)
        height = round(width * rng.uniform(0.5, 0.8))
        screenshot = rng.random() < SCREENSHOT_SHARE
        if screenshot:
            path, base = content / f"shot-{number:05d}.png", rng.randrange(SCREENSHOT_BASES)
        else:
            path, base = content / f"photo-{number:05d}.jpg", rng.randrange(PHOTO_BASES)
        pictures.append(Picture(path, number, width, height, screenshot, base))
    return pictures


def make_from_base(pictures: list[Picture]) -> int:
    """Cut and save every picture from their common base; their bytes."""
    first = pictures[0]
    base = screenshot_base(first.base) if first.screenshot else photo_base(first.base)
    label_font = ImageFont.load_default(size=32)
    written = 0
    for picture in pictures:
        rng = random.Random(SEED * 3000 + picture.number)
        left = rng.randint(0, BASE_WIDTH - picture.width)
        top = rng.randint(0, BASE_HEIGHT - picture.height)
        image = base.crop((left, top, left + picture.width, top + picture.height))
        draw = ImageDraw.Draw(image)
        x = rng.randint(10, max(10, picture.width - 400))
        y = rng.randint(60, max(60, picture.height - 60))
        draw.rectangle((x - 8, y - 6, x + 330, y + 42), fill=(255, 255, 255))
        draw.text((x, y), f"Figure {picture.number:05d}", fill=(200, 30, 30), font=label_font)
        if picture.screenshot:
            image.save(picture.path, "PNG", compress_level=6)
        else:
            image.save(picture.path, "JPEG", quality=rng.randint(82, 92))
        written += picture.path.stat().st_size
    return written


def make_pictures(pictures: list[Picture]) -> int:
    """Every picture, one base at a time in each of a pool of processes; their bytes."""
    groups: dict[tuple[bool, int], list[Picture]] = {}
    for picture in pictures:
        groups.setdefault((picture.screenshot, picture.base), []).append(picture)
    if not groups:
        return 0
    workers = min(os.cpu_count() or 1, len(groups))
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        return sum(pool.map(make_from_base, groups.values()))


# --- articles ----------------------------------------------------------------------


def front_matter_end(lines: list[str]) -> int:
    """The index of the line closing the front matter (TOML `+++` or YAML `---`,
    indented in the LLM-pipeline shape)."""
    fence = lines[0].strip()
    return next(n for n in range(1, len(lines)) if lines[n].strip() == fence)


def with_image(text: str, name: str, cover: bool) -> str:
    """The article with `name` shown after its first paragraph, and as its cover."""
    lines = text.split("\n")
    end = front_matter_end(lines)
    first = next(
        n
        for n in range(end + 1, len(lines))
        if lines[n].strip() and not lines[n].lstrip().startswith(("#", "`", "-", "|", ">"))
    )
    lines[first + 1 : first + 1] = ["", f"![图]({name})"]
    if cover:  # the first key of the front matter, in its syntax and indentation
        indent = lines[1][: len(lines[1]) - len(lines[1].lstrip())]
        key = f'cover = "{name}"' if lines[0].strip() == "+++" else f"cover: {name}"
        lines.insert(1, indent + key)
    return "\n".join(lines)


def spread(count: int, images: int) -> list[int]:
    """`images` article numbers spread evenly over `count`."""
    return [n * count // images for n in range(images)]


@dataclass(frozen=True)
class Sites:
    plain: Path
    pictured: Path
    size: int  # bytes of one corpus
    pictures: int
    covers: int
    picture_bytes: int
    picture_seconds: float
    edited: str  # an article with an image, relative to the site: the edit's


def make_sites(root: Path, count: int, images: int) -> Sites:
    """Site A with the corpus as it is, site B with images beside some articles."""
    plain, pictured = root / "a", root / "b"
    size = write_corpus(plain, count)
    write_corpus(pictured, count)
    for site in (plain, pictured):
        (site / "newsdesk.toml").write_text(NEWSDESK_CONFIG, encoding="utf-8")
    content = pictured / "content"
    articles = sorted(content.glob("*.md"), key=lambda path: int(path.stem.split("-")[1]))
    pictures = plan_pictures(content, spread(count, images))
    covers = 0
    for n, picture in enumerate(pictures):
        article = articles[picture.number]
        cover = n % COVER_EVERY == 0
        covers += cover
        text = with_image(article.read_text(encoding="utf-8"), picture.path.name, cover)
        article.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    picture_bytes = make_pictures(pictures)
    seconds = time.perf_counter() - start
    edited = articles[pictures[len(pictures) // 2].number].relative_to(pictured).as_posix()
    return Sites(plain, pictured, size, len(pictures), covers, picture_bytes, seconds, edited)


def append_paragraph(file: Path) -> None:
    file.write_text(file.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")


# --- builds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Images:
    """The files in OUT/files/: originals and variants, with their bytes."""

    files: int
    webp: int
    jpeg: int
    original_bytes: int
    variant_bytes: int

    @property
    def originals(self) -> int:
        return self.files - self.webp - self.jpeg


def count_images(out: Path) -> Images:
    folder = out / "files"
    files = webp = jpeg = original_bytes = variant_bytes = 0
    for path in folder.rglob("*") if folder.is_dir() else ():
        if not path.is_file():
            continue
        files += 1
        size = path.stat().st_size
        variant = VARIANT.search(path.name)
        if variant is None:
            original_bytes += size
            continue
        variant_bytes += size
        webp += variant.group(1) == "webp"
        jpeg += variant.group(1) == "jpg"
    return Images(files, webp, jpeg, original_bytes, variant_bytes)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@dataclass(frozen=True)
class Row:
    name: str
    result: Run
    output: Output
    images: Images
    warnings: str  # from the build's summary line


def warnings_of(result: Run) -> str:
    """`errors/warnings` from the summary line the build writes last on stderr."""
    found = SUMMARY.search(result.errors)
    return f"{found.group(1)}/{found.group(2)}" if found else "?"


def measured(name: str, site: Path, out: Path, runs: int, before: Callable[[], None]) -> Row:
    """The median of `runs` builds of `site` into `out`, each after before(); what the
    last one wrote and said."""
    command = [*newsdesk_command(), "build", str(site), "--out", str(out)]
    built = build_runs(name, command, runs, before, out)
    row = Row(name, built.result, built.output, count_images(out), warnings_of(built.result))
    print_row(row)
    return row


HEADER = (
    f"{'':<24} {'wall s':>7} {'CPU s':>7} {'peak MB':>7} {'written':>7} {'err/warn':>8} "
    f"{'files/':>7} {'orig':>6} {'.webp':>6} {'.jpg':>6} {'orig MB':>8} {'var MB':>8}"
)


def print_row(row: Row) -> None:
    result, images = row.result, row.images
    print(
        f"{row.name:<24} {result.wall:7.2f} {result.cpu:7.2f} {result.peak_mb:7.0f} "
        f"{row.output.changed:7,} {row.warnings:>8} {images.files:7,} "
        f"{images.originals:6,} {images.webp:6,} {images.jpeg:6,} "
        f"{images.original_bytes / MB:8.1f} {images.variant_bytes / MB:8.1f}",
        flush=True,
    )


def print_targets(rows: dict[str, Row]) -> None:
    print()
    verdicts = []
    for case, share in (
        ("cold", COLD_SHARE),
        ("warm", WARM_SHARE),
        ("no output", None),
        ("edit", None),
    ):
        plain, pictured = rows[f"A {case}"].result, rows[f"B {case}"].result
        wall, cpu = pictured.wall / plain.wall, pictured.cpu / plain.cpu
        print(
            f"B/A {case:<9}: wall {wall:.2f}, CPU {cpu:.2f}, "
            f"peak memory {pictured.peak_mb / plain.peak_mb:.2f}"
        )
        if share is not None:
            verdicts.append((wall <= share, f"{case} build wall ratio B/A {wall:.2f} ≤ {share}"))
    print("targets:")
    for passed, text in verdicts:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")


def bench(root: Path, count: int, images: int, runs: int) -> None:
    sites = make_sites(root, count, images)
    print(
        f"{count:,} articles, {sites.size / count / 1024:.1f} KB each on average; "
        f"site B: {sites.pictures:,} with an image ({sites.covers:,} also as cover), "
        f"{sites.picture_bytes / MB:,.1f} MB of images, "
        f"{sites.picture_bytes / max(sites.pictures, 1) / 1024:,.0f} KB each on average "
        f"(made in {sites.picture_seconds:.1f} s, not timed)"
    )
    print(f"median of {runs} run(s); files/: files under OUT/files/, orig: originals\n")
    print(HEADER)
    outs = {sites.plain: root / "out-a", sites.pictured: root / "out-b"}
    rows: dict[str, Row] = {}
    cases: list[tuple[str, Callable[[Path, Path], None]]] = [
        ("cold", lambda site, out: remove(site / ".newsdesk", out)),
        ("warm", lambda site, out: None),
        ("no output", lambda site, out: remove(out)),
        ("edit", lambda site, out: append_paragraph(site / sites.edited)),
    ]
    for case, before in cases:
        for label, site in (("A", sites.plain), ("B", sites.pictured)):
            out = outs[site]
            name = f"{label} {case}"
            rows[name] = measured(name, site, out, runs, partial(before, site, out))
    cache = sites.pictured / ".newsdesk" / "images"
    cached = folder_bytes(cache) if cache.is_dir() else 0
    print(f"\nB's variants cached in {cache.name}/ of its state folder: {cached / MB:,.1f} MB")
    print_targets(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000, help="articles (default 10,000)")
    parser.add_argument(
        "--images", type=int, default=2_000, help="articles with an image (default 2,000)"
    )
    parser.add_argument("--runs", type=int, default=1, help="median of this many runs")
    parser.add_argument("--keep", action="store_true", help="keep the sites and their output")
    args = parser.parse_args()
    if not 0 < args.images <= args.count:
        parser.error("--images must be between 1 and --count")
    in_scratch_folder(
        "newsdesk-image-build-",
        args.keep,
        "sites and output",
        lambda root: bench(root, args.count, args.images, args.runs),
    )


if __name__ == "__main__":
    main()
