"""Finding template tags in a line, outside its code spans."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from newsdesk.content.blocks import scan
from newsdesk.content.compat.context import Context
from newsdesk.content.compat.forms import escape_braces
from newsdesk.content.document import Line

Family = Literal["liquid", "hugo"]

# What every syntax converted here holds, as plain text: a body without any costs one
# quick search (TRIGGER, exact but slower, runs only when this finds something).
QUICK = re.compile(r"\{[%{:]|:::|toc\]|TOC\]|<!-- ?(?:toc|TOC)")
# The openings of every syntax converted here.
TRIGGER = re.compile(
    r"\{[%{:]|^[ \t]*:::|\[\[toc\]\]|<!--[ \t]*toc|^[ \t]*\[toc\][ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# What a tag may hold: bounded, and never the opening of another tag of its kind, so
# that a line of a thousand unclosed openings costs one short look at each.
_LIQUID_ARGS = r"(?:[^%{\n]|%(?!\})|\{(?!%)){0,500}?"
_HUGO_ARGS = r"(?:[^>%{\n]|[>%](?!\}\})|\{(?!\{)){0,500}?"
_HUGO_NAME = r"[\w.-]{1,100}(?:/[\w.-]{1,100}){0,10}"


def _pair(name: str) -> str:
    """A `{% name %}…{% endname %}` pair on one line; what it holds stops at the next
    `{% name %}` or `{% endname %}`."""
    tag = r"-?\s*" + name + r"\s*-?%\}"
    end = r"\{%-?\s*end" + name + r"\s*-?%\}"
    return r"\{%" + tag + r"((?:[^{\n]|\{(?!%-?\s*(?:end)?" + name + r"\b)){0,5000}?)" + end


# One alternative per syntax; the first that matches at a place wins.
INLINE = re.compile(
    _pair("raw").replace("((?:", "(?P<raw>(?:", 1)
    + "|(?P<comment>"
    + _pair("comment")
    + ")"
    + r"|\{\{[<%]/\*(?P<escaped>(?:[^*{\n]|\*(?!/)){0,500}?)\*/[>%]\}\}"
    + r"|\{\{[<%]\s*(?P<hclose>/)?\s*(?P<hname>"
    + _HUGO_NAME
    + ")(?P<hargs>"
    + _HUGO_ARGS
    + r")\s*/?\s*[>%]\}\}"
    + r"|\{%-?\s*(?P<lclose>end)?(?P<lname>[A-Za-z_][\w-]{0,100})(?P<largs>"
    + _LIQUID_ARGS
    + r")\s*-?%\}"
    + r"|\{\{-?(?P<expr>(?:[^{}\n]|\}(?!\})|\{(?![{%])){0,500}?)-?\}\}"
    + r"|(?P<image>!\[(?P<alt>[^\[\]\n]{0,300})\]\((?P<src>[^()\s]{0,1000})"
    + r"(?:\s+\"(?P<title>[^\"\n]{0,300})\")?\))\{:(?P<imageial>[^{}\n]{0,300})\}"
    + r"|\{::(?P<kext>\w{1,30})[^{}\n]{0,300}?/?\}"
    + r"(?:(?P<kinner>[^{\n]{0,2000}?)\{:/(?P=kext)?\})?"
    + r"|\{:(?P<ial>[^{}\n]{0,300})\}"
    + r"|\{#(?P<hid>[\w-]{1,100})\}[ \t]*$"
)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")
# Math stays as written (`x^{{2}}` is no template); a `$` price is no math: an opening
# `$` has text right after it, a closing one text right before it and no digit after.
_MATH_SPAN = re.compile(
    r"\$\$(?:[^$\n]|\$(?!\$)){1,2000}?\$\$"
    r"|\\\((?:[^\\\n]|\\(?![()])){1,2000}?\\\)"
    r"|\\\[(?:[^\\\n]|\\(?![\[\]])){1,2000}?\\\]"
    r"|(?<![\\$\w])\$(?=[^\s$])[^$\n]*?(?<=\S)\$(?![\w$])"
)
_MATH_OPEN = re.compile(r"^(?:\$\$|\\\[)")
_EDGES = re.compile(
    r"(\{%-?\s*[A-Za-z_][\w-]{0,100}" + _LIQUID_ARGS + r"-?%\}"
    r"|\{\{[<%]" + _HUGO_ARGS + r"[>%]\}\})"
)
_WHOLE_LIQUID = re.compile(
    r"\{%-?\s*(?P<close>end)?(?P<name>[A-Za-z_][\w-]{0,100})(?P<args>" + _LIQUID_ARGS + r")\s*-?%\}"
)
_WHOLE_HUGO = re.compile(
    r"\{\{[<%]\s*(?P<close>/)?\s*(?P<name>"
    + _HUGO_NAME
    + ")(?P<args>"
    + _HUGO_ARGS
    + r")\s*/?\s*[>%]\}\}"
)


@dataclass(frozen=True, slots=True)
class Tag:
    """A `{% name args %}`, `{{< name args >}}` or `{{% name args %}}` tag at
    text[start:end] of its line."""

    family: Family
    name: str
    args: str
    closing: bool = False
    start: int = 0
    end: int = 0


# A paired tag's conversion: (context, opening tag, its line, the lines inside).
BlockHandler = Callable[[Context, Tag, Line, list[Line]], list[Line]]
# A single tag's replacement text.
InlineHandler = Callable[[Context, Tag, Line], str]


def whole_tag(text: str) -> Tag | None:
    """The tag that is all of a line (spaces aside), if one is."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return None
    if match := _WHOLE_LIQUID.fullmatch(stripped):
        return Tag("liquid", match["name"], match["args"].strip(), bool(match["close"]))
    if match := _WHOLE_HUGO.fullmatch(stripped):
        return Tag(
            "hugo",
            match["name"],
            match["args"].strip(),
            bool(match["close"]),
        )
    return None


