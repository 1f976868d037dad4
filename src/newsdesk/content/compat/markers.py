"""Table of contents markers of other tools, written as newsdesk's `[TOC]`."""

import re

from newsdesk.content.compat import forms
from newsdesk.content.compat.context import Context
from newsdesk.content.document import Line

_MARKER = re.compile(r"^\s*(?:\[\[toc\]\]|\[toc\]|<!--\s*toc\s*-->)\s*$", re.IGNORECASE)
_GENERATED_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")
_GENERATED_END = re.compile(r"^\s*<!--\s*tocstop\s*-->\s*$", re.IGNORECASE)


def match(context: Context, lines: list[Line], index: int, written: list[Line]) -> int | None:
    current = lines[index]
    if current.text == "[TOC]" or not _MARKER.match(current.text):
        return None
    context.did("toc-marker", current)
    written.append(forms.line(current, "[TOC]"))
    if not current.text.lstrip().startswith("<!--"):
        return index + 1
    # markdown-toc writes the list it generated between `<!-- toc -->` and `<!-- tocstop -->`.
    end = index + 1
    while end < len(lines) and (lines[end].blank or _GENERATED_ITEM.match(lines[end].text)):
        end += 1
    return end + 1 if end < len(lines) and _GENERATED_END.match(lines[end].text) else index + 1
