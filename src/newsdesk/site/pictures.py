"""Responsive pictures: which smaller versions (variants) of an image beside an article
the site offers, under which URLs, and the markup that offers them. WebP or AVIF at a
few widths for bodies and covers, a cropped thumbnail for the cards of article lists,
a JPEG at most `share_width` wide for social sites. Making the files is the publish
layer's (publish/variants.py); what is made for an image depends only on its content
and the settings, so it is made once."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol
from urllib.parse import quote

from newsdesk.site.config import ImagesSection
from newsdesk.site.image_probe import SUFFIX_FORMATS, ImageInfo

# Formats whose still pictures are made smaller; others (GIF, AVIF, BMP) and every
# animated picture are published as they are. MPO: a JPEG from a phone's camera.
_CONVERTED = ("JPEG", "MPO", "PNG", "WEBP")
# The widest column an article's image is shown in, in CSS pixels (the theme's
# --width).
_COLUMN = 1152
MIME_TYPES = {"webp": "image/webp", "avif": "image/avif", "jpeg": "image/jpeg"}
_SIZED = re.compile(r'\swidth="(\d+)"', re.IGNORECASE)
_HAS_SIZE = re.compile(r"\s(?:width|height)=", re.IGNORECASE)
_SOURCE = re.compile(r'\ssrc="([^"]*)"', re.IGNORECASE)

UNREADABLE = "image-unreadable"
MISLABELED = "image-mislabeled"
TOO_LARGE = "image-too-large"


@dataclass(frozen=True, slots=True)
class Variant:
    """One file made from an image: its name after the image's stem, its width (and
    height, when cropped to it; 0 keeps the proportions), its format."""

    name: str
    width: int
    height: int
    format: str

    @property
    def crop(self) -> bool:
        return self.height > 0


@dataclass(frozen=True, slots=True)
class ImageJob:
    """The variants to make of one image, known by its content hash."""

    fingerprint: str
    source: str
    variants: tuple[Variant, ...]


class VariantStore(Protocol):
    """Where variants are made and kept (publish/variants.py)."""

    def make(self, jobs: Sequence[ImageJob]) -> dict[str, str]:
        """Makes what is not made yet; why each image that could not be read failed,
        by its fingerprint."""
        ...

    def path(self, fingerprint: str, variant: Variant) -> str:
        """The made file."""
        ...


@dataclass(frozen=True, slots=True)
class Picture:
    """An image as pages offer it: the original's URL (site-relative, as HTML holds
    it), its shown size, the variants' URLs and widths by MIME type, and the URLs of
    its card thumbnail ("" for none) and of the version social sites show."""

    src: str
    size: tuple[int, int] | None
    sources: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    card: str = ""
    share: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    fix: str
    left_out: bool = False  # not published at all


def problem(name: str, info: ImageInfo, options: ImagesSection) -> Problem | None:
    """What is wrong with an image file, judged from its header."""
    if not info.format:
        held = "text or HTML" if info.markup else "no image this site can read"
        return Problem(
            UNREADABLE,
            f"'{name}' holds {held}; it is published as it is, without its size",
            "replace it with the picture itself, saved as PNG, JPEG or WebP",
        )
    if info.pixels > options.max_pixels:
        return Problem(
            TOO_LARGE,
            f"'{name}' has {info.pixels:,} pixels, more than [images] max_pixels "
            f"({options.max_pixels:,}); it is left out of the site",
            "scale the picture down, or raise max_pixels in [images]",
            left_out=True,
        )
    if info.file_bytes > options.max_file_kb * 1024:
        return Problem(
            TOO_LARGE,
            f"'{name}' is {info.file_bytes // 1024:,} KB, more than [images] max_file_kb "
            f"({options.max_file_kb:,}); it is published as it is, without smaller versions",
            "compress or scale the picture, or raise max_file_kb in [images]",
        )
    promised = SUFFIX_FORMATS.get(PurePosixPath(name).suffix.lower())
    actual = "JPEG" if info.format == "MPO" else info.format
    if promised and promised != actual:
        return Problem(
            MISLABELED,
            f"'{name}' is named as {promised} but holds a {actual} image",
            f"rename it with the suffix of a {actual} file",
        )
    return None


def plan(info: ImageInfo, options: ImagesSection, cover: bool) -> tuple[Variant, ...]:
    """The variants an image gets: none when variants are off, for animated or other
    formats, or when its header is damaged."""
    if not options.enabled or info.size is None or info.animated:
        return ()
    if info.format not in _CONVERTED:
        return ()
    width = info.size[0]
    widest = max(options.widths)
    widths = sorted({w for w in options.widths if w < width} | {min(width, widest)})
    made = [Variant(f"{w}w.{kind}", w, 0, kind) for kind in options.formats for w in widths]
    if cover:
        kind = options.formats[0] if options.formats else "webp"
        made.append(Variant(f"card.{kind}", options.card_width, options.card_height, kind))
        if width > options.share_width or info.format not in ("JPEG", "PNG"):
            shared = min(width, options.share_width)
            made.append(Variant(f"{shared}w.jpg", shared, 0, "jpeg"))
    return tuple(made)


def variant_url(original: str, variant: Variant) -> str:
    """The variant's URL beside the original's (`/files/<hash>/photo.960w.webp`)."""
    folder, _, name = original.rpartition("/")
    return f"{folder}/{PurePosixPath(name).stem}.{variant.name}"


def picture(
    url: str, info: ImageInfo | None, variants: Sequence[Variant], own: str = ""
) -> Picture:
    """The picture of an image published at `url` (site-relative, unquoted), or at
    `own` (a file of the site's own) with its variants beside `url`."""
    quoted = quote(own or url)
    size = info.size if info else None
    by_type: dict[str, list[tuple[str, int]]] = {}
    card = share = ""
    for variant in variants:
        link = quote(variant_url(url, variant))
        if variant.crop:
            card = link
        elif variant.format == "jpeg":
            share = link
        else:
            by_type.setdefault(MIME_TYPES[variant.format], []).append((link, variant.width))
    sources = tuple((kind, tuple(links)) for kind, links in by_type.items())
    return Picture(quoted, size, sources, card, share or quoted)


def sized(img: str, shown: Picture) -> str:
    """An `<img>` tag with the picture's size when it gives neither width nor height,
    so that its place is kept while it loads."""
    if shown.size is None or _HAS_SIZE.search(img):
        return img
    end = len(img) - (2 if img.endswith("/>") else 1)
    width, height = shown.size
    return f'{img[:end].rstrip()} width="{width}" height="{height}"{img[end:]}'


def offered(img: str, shown: Picture, href: Callable[[str], str]) -> str:
    """An `<img>` tag (already sized) inside a `<picture>` that offers the variants;
    `href` puts a site-relative URL under the site's base path."""
    if not shown.sources:
        return img
    given = _SIZED.search(img)
    width = int(given.group(1)) if given else shown.size[0] if shown.size else _COLUMN
    column = min(width, _COLUMN)
    sizes = f"(max-width: {column}px) 100vw, {column}px"
    sources = "".join(
        f'<source type="{kind}" srcset="{", ".join(f"{href(u)} {w}w" for u, w in links)}"'
        f' sizes="{sizes}">'
        for kind, links in shown.sources
    )
    return f"<picture>{sources}{img}</picture>"


def under(base_path: str) -> Callable[[str], str]:
    """Site-relative URLs put under the base path (`/blog/`)."""
    return lambda url: base_path + url.lstrip("/")


def source_url(img: str) -> str | None:
    found = _SOURCE.search(img)
    return found.group(1) if found else None