def tag_of(match: re.Match[str]) -> Tag:
    if match["hname"]:
        return Tag(
            "hugo",
            match["hname"],
            match["hargs"].strip(),
            bool(match["hclose"]),
            match.start(),
            match.end(),
        )
    return Tag(
        "liquid",
        match["lname"],
        match["largs"].strip(),
        bool(match["lclose"]),
        match.start(),
        match.end(),
    )


def split_edges(lines: list[Line]) -> list[Line]:
    """Lines where a tag opens a block and the text goes on after it, or text comes
    before a closing tag, split there: `{{< tab >}}text{{< /tab >}}` as three lines."""
    split: list[Line] = []
    for item in lines:
        pieces = [piece for piece in _EDGES.split(item.text) if piece.strip()]
        if len(pieces) <= 1:
            split.append(item)
            continue
        offset = 0
        for piece in pieces:
            offset = item.text.index(piece, offset)
            split.append(Line(item.no, piece.strip(), item.shift + offset))
            offset += len(piece)
    return split


def pairs(lines: list[Line]) -> dict[int, int]:
    """Each line that is an opening tag, to the line of the tag that closes it, found
    in one pass (innermost first, as tags nest)."""
    found: dict[int, int] = {}
    open_tags: dict[tuple[str, str], list[int]] = {}
    for number, line in enumerate(lines):
        if "{" not in line.text or (tag := whole_tag(line.text)) is None:
            continue
        stack = open_tags.setdefault((tag.family, tag.name), [])
        if not tag.closing:
            stack.append(number)
        elif stack:
            found[stack.pop()] = number
    return found


def code_lines(texts: list[str]) -> set[int]:
    """Indices of lines in fenced or indented code, or in display math."""
    found = {
        index
        for block in scan(texts)
        if block.kind in ("fence", "code")
        for index in range(block.start, block.end)
    }
    return found | _display_math(texts, found)


def _display_math(texts: list[str], code: set[int]) -> set[int]:
    """Lines from one opening display math (`$$` or `\\[`) to the one closing it."""
    found: set[int] = set()
    opened: int | None = None
    for index, text in enumerate(texts):
        if index in code:
            continue
        stripped = text.strip()
        if opened is None:
            if _MATH_OPEN.match(stripped) and not _MATH_SPAN.fullmatch(stripped):
                opened = index
        elif stripped.endswith(("$$", "\\]")):
            found.update(range(opened, index + 1))
            opened = None
    return found


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where code spans and inline math are in a line: both are shown as written."""
    spans = [match.span() for match in _CODE_SPAN.finditer(text)] if "`" in text else []
    if "$" in text or "\\" in text:
        spans += [
            match.span() for match in _MATH_SPAN.finditer(text) if not in_code(spans, match.start())
        ]
    return spans


def in_code(spans: list[tuple[int, int]], start: int) -> bool:
    return any(begin <= start < end for begin, end in spans)


def escape_outside_code(text: str) -> str:
    """Template braces as entities, except in code spans, which show them as written."""
    parts: list[str] = []
    position = 0
    for start, end in code_spans(text):
        parts.extend([escape_braces(text[position:start]), text[start:end]])
        position = end
    parts.append(escape_braces(text[position:]))
    return "".join(parts)
