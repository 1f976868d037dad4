"""A front matter block that does not parse, read field by field: the fields that
parse are kept and each one that does not is reported where it is.

Only when every field lost is one the article can do without: losing the title, a
date, the slug or a draft or visibility flag would publish the wrong page, or a page
that must not be published, so such a block stays an error."""

import re

from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.dialects import field_of
from newsdesk.content.document import Line
from newsdesk.content.frontmatter import Kind, Parsed, duplicate_key, parse_toml, parse_yaml

# Fields whose loss changes whether, where or when an article is published.
_VITAL = frozenset(
    ["title", "published", "updated", "slug", "draft", "publish", "hidden", "status"]
)
_YAML_KEY = re.compile(r"""("[^"]*"|'[^']*'|[^\s#"'\-\[{][^:]*?)[ \t]*:(?:[ \t]|$)""")
_YAML_START = re.compile(r"[^\s#\-]|-[^\s]")
_TOML_KEY = re.compile(r"""("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)[ \t]*[.=]""")
_TOML_TABLE = re.compile(r"\[\[?\s*(\"[^\"]*\"|[A-Za-z0-9_\-]+)")


def salvage(block: list[Line], kind: Kind) -> Parsed | None:
    """The fields of a YAML or TOML block that parse, with a warning for each that
    does not; None when nothing can be saved or a vital field is lost."""
    if kind not in ("yaml", "toml"):
        return None
    result = Parsed()
    seen: dict[str, int] = {}
    broken = 0
    for entry in _entries(block, kind):
        key = _key(entry[0].text, kind)
        parsed = parse_yaml(entry) if kind == "yaml" else parse_toml(entry)
        if parsed.failed:
            name = field_of(key.strip("\"'")) if key else None
            if key is None or name in _VITAL:
                return None
            broken += 1
            result.diagnostics.extend(_salvaged(d, key) for d in parsed.diagnostics)
            continue
        result.diagnostics.extend(parsed.diagnostics)
        for found, position in parsed.positions.items():
            if found in seen:
                result.diagnostics.append(duplicate_key(found, seen[found], position))
            seen[found] = position[0]
        result.meta.update(parsed.meta)
        result.positions.update(parsed.positions)
    if not broken or not result.meta:
        return None
    result.diagnostics.sort(key=lambda d: (d.line, d.col))
    return result


def _entries(block: list[Line], kind: Kind) -> list[list[Line]]:
    """The block cut where each top-level field starts (TOML: a table and its keys
    stay together); lines before the first field form an entry of their own."""
    entries: list[list[Line]] = []
    in_table = False
    for line in block:
        text = line.text
        if kind == "yaml":
            starts = bool(_YAML_START.match(text))
        else:
            table = bool(_TOML_TABLE.match(text))
            starts = table or (not in_table and bool(_TOML_KEY.match(text)))
            in_table = in_table or table
        if starts or not entries:
            entries.append([line])
        else:
            entries[-1].append(line)
    return [entry for entry in entries if any(not line.blank for line in entry)]


def _key(text: str, kind: Kind) -> str | None:
    match = (_YAML_KEY if kind == "yaml" else _TOML_KEY).match(text)
    if match is None and kind == "toml":
        match = _TOML_TABLE.match(text)
    return match.group(1) if match else None


def _salvaged(found: Diagnostic, key: str) -> Diagnostic:
    return Diagnostic(
        "frontmatter-salvaged",
        f"{found.message}; the field '{key.strip(chr(34) + chr(39))}' is ignored, "
        "the other fields are read",
        found.line,
        found.col,
        fix=found.fix,
    )
