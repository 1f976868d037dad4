"""One pass over a body: paired tags and containers as blocks, the rest line by
line, never inside code."""

import bisect
import functools
import os
import re
from collections.abc import Callable
from typing import Any

from newsdesk.content.compat import containers, hexo, hugo, kramdown, liquid, markers
from newsdesk.content.compat.codes import REPAIRS
from newsdesk.content.compat.context import Context
from newsdesk.content.compat.forms import escape_braces
from newsdesk.content.compat.tags import (
    INLINE,
    QUICK,
    TRIGGER,
    BlockHandler,
    InlineHandler,
    Tag,
    code_lines,
    code_spans,
    escape_outside_code,
    in_code,
    pairs,
    tag_of,
    whole_tag,
)
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.document import Line
from newsdesk.content.options import CompatOptions
from newsdesk.content.repair import Repair

# A block conversion: (context, lines, index, lines written so far) -> the index after
# what it consumed, or None when lines[index] is none of its.
BlockMatcher = Callable[[Context, list[Line], int, list[Line]], int | None]

_BLOCKS: dict[str, dict[str, BlockHandler]] = {
    "liquid": {**hexo.BLOCKS, **liquid.BLOCKS},
    "hugo": hugo.BLOCKS,
}
_INLINE: dict[str, dict[str, InlineHandler]] = {
    "liquid": {**hexo.INLINE, **liquid.INLINE},
    "hugo": hugo.INLINE,
}
_MATCHERS: tuple[BlockMatcher, ...] = (markers.match, kramdown.match)
_HTML_LINE = re.compile(r"^\s*</?(?:figure|details|iframe|img)\b")
_LINE_HAS_SYNTAX = re.compile(r"\{[%{:#]|:::|toc", re.IGNORECASE)


def convert_body(
    lines: list[Line], body: int, file: str, page: dict[str, Any], options: CompatOptions
) -> tuple[list[Repair], list[Diagnostic]]:
    """Convert lines[body:] in place; the repairs made and the warnings found."""
    text = "\n".join([line.text for line in lines[body:]])
    if not QUICK.search(text) or not TRIGGER.search(text):
        return [], []
    context = Context(os.path.abspath(file), options, page, convert=lambda _: [])
    context.convert = lambda inner: convert_lines(context, inner)
    lines[body:] = convert_lines(context, lines[body:])
    repairs = [Repair(code, number, REPAIRS[code]) for code, number in context.done.items()]
    return repairs, context.warnings


def convert_lines(context: Context, lines: list[Line]) -> list[Line]:
    code = code_lines([line.text for line in lines])
    closing = pairs(lines) | containers.closings(lines, code)
    written: list[Line] = []
    index = 0
    while index < len(lines):
        current = lines[index]
        if index in code or not _LINE_HAS_SYNTAX.search(current.text):
            written.append(current)
            index += 1
            continue
        after = _block(context, lines, index, written, closing.get(index))
        if after is None:
            made = convert_line(context, current)
            # A line that held only tags removed goes, rather than leave a gap.
            written.extend(made if any(not item.blank for item in made) else [])
            after = index + 1
        # An HTML block runs on to the next blank line: one a conversion wrote must
        # not take in the Markdown after it.
        if (
            written
            and _HTML_LINE.match(written[-1].text)
            and after < len(lines)
            and not lines[after].blank
        ):
            written.append(Line(written[-1].no, "", written[-1].shift))
        index = after
    return written


def _block(
    context: Context, lines: list[Line], index: int, written: list[Line], end: int | None
) -> int | None:
    """Convert the block lines[index] opens (a paired tag or a container when `end`
    is its closing line); the index after it, or None when it opens none."""
    for matcher in _MATCHERS:
        if (after := matcher(context, lines, index, written)) is not None:
            return after
    if end is not None and containers.opens(lines[index].text):
        containers.match(context, lines, index, end, written)
        return end + 1
    tag = whole_tag(lines[index].text)
    if end is None or tag is None or tag.name not in _BLOCKS[tag.family]:
        return None
    opening = lines[index]
    written.extend(_BLOCKS[tag.family][tag.name](context, tag, opening, lines[index + 1 : end]))
    return end + 1


