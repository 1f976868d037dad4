"""Finding and parsing the front matter block: YAML, TOML, JSON or Pelican."""

import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from yaml.constructor import SafeConstructor

from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.dialects import Position, normalize_key
from newsdesk.content.document import Line, join_lines

Kind = Literal["yaml", "toml", "json", "pelican"]

_DELIMITERS: dict[str, tuple[Kind, tuple[str, ...]]] = {
    "---": ("yaml", ("---", "...")),
    "+++": ("toml", ("+++",)),
}
DELIMITERS = tuple(_DELIMITERS)


def closing_line(lines: list[Line]) -> int | None:
    """The index of the line that closes the front matter opened by `lines[0]`
    (which must be a delimiter, stripped), or None when it is never closed."""
    _, closers = _DELIMITERS[lines[0].text.strip()]
    return next((i for i in range(1, len(lines)) if lines[i].text.strip() in closers), None)


_PELICAN_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$")
_PELICAN_FIRST = frozenset(
    ["title", "date", "category", "tags", "slug", "author", "authors", "summary"]
)
_TOML_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_-]+)\s*=')
_TOML_TABLE = re.compile(r"^\s*\[")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_JSON_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*:')


@dataclass(frozen=True, slots=True)
class Span:
    """Where the front matter is: lines[start:end] hold it, lines[body:] the body."""

    kind: Kind
    start: int
    end: int
    body: int


@dataclass(slots=True)
class Parsed:
    meta: dict[str, Any] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: bool = False


def locate(lines: list[Line]) -> Span | Diagnostic | None:
    """The front matter span, a diagnostic when it is unclosed, or None."""
    if not lines:
        return None
    opening = lines[0].text.strip()
    if opening in _DELIMITERS:
        index = closing_line(lines)
        if index is not None:
            return Span(_DELIMITERS[opening][0], 1, index, index + 1)
        return Diagnostic(
            "frontmatter-unclosed",
            f"front matter opened by '{opening}' is never closed",
            lines[0].no,
            1,
            fix=f"add a line '{opening}' after the last front matter line",
        )
    if opening.startswith("{"):
        return _locate_json(lines)
    return _locate_pelican(lines)


def _locate_json(lines: list[Line]) -> Span | Diagnostic:
    text = join_lines(lines)
    start = text.index("{")
    try:
        _, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as error:
        line = lines[min(error.lineno, len(lines)) - 1]
        return Diagnostic(
            "frontmatter-syntax",
            f"JSON front matter: {error.msg}",
            line.no,
            error.colno + line.shift,
            fix="correct the JSON object at the top of the file",
        )
    except RecursionError:
        opening = lines[0]
        return Diagnostic(
            "frontmatter-syntax",
            "JSON front matter is nested too deeply to read",
            opening.no,
            opening.text.index("{") + opening.shift + 1,
            fix="flatten the JSON object at the top of the file",
        )
    last = text.count("\n", 0, end)
    return Span("json", 0, last + 1, last + 1)


def _locate_pelican(lines: list[Line]) -> Span | None:
    first = _PELICAN_LINE.match(lines[0].text)
    if first is None or normalize_key(first.group(1)) not in _PELICAN_FIRST:
        return None
    end = 1
    while end < len(lines) and not lines[end].blank:
        if not (_PELICAN_LINE.match(lines[end].text) or lines[end].text[:1] in " \t"):
            return None
        end += 1
    return Span("pelican", 0, end, end) if end >= 2 else None


def parse(lines: list[Line], span: Span) -> Parsed:
    block = lines[span.start : span.end]
    if span.kind == "yaml":
        return parse_yaml(block)
    if span.kind == "toml":
        return parse_toml(block)
    if span.kind == "json":
        return _parse_json(block)
    return _parse_pelican(block)


class _Loader(yaml.CSafeLoader):
    """The C loader, with impossible dates (`2024-02-30`) kept as text so that the
    date reader reports them, instead of failing the whole block."""


