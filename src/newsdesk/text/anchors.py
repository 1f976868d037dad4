"""Heading anchors that keep Chinese characters and are unique on a page."""

import re

_DROP = re.compile(r"[^\w\s-]", re.UNICODE)
_SPACES = re.compile(r"[\s_]+")


def heading_id(text: str) -> str:
    """An anchor id for a heading: lower-case, punctuation dropped, spaces as '-'."""
    slug = _SPACES.sub("-", _DROP.sub("", text.strip().lower()))
    return slug.strip("-") or "section"


class AnchorSet:
    """Hands out heading ids, suffixing repeats (`id`, `id-1`, `id-2`, ...)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def unique(self, text: str) -> str:
        base = heading_id(text)
        candidate = base
        while candidate in self._seen:
            self._seen[base] += 1
            candidate = f"{base}-{self._seen[base]}"
        self._seen[candidate] = 0
        return candidate
