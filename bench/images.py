"""Benchmark: responsive image variants, Pillow against libvips (pyvips).

    python bench/images.py [--count N] [--runs R] [--widths 480,960,1440]

Makes N photographs and screenshots of the sizes tech articles carry (JPEG and PNG,
1600–3200 pixels wide, in a temporary folder), then each way makes every variant a
page offers for each: WebP at each width (never wider than the original), EXIF
orientation applied and metadata dropped, with Pillow and with libvips (each width
decoded afresh, at the encoder's default effort); then decoded once, WebP at that
effort and at effort 2 (as newsdesk makes them), the same as AVIF at effort 0 (the
format `[images] formats` may add), and the decoding alone. Prints milliseconds per
image (median of R runs, one core), the variants' total bytes, and peak memory of a
run in a child process. libvips (pyvips with its own build) is newsdesk's; Pillow
reads image headers for it.
"""

import argparse
import io
import multiprocessing
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

import pyvips
from PIL import Image, ImageDraw, ImageOps

Variants = Callable[[Path, list[int]], int]
QUALITY = 80
# A height no image reaches: libvips then fits the width alone.
ANY_HEIGHT = 10_000_000


def make_images(folder: Path, count: int) -> list[Path]:
    """Photos (smooth gradients, JPEG) and screenshots (flat colours and text, PNG)."""
    made = []
    for n in range(count):
        width = 1600 + (n * 400) % 1700
        height = width * 3 // 4
        picture = Image.linear_gradient("L").resize((width, height)).convert("RGB")
        draw = ImageDraw.Draw(picture)
        for line in range(0, height, 48):
            draw.text((40, line), f"第 {n} 张 · 终端输出 line {line}", fill=(20, 20, 20))
        if n % 2:
            path = folder / f"shot-{n}.png"
            picture.quantize(64).save(path)
        else:
            path = folder / f"photo-{n}.jpg"
            picture.save(path, quality=90)
        made.append(path)
    return made


def pillow_variants(path: Path, widths: list[int]) -> int:
    written = 0
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    for width in widths:
        if width > image.width:
            continue
        height = round(image.height * width / image.width)
        out = io.BytesIO()
        image.resize((width, height), Image.Resampling.LANCZOS).save(
            out, "WEBP", quality=QUALITY, method=4
        )
        written += out.tell()
    return written


def vips_variants(path: Path, widths: list[int], suffix: str = ".webp", effort: int = 4) -> int:
    """Each width decoded afresh (shrunk while decoding where the format allows)."""
    written = 0
    for width in widths:
        image = pyvips.Image.thumbnail(str(path), width, height=ANY_HEIGHT, size="down")
        if image.width < width:  # never wider than the original, as with Pillow
            continue
        data = image.write_to_buffer(suffix, Q=QUALITY, effort=effort, keep="icc")
        written += len(data)
    return written


def vips_once(path: Path, widths: list[int], suffix: str = ".webp", effort: int = 2) -> int:
    """As newsdesk makes them: decoded once at the widest width, each narrower width
    resized from that copy."""
    written = 0
    image = pyvips.Image.thumbnail(str(path), max(widths), height=ANY_HEIGHT, size="down")
    image = image.copy_memory()
    for width in widths:
        if width > image.width:
            continue
        shown = image if width == image.width else image.thumbnail_image(width, height=ANY_HEIGHT)
        written += len(shown.write_to_buffer(suffix, Q=QUALITY, effort=effort, keep="icc"))
    return written


def vips_decode(path: Path, widths: list[int]) -> int:
    """Only the decoding every way above starts with (shrunk to the widest width where
    the format allows): the floor of any variant's cost."""
    pyvips.Image.thumbnail(str(path), max(widths), height=ANY_HEIGHT, size="down").copy_memory()
    return 0


LIBRARIES: dict[str, Variants] = {
    "Pillow WebP": pillow_variants,
    "libvips WebP": vips_variants,
    "libvips WebP, decoded once, effort 4": partial(vips_once, effort=4),
    "libvips WebP, decoded once, effort 2 (newsdesk)": vips_once,
    "libvips AVIF, decoded once, effort 0": partial(vips_once, suffix=".avif", effort=0),
    "libvips decoding only": vips_decode,
}


def timed(
    variants: Variants, images: list[Path], widths: list[int], runs: int
) -> tuple[float, int]:
    """Median milliseconds per image, and the bytes of one run's variants."""
    times, written = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        written = sum(variants(path, widths) for path in images)
        times.append((time.perf_counter() - start) / len(images) * 1000)
    return statistics.median(times), written


def _peak(name: str, images: list[Path], widths: list[int], sender: Connection) -> None:
    for path in images:
        LIBRARIES[name](path, widths)
    sender.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def peak_mb(name: str, images: list[Path], widths: list[int]) -> float:
    """Peak resident memory of a child (forked before either library ran) that makes
    every variant with one library."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_peak, args=(name, images, widths, sender))
    child.start()
    peak: float = receiver.recv()
    child.join()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--widths", default="480,960,1440")
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    pyvips.cache_set_max(0)  # every run decodes afresh, as a build does
    pyvips.concurrency_set(1)  # one core each: a build runs one image per core
    with tempfile.TemporaryDirectory() as scratch:
        images = make_images(Path(scratch), args.count)
        print(f"{len(images)} images, variants at {widths} px, quality {QUALITY}")
        peaks = {name: peak_mb(name, images, widths) for name in LIBRARIES}
        results = {name: timed(v, images, widths, args.runs) for name, v in LIBRARIES.items()}
        fastest = min(ms for ms, _ in results.values())
        for name, (ms, written) in results.items():
            print(
                f"{name:48} {ms:8.1f} ms/image  {ms / fastest:4.1f}×"
                f"  {written / 1024:9.0f} KB of variants  peak {peaks[name]:5.0f} MB"
            )


if __name__ == "__main__":
    main()
