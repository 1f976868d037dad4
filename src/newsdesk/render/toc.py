"""Heading ids (the same as the content layer's toc) and the table of contents."""

import html as htmllib
import re

from newsdesk.content.model import TocEntry
from newsdesk.render.html_text import inline_text
from newsdesk.text.anchors import AnchorSet

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
TOC_LEVELS = range(2, 5)


def add_heading_ids(html: str) -> tuple[str, tuple[TocEntry, ...]]:
    anchors = AnchorSet()
    toc: list[TocEntry] = []

    def with_id(match: re.Match[str]) -> str:
        level = int(match.group(1))
        text = inline_text(match.group(2))
        anchor = anchors.unique(text)
        if level in TOC_LEVELS:
            toc.append(TocEntry(level, text, anchor))
        return f'<h{level} id="{htmllib.escape(anchor)}">{match.group(2)}</h{level}>'

    return _HEADING.sub(with_id, html), tuple(toc)
