"""The text of rendered HTML that a reader reads as prose: outside tags, and outside
the elements whose text is verbatim (code) or not prose (MathML)."""

import re
from collections.abc import Callable

_PART = re.compile(r"(<[^>]*>)")
_VERBATIM = {"pre", "code", "kbd", "samp", "script", "style", "textarea", "math"}
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")


def map_prose(html: str, transform: Callable[[str], str]) -> str:
    """html with `transform` applied to each run of prose text."""
    parts = _PART.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if index % 2:
            name = _TAG_NAME.match(part)
            if name and name.group(1).lower() in _VERBATIM and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
                depth = max(depth, 0)
        elif depth == 0 and part:
            parts[index] = transform(part)
    return "".join(parts)
