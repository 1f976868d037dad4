"""Heading ids (the same as the content layer's toc), the table of contents, and the
`[TOC]` marker that places it in the body."""

import html as htmllib
import re

from newsdesk.content.model import TocEntry
from newsdesk.render.html_text import inline_text
from newsdesk.render.labels import label
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


_MARKER = "<p>[TOC]</p>\n"


def place_toc_marker(html: str, toc: tuple[TocEntry, ...], language: str) -> str:
    """A `[TOC]` paragraph becomes the table of contents, or nothing without headings."""
    if _MARKER not in html:
        return html
    if not toc:
        return html.replace(_MARKER, "")
    name = htmllib.escape(label(language, "toc"), quote=True)
    nav = f'<nav class="toc-inline" aria-label="{name}">\n{_nested_list(toc)}</nav>\n'
    return html.replace(_MARKER, nav)


def _nested_list(toc: tuple[TocEntry, ...]) -> str:
    """The entries as lists within list items, one list deeper per level going down
    (a skipped level nests once); going up, an entry joins the list of the nearest
    shallower heading."""
    parts = ["<ul>\n"]
    levels = [toc[0].level]
    for index, entry in enumerate(toc):
        if index:
            if entry.level > levels[-1]:
                parts.append("\n<ul>\n")
                levels.append(entry.level)
            else:
                parts.append("</li>\n")
                while len(levels) > 1 and entry.level <= levels[-2]:
                    levels.pop()
                    parts.append("</ul>\n</li>\n")
                levels[-1] = min(levels[-1], entry.level)
        link = f'<a href="#{htmllib.escape(entry.id)}">{htmllib.escape(entry.text)}</a>'
        parts.append(f"<li>{link}")
    parts.append("</li>\n" + "</ul>\n</li>\n" * (len(levels) - 1) + "</ul>\n")
    return "".join(parts)
