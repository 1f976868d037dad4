"""Repairs of front matter as chat models write it: in a ```yaml fence, with
full-width punctuation where YAML needs its own, and tags in every list shape."""

import re

from newsdesk.content.blocks import FENCE_OPEN, is_fence_close
from newsdesk.content.coerce import split_items
from newsdesk.content.dialects import field_of
from newsdesk.content.document import Line, dedent, first_content, indent_of
from newsdesk.content.frontmatter import DELIMITERS
from newsdesk.content.repair import Repair, yaml_quote

# The delimiters a fenced block of each kind becomes; JSON needs none.
_FENCED_KINDS = {"yaml": "---", "yml": "---", "toml": "+++", "json": ""}
_FIELD_LINE = re.compile(r"^\s*[\"']?([^\s:：=#\"'{}\[\]][^:：=\"']{0,40}?)[\"']?\s*[:：=]")
_FULLWIDTH_KEY = re.compile(
    r"^(?P<bullet>(?:- +)?)(?P<key>[^\s:：#'\"\[\]{}<>|*&!%@`-][^:：#'\"]{0,40}?)[ \t]*："
    r"[ \t\u3000]*(?P<value>.*)$"
)
_FULLWIDTH_BULLET = re.compile(r"^[－•·][ \t\u3000]*")
_BLOCK_SCALAR = re.compile(r"[:：]\s*[|>][-+0-9]*\s*$")
_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’"}
_BRACKETS = {"［": "］", "【": "】", "[": "]"}
_KEY_LINE = re.compile(
    r"^(?P<key>[\"']?[^\s:：#\"'-][^:：#\"']{0,40}?[\"']?)[ \t]*[:：][ \t]*(?P<value>.*)$"
)
_ITEM = re.compile(r"^\s*(?:[-*+•·－]|\d{1,3}[.)、．])[ \t\u3000]*(?P<item>.*?)\s*$")
_PLAIN_ITEM = re.compile(r"[^\s,\[\]{}#&*!|>'\"%@`:?-][^,\[\]{}#:]*")
_NUMBER = re.compile(r"\d+")
_SEPARATED = re.compile(r"[，、；;]")


def unfence_front_matter(lines: list[Line]) -> Repair | None:
    """Front matter written in a ```yaml, ```toml or ```json fence at the top."""
    first = first_content(lines)
    opening = FENCE_OPEN.match(lines[first].text) if first < len(lines) else None
    if opening is None or (info := opening.group(3).strip().lower()) not in _FENCED_KINDS:
        return None
    marker = opening.group(2)
    close = next(
        (i for i in range(first + 1, len(lines)) if is_fence_close(lines[i].text, marker)), None
    )
    if close is None:
        return None
    inner = [line.text for line in lines[first + 1 : close]]
    keys = [match.group(1) for text in inner if (match := _FIELD_LINE.match(text))]
    # A fenced configuration sample opening a tutorial has no field of an article.
    if not any(field_of(key) for key in keys):
        return None
    removed = (lines[first].text, lines[close].text)
    number = lines[first].no
    delimiter = _FENCED_KINDS[info]
    inside = first_content(lines, first + 1)
    dedent(lines, first + 1, close, indent_of(lines[first].text))
    if delimiter and lines[inside].text.strip() not in DELIMITERS:
        lines[first] = Line(lines[first].no, delimiter)
        lines[close] = Line(lines[close].no, delimiter)
    else:
        del lines[close]
        del lines[first]
    return Repair(
        "frontmatter-fence-unwrapped",
        number,
        f"the front matter was written in a ```{info} code fence",
        removed=removed,
    )


def fullwidth_syntax(lines: list[Line], start: int, end: int) -> Repair | None:
    """Full-width colons, list bullets, indentation, quotes and brackets where YAML
    needs its own (`标题：…`); values and block scalars are left as written."""
    changed = None
    block_indent: int | None = None
    for line in lines[start:end]:
        text = line.text
        width = indent_of(text.replace("\u3000", " "))
        if block_indent is not None and (line.blank or width > block_indent):
            continue  # inside a block scalar: a value, not syntax
        block_indent = None
        fixed = _fullwidth_line(text)
        if _BLOCK_SCALAR.search(fixed):
            block_indent = width
        if fixed != text:
            line.text = fixed
            changed = changed or line.no
    if changed is None:
        return None
    return Repair(
        "frontmatter-fullwidth",
        changed,
        "the front matter used full-width punctuation (：) where YAML needs its own",
    )


