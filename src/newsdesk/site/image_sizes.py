"""The size a raster image is shown at, read from its file's header (nothing is
decoded), so that pages reserve its place and text does not move while it loads."""

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp")
# EXIF orientations that turn the picture a quarter: browsers show it turned.
_QUARTER_TURNS = {5, 6, 7, 8}
_ORIENTATION_TAG = 0x0112


def shown_size(path: Path) -> tuple[int, int] | None:
    """(width, height) as a browser shows the image, or None when the file is not a
    raster image it can read (a mislabeled, truncated or foreign file)."""
    if path.suffix.lower() not in RASTER_SUFFIXES:
        return None
    try:
        with warnings.catch_warnings():
            # A huge image's size is still its size; nothing is decoded here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                orientation = image.getexif().get(_ORIENTATION_TAG)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    if width <= 0 or height <= 0:
        return None
    return (height, width) if orientation in _QUARTER_TURNS else (width, height)
