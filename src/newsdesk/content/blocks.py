"""A line-level scan of Markdown block structure: enough to find code, headings
and paragraphs quickly, without rendering."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal[
    "fence", "code", "heading", "paragraph", "list", "quote", "table", "html", "rule"
]

FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`]*?)\s*$")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_QUOTE = re.compile(r"^ {0,3}>")
_HTML = re.compile(r"^ {0,3}<(?:[A-Za-z][A-Za-z0-9-]*|/[A-Za-z]|!--)")


@dataclass(frozen=True, slots=True)
class Block:
    """lines[start:end] form one block; `level` and `text` are set for headings
    (the heading text) and fences (the info string)."""

    kind: BlockKind
    start: int
    end: int
    level: int = 0
    text: str = ""
    closed: bool = True


def is_fence_close(line: str, marker: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) >= len(marker)
        and stripped[0] == marker[0]
        and stripped == stripped[0] * len(stripped)
    )


def fenced_lines(lines: list[str]) -> tuple[set[int], int | None]:
    """Indices of lines inside fenced code (fences included), and the index of a
    fence left open, if any; much cheaper than a full scan."""
    inside: set[int] = set()
    marker = ""
    opened = 0
    for index, line in enumerate(lines):
        if marker:
            inside.add(index)
            if is_fence_close(line, marker):
                marker = ""
        elif "``" in line or "~~" in line:
            fence = FENCE_OPEN.match(line)
            if fence:
                marker, opened = fence.group(2), index
                inside.add(index)
    return inside, (opened if marker else None)


def scan(lines: list[str]) -> list[Block]:
    """The blocks of a Markdown body, in order; blank lines belong to none."""
    blocks: list[Block] = []
    count = len(lines)
    index = 0
    while index < count:
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        block = _scan_one(lines, index, blocks[-1] if blocks else None)
        blocks.append(block)
        index = block.end
    return blocks


def _scan_one(lines: list[str], index: int, previous: Block | None) -> Block:
    line = lines[index]
    fence = FENCE_OPEN.match(line)
    if fence:
        marker = fence.group(2)
        end = index + 1
        while end < len(lines) and not is_fence_close(lines[end], marker):
            end += 1
        closed = end < len(lines)
        return Block("fence", index, end + 1 if closed else end, text=fence.group(3), closed=closed)
    heading = ATX.match(line)
    if heading:
        return Block("heading", index, index + 1, len(heading.group(1)), heading.group(2) or "")
    if _RULE.match(line):
        return Block("rule", index, index + 1)
    indented = len(line) - len(line.lstrip(" ")) >= 4 or line.startswith("\t")
    if indented and (previous is None or previous.kind != "list"):
        return Block("code", index, _extent(lines, index, _is_indented_or_blank))
    if line.lstrip().startswith("|"):
        return Block("table", index, _extent(lines, index, lambda text: "|" in text))
    if _QUOTE.match(line):
        return Block("quote", index, _extent(lines, index, _is_text))
    if _LIST.match(line):
        return Block("list", index, _list_end(lines, index))
    if line.lstrip().startswith("<!--"):  # a comment ends at its -->, not at a blank line
        end = index
        while end < len(lines) - 1 and "-->" not in lines[end]:
            end += 1
        return Block("html", index, end + 1)
    if _HTML.match(line):
        return Block("html", index, _extent(lines, index, _is_text))
    end = index + 1
    while end < len(lines):
        text = lines[end]
        if not text.strip():
            break
        if _SETEXT.match(text):
            level = 1 if text.strip()[0] == "=" else 2
            title = " ".join(part.strip() for part in lines[index:end])
            return Block("heading", index, end + 1, level, title)
        if _interrupts(text):
            break
        end += 1
    return Block("paragraph", index, end)


def _is_text(text: str) -> bool:
    return bool(text.strip())


def _is_indented_or_blank(text: str) -> bool:
    return not text.strip() or text.startswith(("    ", "\t"))


def _extent(lines: list[str], index: int, belongs: Callable[[str], bool]) -> int:
    end = index + 1
    while end < len(lines) and belongs(lines[end]):
        end += 1
    # Trailing blank lines are not part of the block.
    while end > index + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _list_end(lines: list[str], index: int) -> int:
    """A list runs on through blank lines while indented or new items follow."""
    end = index + 1
    while end < len(lines):
        text = lines[end]
        if text.strip():
            if not text.startswith((" ", "\t")) and _interrupts(text) and not _LIST.match(text):
                break
            end += 1
            continue
        following = end + 1
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following < len(lines) and (
            lines[following].startswith((" ", "\t")) or _LIST.match(lines[following])
        ):
            end = following
            continue
        break
    return end


def _interrupts(text: str) -> bool:
    """Whether a line starts a new block in the middle of a paragraph."""
    return bool(
        FENCE_OPEN.match(text)
        or ATX.match(text)
        or _RULE.match(text)
        or _QUOTE.match(text)
        or _LIST.match(text)
        or text.lstrip().startswith("|")
    )
