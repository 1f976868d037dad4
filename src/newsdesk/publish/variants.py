"""Image variants made with libvips, once per image content and settings, and kept in
the site's state folder: a rebuild or a restarted server finds them there. Images are
converted in worker processes on every core, each within a time limit; one that
cannot be decoded is recorded as such and not tried again until it changes.

libvips against Pillow, measured by bench/images.py: libvips makes the same variants
in less time and memory (it shrinks JPEGs while decoding them and streams the rest)."""

import os
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from newsdesk.content.parallel import ProgressFactory
from newsdesk.site.config import ImagesSection
from newsdesk.site.pictures import ImageJob, Variant
from newsdesk.text.digest import digest

# Changes when variants are made differently: they are then made again.
_VARIANTS_FORMAT = 1
# Encoder effort, from 0 (fastest); bench/images.py weighs time against bytes.
_EFFORT = {"webp": 2, "avif": 0}
_FAILED = "failed"
# A height no image reaches: libvips then fits the width alone.
_ANY_HEIGHT = 10_000_000


class ImageVariants:
    """The variants of a site's images, in `folder` (the state folder's images)."""

    def __init__(
        self, folder: Path, options: ImagesSection, progress: ProgressFactory | None = None
    ):
        self.folder = folder / digest(_VARIANTS_FORMAT, options.quality)[:10]
        self.options = options
        self.progress = progress
        # What this process has seen on disk: made variants and failed images.
        self._made: set[str] = set()
        self._failed: dict[str, str] = {}

    def path(self, fingerprint: str, variant: Variant) -> str:
        return str(self._image_folder(fingerprint) / variant.name)

    def make(self, jobs: Sequence[ImageJob]) -> dict[str, str]:
        """Makes the variants not made yet; why each image that failed did, by its
        fingerprint."""
        todo = [job for job in jobs if not self._known(job)]
        if todo:
            self._convert(todo)
        failed = self._failed
        return {
            job.fingerprint: failed[job.fingerprint] for job in jobs if job.fingerprint in failed
        }

    def _image_folder(self, fingerprint: str) -> Path:
        return self.folder / fingerprint[:2] / fingerprint

    def _known(self, job: ImageJob) -> bool:
        """Whether the job's outcome is on disk (or seen before by this process)."""
        if job.fingerprint in self._failed:
            return True
        folder = self._image_folder(job.fingerprint)
        paths = [str(folder / v.name) for v in job.variants]
        if all(p in self._made or os.path.exists(p) for p in paths):
            self._made.update(paths)
            return True
        failed = folder / _FAILED
        if failed.exists():
            self._failed[job.fingerprint] = failed.read_text(encoding="utf-8")
            return True
        return False

    def _convert(self, jobs: list[ImageJob]) -> None:
        advance = self.progress(len(jobs), "生成图片") if self.progress else None
        settings = (self.options.quality, self.options.timeout)
        workers = min(os.cpu_count() or 1, len(jobs))
        pending: dict[Future[str | None], ImageJob] = {}
        try:
            with ProcessPoolExecutor(
                workers, mp_context=get_context("spawn"), initializer=_start_worker
            ) as pool:
                for job in jobs:
                    folder = str(self._image_folder(job.fingerprint))
                    pending[pool.submit(_convert, job, folder, *settings)] = job
                for future in list(pending):
                    failure = future.result()
                    self._record(pending.pop(future), failure)
                    if advance:
                        advance(1)
        except BrokenProcessPool:
            # A worker died (a decoder crashed): what it left unfinished is tried again
            # next time, and reported now.
            for job in pending.values():
                self._failed[job.fingerprint] = "the image decoder stopped"

    def _record(self, job: ImageJob, failure: str | None) -> None:
        folder = self._image_folder(job.fingerprint)
        if failure is None:
            self._made.update(str(folder / v.name) for v in job.variants)
        else:
            self._failed[job.fingerprint] = failure


def _start_worker() -> None:
    import pyvips

    pyvips.cache_set_max(0)  # each image is read once
    pyvips.concurrency_set(1)  # one image per core, each on its own


def _convert(job: ImageJob, folder: str, quality: int, timeout: int) -> str | None:
    """Writes the job's variants into `folder`; why the image cannot be read, if so
    (recorded beside them)."""
    import pyvips

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    widest = max(v.width for v in job.variants)
    try:
        # Decoded once, shrunk while decoding where the format allows, turned as its
        # EXIF orientation says; every variant is made from this copy.
        image = pyvips.Image.thumbnail(
            job.source, widest, height=_ANY_HEIGHT, size="down", fail_on="truncated"
        )
        _limit_time(image, timeout)
        image = image.copy_memory()
        for variant in job.variants:
            _write(target / variant.name, _encoded(_shaped(image, variant), variant, quality))
    except pyvips.Error as error:
        reason = _reason(str(error))
        _write(target / _FAILED, reason.encode())
        return reason
    return None


def _shaped(image: Any, variant: Variant) -> Any:
    if variant.crop:
        return image.thumbnail_image(variant.width, height=variant.height, crop="centre")
    if variant.width >= image.width:
        return image
    return image.thumbnail_image(variant.width, height=_ANY_HEIGHT)


def _encoded(image: Any, variant: Variant, quality: int) -> bytes:
    """The variant's bytes, without metadata but the colour profile (no place, no
    camera)."""
    if variant.format == "jpeg":
        if image.hasalpha():
            image = image.flatten(background=[255, 255, 255])
        data: bytes = image.write_to_buffer(".jpg", Q=quality, keep="icc", optimize_coding=True)
        return data
    effort = _EFFORT[variant.format]
    data = image.write_to_buffer(f".{variant.format}", Q=quality, effort=effort, keep="icc")
    return data


def _limit_time(image: Any, seconds: int) -> None:
    """Stops decoding the image once it has taken `seconds`."""
    started = time.monotonic()

    def check(_: Any, __: Any) -> None:
        if time.monotonic() - started > seconds:
            image.set_kill(True)

    image.set_progress(True)
    image.signal_connect("eval", check)


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a build and a server may make the same variant at once."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _reason(error: str) -> str:
    """libvips's message, the line that names the cause."""
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    if any("killed" in line for line in lines):
        return "it took longer than [images] timeout allows"
    return lines[-1] if lines else "unknown error"