def _timestamp(loader: _Loader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)  # the resolver tags only scalars as timestamps
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def parse_yaml(block: list[Line]) -> Parsed:
    result = Parsed()
    loader = _Loader(join_lines(block))
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
        pairs = node.value if isinstance(node, yaml.MappingNode) else []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = _map(block, mark.line if mark else 0, mark.column if mark else 0)
        problem = error.problem or error.context or "invalid YAML"
        result.diagnostics.append(
            Diagnostic(
                "frontmatter-syntax",
                f"YAML front matter: {problem}",
                line,
                col,
                fix='quote values that contain ": ", "#" or start with "[", "@" or "`"',
            )
        )
        result.failed = True
        return result
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        result.diagnostics.append(
            Diagnostic(
                "frontmatter-syntax",
                f"YAML front matter: {error}",
                block[0].no if block else 1,
                1,
                fix="correct the YAML between the --- lines",
            )
        )
        result.failed = True
        return result
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        result.diagnostics.append(_not_mapping(block, type(data).__name__))
        result.failed = True
        return result
    result.meta = {str(key): value for key, value in data.items()}
    seen: dict[str, int] = {}
    for key_node, _ in pairs:
        key = str(key_node.value)
        line, col = _map(block, key_node.start_mark.line, key_node.start_mark.column)
        if key in seen:
            result.diagnostics.append(duplicate_key(key, seen[key], (line, col)))
        seen[key] = line
        result.positions[key] = (line, col)
    return result


def parse_toml(block: list[Line]) -> Parsed:
    result = Parsed()
    try:
        result.meta = tomllib.loads(join_lines(block))
    except tomllib.TOMLDecodeError as error:
        position = _TOML_POSITION.search(str(error))
        if position:
            line, col = _map(block, int(position.group(1)) - 1, int(position.group(2)) - 1)
        else:  # "at end of document"
            line, col = _map(block, len(block), 0)
        message = re.sub(r"\s*\(at [^)]*\)", "", str(error)).strip()
        result.diagnostics.append(
            Diagnostic(
                "frontmatter-syntax",
                f"TOML front matter: {message}",
                line,
                col,
                fix='write each field as key = "value" between the +++ lines',
            )
        )
        result.failed = True
        return result
    except RecursionError:
        result.diagnostics.append(
            Diagnostic(
                "frontmatter-syntax",
                "TOML front matter is nested too deeply to read",
                *_map(block, 0, 0),
                fix="flatten the arrays and tables between the +++ lines",
            )
        )
        result.failed = True
        return result
    for index, row in enumerate(block):
        if _TOML_TABLE.match(row.text):
            break
        if match := _TOML_KEY.match(row.text):
            key = match.group(1).strip('"')
            result.positions.setdefault(key, _map(block, index, match.start(1)))
    return result


def _parse_json(block: list[Line]) -> Parsed:
    result = Parsed()
    text = join_lines(block)
    # locate() has already decoded it once; the block runs to the end of the line
    # where the object closed, so decode the object alone, not what follows it.
    data, _ = json.JSONDecoder().raw_decode(text, text.index("{"))
    if not isinstance(data, dict):
        result.diagnostics.append(_not_mapping(block, type(data).__name__))
        result.failed = True
        return result
    result.meta = data
    for index, line in enumerate(block):
        if match := _JSON_KEY.match(line.text):
            result.positions.setdefault(match.group(1), _map(block, index, match.start(1) - 1))
    return result


def _parse_pelican(block: list[Line]) -> Parsed:
    result = Parsed()
    key = ""
    for index, line in enumerate(block):
        match = _PELICAN_LINE.match(line.text)
        if match is None and key:  # an indented continuation line
            result.meta[key] = f"{result.meta[key]} {line.text.strip()}".strip()
            continue
        if match is None:
            continue
        key = match.group(1).lower()
        result.meta[key] = match.group(2).strip()
        result.positions.setdefault(key, _map(block, index, 0))
    return result


def _not_mapping(block: list[Line], found: str) -> Diagnostic:
    return Diagnostic(
        "frontmatter-not-mapping",
        f"front matter must be a set of key: value fields, found a {found}",
        block[0].no if block else 1,
        1,
        fix="write one 'key: value' field per line",
    )


def _map(block: list[Line], row: int, column: int) -> Position:
    """1-based disk line and column of a 0-based row and column of the block."""
    if not block:
        return 1, 1
    if row >= len(block):  # the parser ran off the end: the last line is unfinished
        line = block[-1]
        return line.no, len(line.text.rstrip()) + line.shift + 1
    line = block[max(row, 0)]
    return line.no, column + line.shift + 1


def duplicate_key(key: str, first: int, position: tuple[int, int]) -> Diagnostic:
    """A key given again at `position` (line, col), first given at line `first`."""
    return Diagnostic(
        "duplicate-key",
        f"key '{key}' is given twice (lines {first} and {position[0]}); the last value is used",
        *position,
        fix="delete one of the two",
    )
