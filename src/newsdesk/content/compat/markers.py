"""Table of contents markers of other tools, written as newsdesk's `[TOC]`."""

import re

from newsdesk.content.compat import forms
from newsdesk.content.compat.context import Context
from newsdesk.content.document import Line

_MARKER = re.compile(r"^\s*(?:\[\[toc\]\]|\[toc\]|<!--\s*toc\s*-->)\s*$", re.IGNORECASE)
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
    end = next(
        (n for n in range(index + 1, len(lines)) if _GENERATED_END.match(lines[n].text)), None
    )
    return index + 1 if end is None else end + 1
