"""Jekyll's Liquid: raw and comment blocks, highlight, post_url, include, and the
`{{ site.X }}`, `{{ page.X }}` expressions with their URL filters."""

import html
import os
import re
from datetime import date, datetime

from newsdesk.content.compat.context import Args, Context, parse_args
from newsdesk.content.compat.forms import fence
from newsdesk.content.compat.tags import (
    BlockHandler,
    InlineHandler,
    Tag,
    code_lines,
    escape_outside_code,
)
from newsdesk.content.document import Line

_MAX_INCLUDE_DEPTH = 4
_OUTPUT = re.compile(r"\{\{-?(.*?)-?\}\}")
_FILTER_ARG = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|(\S+))\s*$""")


def _raw(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("liquid-raw", at)
    code = code_lines([item.text for item in inner])
    return [
        item if index in code else Line(item.no, escape_outside_code(item.text), item.shift)
        for index, item in enumerate(inner)
    ]


def _comment(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("liquid-comment", at)
    return []


def _highlight(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("liquid-highlight", at)
    words = tag.args.split()
    return fence(at, words[0] if words else "", [item.text for item in inner])


def _post_url(context: Context, tag: Tag, at: Line) -> str:
    context.did("liquid-post-url", at)
    name = tag.args.strip().strip("\"'")
    return article_path(context, name, at, tag.start) or name


def article_path(context: Context, name: str, at: Line, col: int) -> str | None:
    """The relative path of a named article, or None with a warning."""
    found = context.article(name)
    if found is None:
        context.warn(
            "link-target-missing",
            f"no article named '{name}' in the content folder",
            at,
            col,
            "correct the name, or write the link by hand",
        )
    return found


def _include(context: Context, tag: Tag, at: Line) -> str:
    words = tag.args.split(None, 1)
    name = words[0] if words else ""
    folder = context.options.includes
    path = os.path.join(folder, name) if folder and name else ""
    if not path or not os.path.isfile(path) or context.depth >= _MAX_INCLUDE_DEPTH:
        context.did("liquid-include", at)
        context.warn(
            "include-missing",
            f"{{% include {name} %}}: no such file in the includes folder; removed",
            at,
            tag.start,
            "set [compat] includes to the old site's _includes folder, or inline the text",
        )
        return ""
    context.did("liquid-include", at)
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read().rstrip("\n")
    values = _include_values(context, parse_args(words[1] if len(words) > 1 else ""), at, tag)
    saved, context.include = context.include, values
    context.depth += 1
    try:
        converted = context.convert([Line(at.no, piece, at.shift) for piece in text.split("\n")])
    finally:
        context.include, context.depth = saved, context.depth - 1
    return "\n".join(item.text for item in converted)


def _include_values(context: Context, args: Args, at: Line, tag: Tag) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in args.items():
        if key.isdigit():
            continue
        quoted = f'{key}="{value}"' in tag.args or f"{key}='{value}'" in tag.args
        if not quoted:
            values[key] = expression(context, value, at, tag.start)
            continue
        # Jekyll reads a quoted value as text, but what it holds is shown on the page,
        # where a variable left in it would be template syntax again.
        values[key] = _OUTPUT.sub(lambda m: expression(context, m.group(1), at, tag.start), value)
    return values


def expression(context: Context, text: str, at: Line, col: int) -> str:
    """`{{ variable | filter: arg | … }}` evaluated; an unknown variable is ""."""
    context.did("liquid-variable", at)
    head, *filters = text.split("|")
    value = _value(context, head.strip(), at, col)
    for item in filters:
        name, _, argument = item.partition(":")
        value = _filter(context, name.strip(), value, _value(context, argument, at, col))
    return value


def _value(context: Context, text: str, at: Line, col: int) -> str:
    match = _FILTER_ARG.match(text)
    if match is None:
        return ""
    if match.group(1) is not None or match.group(2) is not None:
        return match.group(1) if match.group(1) is not None else match.group(2)
    name = match.group(3)
    scope, _, key = name.partition(".")
    found: object = None
    if scope == "site":
        found = context.site.get(key)
    elif scope == "page":
        found = context.page.get(key)
    elif scope == "include":
        found = context.include.get(key)
    if found is None:
        context.warn(
            "unknown-template-variable",
            f"{{{{ {name} }}}} has no value; replaced by nothing",
            at,
            col,
            "give it a value in the [compat.site] table of newsdesk.toml, or edit the text",
        )
        return ""
    return _text(found)


def _text(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(item) for item in value)
    return str(value)


def _filter(context: Context, name: str, value: str, argument: str) -> str:
    site = context.site
    if name == "relative_url":
        return _joined(site.get("baseurl", ""), value)
    if name == "absolute_url":
        return site.get("url", "").rstrip("/") + _joined(site.get("baseurl", ""), value)
    if name == "prepend":
        return argument + value
    if name == "append":
        return value + argument
    if name == "default":
        return value or argument
    if name in ("downcase", "upcase", "strip"):
        return {"downcase": value.lower(), "upcase": value.upper(), "strip": value.strip()}[name]
    if name in ("escape", "xml_escape"):
        return html.escape(value)
    return value  # formatting filters (dates, sizes) leave the value as it is


def _joined(base: str, path: str) -> str:
    if not base:
        return path
    return base.rstrip("/") + "/" + path.lstrip("/")


BLOCKS: dict[str, BlockHandler] = {
    "raw": _raw,
    "comment": _comment,
    "highlight": _highlight,
}
INLINE: dict[str, InlineHandler] = {
    "post_url": _post_url,
    "include": _include,
}
