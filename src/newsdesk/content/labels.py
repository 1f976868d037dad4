"""Metadata a chat model writes into the body as label lines (`**作者：** 李雷`,
`**日期：** 2025-03-10`, a closing `**标签：** #AI #开源`), lifted into the front
matter where it belongs, under the label as written."""

import json
import re
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from newsdesk.content.blocks import ATX
from newsdesk.content.coerce import split_items
from newsdesk.content.dialects import Fields, field_of, map_fields
from newsdesk.content.document import Line, first_content, last_content
from newsdesk.content.frontmatter import Span
from newsdesk.content.frontmatter_repair import flow_list
from newsdesk.content.repair import Repair, yaml_quote

# Fields a label line at the top of a body may set; a closing line, only the last three.
_TOP_FIELDS = frozenset(
    ("title", "published", "updated", "summary", "category", "tags", "keywords", "authors")
) | {"cover_image", "read_minutes"}
_BOTTOM_FIELDS = frozenset(["tags", "keywords", "category"])
_LIST_FIELDS = frozenset(["tags", "keywords"])
_LINE_PREFIX = re.compile(r"^\s*(?:>\s*)?(?:[-+*]\s+)?")
_SEPARATORS = re.compile(r"\s*[|｜丨]\s*|\u3000+")
_LABEL = re.compile(
    r"(?:\*\*|__)?[ \t]*(?P<key>[^\s*_:：|｜][^*_:：|｜]{0,11}?)[ \t]*"
    r"(?:[:：][ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*[:：]|[:：])[ \t\u3000]*(?P<value>.*?)[ \t]*"
)
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_MAX_TOP_LINES = 8
_MAX_BOTTOM_LINES = 2


@dataclass(frozen=True, slots=True)
class _Label:
    index: int
    pairs: tuple[tuple[str, str], ...]


def lift_labels(
    lines: list[Line], span: Span | None, body: int, fields: Fields, zone: tzinfo
) -> Repair | None:
    """Label lines at the top of the body (below a title heading) and closing tag
    lines at its end, moved into the front matter (created when there is none).

    A label whose field the front matter already gives the same value is dropped; one
    that gives another value ends the block, and the line stays where it is.
    """
    if span is not None and span.kind not in ("yaml", "toml"):
        return None
    top = _top_labels(lines, body)
    bottom = _bottom_labels(lines, body, top[-1].index if top else body - 1)
    given = {name: getattr(fields, name) for name in fields.positions if name in _TOP_FIELDS}
    lifted = _agreeing(top, given, zone)
    if len(lifted) < len(top):
        top = lifted
    bottom_lifted = _agreeing(bottom, given, zone)
    if len(bottom_lifted) < len(bottom):
        bottom = []
    labels = top + bottom
    if not labels:
        return None
    drop: list[range] = []
    if bottom:
        drop.append(range(_content_before(lines, bottom[0].index, body) + 1, bottom[-1].index + 1))
    if top:
        drop.append(range(top[0].index, _content_after_top(lines, top[-1].index)))
    entries = _entries(labels, given, span.kind if span else "yaml")
    removed = tuple(lines[i].text for run in reversed(drop) for i in run if not lines[i].blank)
    number = lines[labels[0].index].no
    for run in drop:  # the bottom run first, so that the top run's indices hold
        del lines[run.start : run.stop]
    new = [Line(number, text) for text in entries]
    if span is None:
        lines[0:0] = [Line(number, "---"), *new, Line(number, "---"), Line(number, "")]
    else:
        at = _insertion_point(lines, span)
        lines[at:at] = new
    names = "、".join(dict.fromkeys(key for label in labels for key, _ in label.pairs))
    return Repair(
        "labels-lifted",
        number,
        f"metadata written as label lines in the body ({names}) moved into the front matter",
        removed=removed,
        added=tuple(entries),
    )


def label_pairs(text: str, allowed: frozenset[str]) -> tuple[tuple[str, str], ...] | None:
    """The (label, value) pairs of a line made only of labels, else None."""
    line = _LINE_PREFIX.sub("", text.strip(), count=1)
    pairs = []
    for part in _SEPARATORS.split(_unwrap(line)):
        match = _LABEL.fullmatch(_unwrap(part))
        if match is None:
            return None
        key = match.group("key").strip()
        value = match.group("value").strip().strip("*_").strip()
        if not value or field_of(key) not in allowed:
            return None
        pairs.append((key, value))
    return tuple(pairs) if pairs else None


