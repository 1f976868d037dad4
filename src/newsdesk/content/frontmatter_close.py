"""Front matter closed as its author meant: by a longer line of dashes (`----`), or
never, where the block plainly ends at the first line that is not a field."""

import re

from newsdesk.content.document import Line, indent_of
from newsdesk.content.frontmatter import DELIMITERS, closing_line
from newsdesk.content.repair import Repair

# The characters of each opening delimiter: four or more of them close its block.
_LONG_CLOSERS = {"---": re.compile(r"-{4,}"), "+++": re.compile(r"\+{4,}")}
# A field line: `key: value` (YAML) or `key = value`, `[table]` (TOML).
_FIELD = {
    "---": re.compile(r"""("[^"]*"|'[^']*'|[^\s#:："'\-\[{][^:：]*?)[ \t]*(?::(?:[ \t]|$)|：)"""),
    "+++": re.compile(r"""("[^"]*"|'[^']*'|[A-Za-z0-9_.\-]+)[ \t]*=|\["""),
}
_LIST_ITEM = re.compile(r"-(?:[ \t]|$)")


def close_front_matter(lines: list[Line]) -> Repair | None:
    """`----` closing a `---` block becomes `---`; a block never closed is closed
    before its first line that is neither a field nor the continuation of one."""
    if not lines or (opening := lines[0].text.strip()) not in DELIMITERS:
        return None
    closer = _first_closer(lines, opening)
    if closer is not None:
        if lines[closer].text.strip() in (opening, "..."):
            return None
        removed = lines[closer].text
        lines[closer] = Line(lines[closer].no, opening)
        return Repair(
            "frontmatter-closer",
            lines[closer].no,
            f"the front matter was closed by '{removed.strip()}' instead of '{opening}'",
            removed=(removed,),
        )
    end = _implied_end(lines, opening)
    if end is None:
        return None
    last = lines[end - 1].no
    lines.insert(end, Line(last, opening))
    return Repair(
        "frontmatter-closed",
        lines[0].no,
        f"the front matter opened by '{opening}' is never closed; it is taken to end "
        f"after line {last}, the last line of its fields",
    )


def _first_closer(lines: list[Line], opening: str) -> int | None:
    """The first line closing the block: its delimiter or a longer one."""
    exact = closing_line(lines)
    long = _LONG_CLOSERS[opening]
    for index in range(1, len(lines) if exact is None else exact):
        if long.fullmatch(lines[index].text.strip()):
            return index
    return exact


def _implied_end(lines: list[Line], opening: str) -> int | None:
    """The index of the first line after the opening that is not a field or its
    continuation (an indented line, a list item); None when no field comes first."""
    field = _FIELD[opening]
    fields = 0
    base = indent_of(lines[1].text) if len(lines) > 1 else 0
    index = 1
    while index < len(lines):
        text = lines[index].text
        if lines[index].blank:
            break
        rest = text[base:] if indent_of(text) >= base else None
        if rest is not None and field.match(rest):
            fields += 1
        elif not (fields and (indent_of(text) > base or _LIST_ITEM.match(text.lstrip()))):
            break
        index += 1
    return index if fields else None