def _fullwidth_line(text: str) -> str:
    indent = text[: len(text) - len(text.lstrip(" \t\u3000"))]
    rest = text[len(indent) :]
    indent = indent.replace("\u3000", "  ")
    rest = _FULLWIDTH_BULLET.sub("- ", rest)
    match = _FULLWIDTH_KEY.match(rest)
    if match is None:
        return indent + rest
    value = match.group("value").rstrip()
    if len(value) >= 2 and _QUOTES.get(value[0]) == value[-1]:
        value = yaml_quote(value[1:-1])
    elif len(value) >= 2 and _BRACKETS.get(value[0]) == value[-1]:
        value = "[" + _SEPARATED.sub(", ", value[1:-1]) + "]"
    key = match.group("key").rstrip()
    return f"{indent}{match.group('bullet')}{key}: {value}".rstrip()


def normalize_tags(lines: list[Line], start: int, end: int) -> Repair | None:
    """Tags YAML misreads: hashtags (`tags: #AI #编程` is a comment), numbered or
    bulleted lists (`1. AI`; `* AI` is an alias), lists separated by `，` or `、`
    inside brackets. A value becomes `[AI, 编程]`, a list item `- AI`; no line is
    added or removed, so the front matter's span holds."""
    changed = None
    markers: list[str] = []
    index = start
    while index < end:
        line = lines[index]
        match = _KEY_LINE.match(line.text)
        index += 1
        if match is None or field_of(match.group("key").strip("\"'")) not in ("tags", "keywords"):
            continue
        value = match.group("value").strip()
        if value:
            items = _misread_value(value)
            if items is not None:
                line.text = f"{match.group('key')}: {flow_list(items)}"
                changed = changed or line.no
            continue
        while index < end and (lines[index].blank or _ITEM.match(lines[index].text)):
            item = lines[index]
            fixed = _item_line(item.text)
            if fixed != item.text:
                markers.extend(_NUMBER.findall(item.text.split(maxsplit=1)[0]))
                item.text = fixed
                changed = changed or item.no
            index += 1
    if changed is None:
        return None
    return Repair(
        "tags-normalized",
        changed,
        "tags were written as hashtags or as a numbered, bulleted or full-width list",
        removed=tuple(markers),
    )


def flow_list(items: list[str]) -> str:
    """A YAML flow sequence of the items, each quoted only when it must be."""
    shown = (item if _PLAIN_ITEM.fullmatch(item) else yaml_quote(item) for item in items)
    return f"[{', '.join(shown)}]"


def _item_line(text: str) -> str:
    """A list item as YAML reads it: `- AI` for `1. AI`, `* AI`, `• AI` or `- #AI`."""
    match = _ITEM.match(text)
    if match is None or not match.group("item"):
        return text
    item = _tags([match.group("item")])
    indent = text[: indent_of(text)]
    fixed = f"{indent}- {item[0] if item else ''}".rstrip()
    return text if fixed == text.rstrip() else fixed


def _misread_value(value: str) -> list[str] | None:
    """The items of a tags value that YAML would misread, else None."""
    unquoted = value
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        unquoted = value[1:-1]
    if unquoted.startswith("#") or " #" in unquoted:
        return _tags(split_items(unquoted))
    if len(value) >= 2 and _BRACKETS.get(value[0]) == value[-1]:
        inner = value[1:-1]
        if value[0] != "[" or _SEPARATED.search(inner) or "#" in inner:
            parts = [part.strip().strip("\"'") for part in re.split(r"[,，、；;]", inner)]
            return _tags([tag for part in parts if part for tag in split_items(part)])
    return None


def _tags(items: list[str]) -> list[str]:
    return [tag for item in items if (tag := item.strip().strip("#").strip())]
