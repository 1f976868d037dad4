"""markdown-it and VitePress `:::` containers: callouts, details and code groups."""

import re

from newsdesk.content.blocks import fenced_lines, scan
from newsdesk.content.compat import forms
from newsdesk.content.compat.context import Context
from newsdesk.content.document import Line

_OPEN = re.compile(r"^\s*(:{3,})\s*([\w-]+)\s*(.*?)\s*$")
_CLOSE = re.compile(r"^\s*(:{3,})\s*$")
_FENCE_LABEL = re.compile(r"^(\s*(?:`{3,}|~{3,})\s*[\w+#.-]*)\s*\[([^\]]*)\](.*)$")


def match(context: Context, lines: list[Line], index: int, written: list[Line]) -> int | None:
    opening = _OPEN.match(lines[index].text)
    if opening is None:
        return None
    end = _closing(lines, index, len(opening.group(1)))
    if end is None:
        return None
    at = lines[index]
    name, title = opening.group(2).lower(), opening.group(3)
    inner = lines[index + 1 : end]
    if name == "details":
        context.did("container-details", at)
        written.extend(forms.details(at, title, context.convert(inner)))
    elif name == "code-group":
        context.did("container-code-group", at)
        written.extend(forms.tabs(at, _code_panes(inner)))
    elif (kind := forms.alert_kind(name)) is not None:
        context.did("container-callout", at)
        written.extend(forms.alert(at, kind, title, context.convert(inner)))
    else:
        context.did("template-tag-unwrapped", at)
        context.warn(
            "unknown-template-tag",
            f"'::: {name}' is not a container newsdesk knows; removed, its inner text kept",
            at,
            len(at.text) - len(at.text.lstrip()),
            "write what it meant in Markdown",
        )
        written.extend(context.convert(inner))
    return end + 1


def _closing(lines: list[Line], index: int, width: int) -> int | None:
    """The line of colons, at least as many as the opening's, that closes it; inner
    containers close first."""
    code, _ = fenced_lines([line.text for line in lines[index + 1 :]])
    depth = 0
    for number in range(index + 1, len(lines)):
        if number - index - 1 in code:
            continue
        text = lines[number].text
        if _OPEN.match(text):
            depth += 1
        elif (closing := _CLOSE.match(text)) is not None:
            if depth:
                depth -= 1
            elif len(closing.group(1)) >= width:
                return number
    return None


def _code_panes(inner: list[Line]) -> list[tuple[str, list[Line]]]:
    """Each fenced block of a code group, labelled by its `[label]` or its language."""
    panes: list[tuple[str, list[Line]]] = []
    for block in scan([line.text for line in inner]):
        if block.kind != "fence":
            continue
        first = inner[block.start]
        labelled = _FENCE_LABEL.match(first.text)
        label = labelled.group(2) if labelled else block.text.split()[0] if block.text else ""
        text = (labelled.group(1) + labelled.group(3)).rstrip() if labelled else first.text
        opening = Line(first.no, text, first.shift)
        panes.append((label or str(len(panes) + 1), [opening, *inner[block.start + 1 : block.end]]))
    return panes
