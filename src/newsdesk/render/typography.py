"""CJK typography on rendered HTML: text outside code gets 盘古之白 spacing."""

import re

from newsdesk.text.cjk import space_cjk_latin_text

_PART = re.compile(r"(<[^>]*>)")
_VERBATIM = {"pre", "code", "kbd", "samp", "script", "style", "textarea"}
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")


def space_cjk_latin(html: str) -> str:
    parts = _PART.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if index % 2:
            name = _TAG_NAME.match(part)
            if name and name.group(1).lower() in _VERBATIM:
                depth += -1 if part.startswith("</") else 1
                depth = max(depth, 0)
        elif depth == 0 and part:
            parts[index] = space_cjk_latin_text(part)
    return "".join(parts)