def _unwrap(text: str) -> str:
    """Text without emphasis around all of it (`*作者：李雷*`)."""
    for marker in ("**", "__", "*", "_"):
        inner = text[len(marker) : -len(marker)]
        if text.startswith(marker) and text.endswith(marker) and inner and marker not in inner:
            return inner.strip()
    return text


def _top_labels(lines: list[Line], body: int) -> list[_Label]:
    index = first_content(lines, body)
    heading = ATX.match(lines[index].text) if index < len(lines) else None
    if heading and len(heading.group(1)) <= 2:
        index = first_content(lines, index + 1)
    found: list[_Label] = []
    while index < len(lines) and len(found) < _MAX_TOP_LINES:
        if found and _RULE.match(lines[index].text):  # a rule between two groups of labels
            index = first_content(lines, index + 1)
            if index >= len(lines):
                break
        pairs = label_pairs(lines[index].text, _TOP_FIELDS)
        if pairs is None:
            break
        found.append(_Label(index, pairs))
        index = first_content(lines, index + 1)
    return found


def _bottom_labels(lines: list[Line], body: int, after: int) -> list[_Label]:
    found: list[_Label] = []
    index = last_content(lines)
    while index > after and index >= body and len(found) < _MAX_BOTTOM_LINES:
        pairs = label_pairs(lines[index].text, _BOTTOM_FIELDS)
        if pairs is None:
            break
        found.insert(0, _Label(index, pairs))
        index -= 1
        while index > after and lines[index].blank:
            index -= 1
    return found


def _agreeing(labels: list[_Label], given: dict[str, Any], zone: tzinfo) -> list[_Label]:
    """The labels up to the first that contradicts the front matter (or an earlier
    label); those after it stay in the body."""
    seen = dict(given)
    kept: list[_Label] = []
    for label in labels:
        values = {}
        for key, value in label.pairs:
            name = field_of(key)
            assert name is not None  # label_pairs() accepts only keys of a field
            values[name] = _value(key, value, name, zone)
        if any(name in seen and seen[name] != value for name, value in values.items()):
            break
        seen.update(values)
        kept.append(label)
    return kept


def _value(key: str, value: str, name: str, zone: tzinfo) -> Any:
    mapped, _ = map_fields({key: value}, {}, zone)
    return getattr(mapped, name)


def _entries(labels: list[_Label], given: dict[str, Any], kind: str) -> list[str]:
    entries = []
    for label in labels:
        for key, value in label.pairs:
            name = field_of(key)
            if name in given:
                continue  # the front matter says the same already
            given[name or key] = value
            entries.append(_entry(key, value, name in _LIST_FIELDS, kind))
    return entries


def _entry(key: str, value: str, is_list: bool, kind: str) -> str:
    if kind == "toml":
        shown: str = json.dumps(split_items(value) if is_list else value, ensure_ascii=False)
        return f"{json.dumps(key, ensure_ascii=False)} = {shown}"
    if is_list:
        return f"{key}: {flow_list([item.strip('#') for item in split_items(value)])}"
    return f"{key}: {yaml_quote(value)}"


def _content_after_top(lines: list[Line], index: int) -> int:
    """Where the body goes on after the top labels: past the blank lines and a rule
    setting them apart."""
    following = first_content(lines, index + 1)
    if following < len(lines) and _RULE.match(lines[following].text):
        following = first_content(lines, following + 1)
    return following


def _content_before(lines: list[Line], index: int, body: int) -> int:
    """The last line of the body before the closing labels and a rule above them."""
    previous = index - 1
    while previous >= body and lines[previous].blank:
        previous -= 1
    if previous >= body and _RULE.match(lines[previous].text):
        previous -= 1
        while previous >= body and lines[previous].blank:
            previous -= 1
    return previous


def _insertion_point(lines: list[Line], span: Span) -> int:
    """The end of the front matter's top-level keys: before its closing line, or in
    TOML before the first table."""
    if span.kind == "toml":
        tables = (i for i in range(span.start, span.end) if lines[i].text.lstrip().startswith("["))
        return next(tables, span.end)
    return span.end
