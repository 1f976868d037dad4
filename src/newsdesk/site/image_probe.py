"""What a file beside an article holds as an image, read from its header (nothing is
decoded): its format, the size it is shown at, whether it moves. Pages reserve the
image's place from it, and the site decides from it which variants to make."""

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp")
# The format each suffix promises.
SUFFIX_FORMATS = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".gif": "GIF",
    ".webp": "WEBP",
    ".avif": "AVIF",
    ".bmp": "BMP",
}
# EXIF orientations that turn the picture a quarter: browsers show it turned.
_QUARTER_TURNS = {5, 6, 7, 8}
_ORIENTATION_TAG = 0x0112
# Pillow refuses to open a file whose header claims too many pixels; here nothing is
# decoded, and the site applies its own limit (ImagesSection.max_pixels) to the size
# read. No pixels are decoded with Pillow in this process: libvips makes the variants.
Image.MAX_IMAGE_PIXELS = None


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """A raster file's header: `format` as Pillow names it ("" when the file is not an
    image it can read), the size a browser shows it at, its stored pixels, and
    whether it has more than one frame."""

    format: str
    size: tuple[int, int] | None
    file_bytes: int
    pixels: int = 0
    animated: bool = False
    # When the file is not an image: whether it starts like text or HTML (`<`).
    markup: bool = False


def probe(path: Path) -> ImageInfo | None:
    """The file's image header; None when its name is not that of a raster image."""
    if path.suffix.lower() not in RASTER_SUFFIXES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged header warns; it is reported below
            with Image.open(path) as image:
                width, height = image.size
                orientation = _orientation(image)
                animated = bool(getattr(image, "is_animated", False))
                kind = image.format or ""
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, EOFError):
        return _unreadable(path)
    if width <= 0 or height <= 0:
        return _unreadable(path)
    shown = (height, width) if orientation in _QUARTER_TURNS else (width, height)
    return ImageInfo(kind, shown, path.stat().st_size, width * height, animated)


def _orientation(image: Image.Image) -> int | None:
    """The EXIF orientation read from the header: a PNG's EXIF chunk counts only
    before its pixels (Pillow would decode the whole image to look after them)."""
    if image.format == "PNG" and "exif" not in image.info:
        return None
    value = image.getexif().get(_ORIENTATION_TAG)
    return value if isinstance(value, int) else None


def _unreadable(path: Path) -> ImageInfo:
    try:
        with path.open("rb") as file:
            start = file.read(64)
        size = path.stat().st_size
    except OSError:
        start, size = b"", 0
    return ImageInfo("", None, size, markup=start.lstrip()[:1] == b"<")
