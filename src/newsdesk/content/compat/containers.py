"""markdown-it and VitePress `:::` containers: callouts, details and code groups."""

import re

from newsdesk.content.blocks import scan
from newsdesk.content.compat import forms
from newsdesk.content.compat.context import Context
from newsdesk.content.document import Line

_OPEN = re.compile(r"^\s*(:{3,})\s*([\w-]+)\s*(.*?)\s*$")
_CLOSE = re.compile(r"^\s*(:{3,})\s*$")
_FENCE_LABEL = re.compile(r"^(\s*(?:`{3,}|~{3,})\s*[\w+#.-]*)\s*\[([^\]]*)\](.*)$")


def opens(text: str) -> bool:
    return ":::" in text and _OPEN.match(text) is not None


def match(context: Context, lines: list[Line], index: int, end: int, written: list[Line]) -> None:
    """Convert the container lines[index] opens and lines[end] closes."""
    opening = _OPEN.match(lines[index].text)
    assert opening is not None, "closings() pairs only opening lines"
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


def closings(lines: list[Line], code: set[int]) -> dict[int, int]:
    """Each container's opening line to its closing one: a line of at least as many
    colons, inner containers closing first; found in one pass."""
    found: dict[int, int] = {}
    stack: list[tuple[int, int]] = []
    for number, line in enumerate(lines):
        if number in code or ":::" not in line.text:
            continue
        if opening := _OPEN.match(line.text):
            stack.append((number, len(opening.group(1))))
        elif (closing := _CLOSE.match(line.text)) and stack and stack[-1][1] <= len(closing[1]):
            found[stack.pop()[0]] = number
    return found


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