def convert_line(context: Context, line: Line) -> list[Line]:
    """One line's tags, variables and attribute lists converted; more than one line
    when a conversion made a block of it."""
    text = line.text
    spans = code_spans(text)
    parts: list[str] = []
    position = 0
    while (match := INLINE.search(text, position)) is not None:
        if in_code(spans, match.start()):
            parts.append(text[position : match.start() + 1])
            position = match.start() + 1
            continue
        parts.append(text[position : match.start()])
        replacement, position = _replace(context, line, match)
        parts.append(replacement)
    parts.append(text[position:])
    converted = "".join(parts)
    if converted == text:
        return [line]
    if not text[-1:].isspace():  # a tag removed at the end leaves no space behind
        converted = converted.rstrip()
    pieces = converted.split("\n")
    return [Line(line.no, piece, line.shift) for piece in pieces]


def _replace(context: Context, line: Line, match: re.Match[str]) -> tuple[str, int]:
    """The text that replaces a match and where scanning goes on."""
    end = match.end()
    if match["raw"] is not None:
        context.did("liquid-raw", line)
        return escape_outside_code(match["raw"]), end
    if match["escaped"] is not None:
        context.did("hugo-shortcode-escaped", line)
        delimiter = match.group(0)[2]
        closing = ">" if delimiter == "<" else "%"
        return escape_braces(f"{{{{{delimiter}{match['escaped']}{closing}}}}}"), end
    if match["expr"] is not None:
        return liquid.expression(context, match["expr"], line, match.start()), end
    if match["image"] is not None or match["kext"] is not None or match["ial"] is not None:
        return kramdown.inline(context, match, line), end
    if match["hid"] is not None:
        if not line.text.lstrip().startswith("#"):
            return match.group(0), end  # only a heading takes an id this way
        context.did("kramdown-ial", line)
        return "", end
    if match["comment"] is not None or match["lname"] == "comment":
        context.did("liquid-comment", line)
        return "", end
    tag = tag_of(match)
    return _tag(context, line, tag)


def _tag(context: Context, line: Line, tag: Tag) -> tuple[str, int]:
    blocks = _BLOCKS[tag.family]
    if not tag.closing and tag.name in blocks:
        found = _same_line_closer(line.text, tag)
        if found is not None:
            inner_start, inner_end, after = found
            inner = Line(line.no, line.text[inner_start:inner_end], line.shift + inner_start)
            made = blocks[tag.name](context, tag, line, [inner])
            return "\n".join(made_line.text for made_line in made), after
    handler = _INLINE[tag.family].get(tag.name)
    if handler is not None and not tag.closing:
        return handler(context, tag, line), tag.end
    return unknown(context, tag, line), tag.end


def _same_line_closer(text: str, tag: Tag) -> tuple[int, int, int] | None:
    """(start, end) of what a paired tag holds on its own line, and where its closing
    tag ends."""
    found = _closings(text, tag.family, tag.name)
    at = bisect.bisect_left(found, (tag.end, tag.end))
    return None if at == len(found) else (tag.end, *found[at])


@functools.lru_cache(maxsize=16)
def _closings(text: str, family: str, name: str) -> list[tuple[int, int]]:
    """Where the closing tags of a name are in a line: found once for all of the
    line's openings."""
    if family == "liquid":
        pattern = r"\{%-?\s*end" + re.escape(name) + r"\s*-?%\}"
    else:
        pattern = r"\{\{[<%]\s*/\s*" + re.escape(name) + r"\s*[>%]\}\}"
    return [match.span() for match in re.finditer(pattern, text)]


def unknown(context: Context, tag: Tag, line: Line) -> str:
    """An unknown tag is removed with a warning; what a pair of them holds stays."""
    context.did("template-tag-unwrapped", line)
    if not tag.closing:
        shown = f"{{% {tag.name} %}}" if tag.family == "liquid" else f"{{{{< {tag.name} >}}}}"
        context.warn(
            "unknown-template-tag",
            f"{shown} is not a tag newsdesk knows; removed, its inner text kept",
            line,
            tag.start,
            "write what it meant in Markdown",
        )
    return ""
