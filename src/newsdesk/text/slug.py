"""URL slugs: ASCII, lower-case, Chinese transliterated to pinyin."""

import re

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_HAS_NON_ASCII = re.compile(r"[^\x00-\x7f]")
MAX_SLUG_LENGTH = 80


def slugify(text: str) -> str:
    """An ASCII slug for text; Chinese characters become their pinyin."""
    if _HAS_NON_ASCII.search(text):
        # Imported here: loading its phrase dictionary is slow (bench/README.md), and most
        # articles never need it (their slug comes from front matter or the file name).
        from pypinyin import Style, lazy_pinyin

        text = "-".join(lazy_pinyin(text, style=Style.NORMAL, errors="default"))
    slug = _NON_SLUG.sub("-", text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug.rfind("-", 0, MAX_SLUG_LENGTH)
        slug = slug[: cut if cut > 0 else MAX_SLUG_LENGTH]
    return slug
