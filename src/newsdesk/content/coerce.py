"""Front matter values in the shapes people write them, as typed values."""

import math
import re
from typing import Any

from newsdesk.content.model import Author

_TRUE = {"true", "yes", "y", "on", "1", "是", "真", "对", "开"}
_FALSE = {"false", "no", "n", "off", "0", "否", "假", "错", "关", ""}
_LIST_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")
# `#AI #编程`, `#AI#编程` and Weibo's `#人工智能# #大模型#`: every item a hashtag.
_HASHTAGS = re.compile(r"(?:#[^\s#,，、;；]+#?[\s,，、;；]*)+")
_HASHTAG = re.compile(r"#([^\s#,，、;；]+)")
_NUMBER = re.compile(r"(\d[\d,，_]*(?:\.\d+)?)\s*([万wWkK])?")


# Deeper and larger than any field needs, and far below Python's recursion limit.
MAX_NESTING = 32
MAX_ITEMS = 10_000


class ValueProblem(ValueError):
    """A value that cannot be read as the type its field needs."""


def nesting_problem(value: Any) -> str | None:
    """Why a value is unusable whatever its field: lists and mappings nested past
    MAX_NESTING, one that contains itself, or aliases that multiply past MAX_ITEMS
    (YAML anchors make each of these in a line)."""
    sizes: dict[int, int] = {}  # items under each container, counted once per container
    path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, leaving = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if leaving:
            path.discard(id(item))
            size = sum(sizes.get(id(child), 1) for child in children)
            if size > MAX_ITEMS:
                return f"the value holds more than {MAX_ITEMS:,} items"
            sizes[id(item)] = size
            continue
        if not isinstance(item, list | tuple | dict) or id(item) in sizes:
            continue
        if id(item) in path:
            return "the value contains itself"
        if len(path) >= MAX_NESTING:
            return f"the value is nested more than {MAX_NESTING} levels deep"
        path.add(id(item))
        stack.append((item, True))
        stack.extend((child, False) for child in children)
    return None


def to_text(value: Any) -> str | None:
    """A scalar as stripped text; None for empty values."""
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise ValueProblem(
            f"expected text, found a {'list' if isinstance(value, list) else 'mapping'}"
        )
    text = str(value).strip()
    return text or None


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if value is None or (isinstance(value, str) and value.strip().lower() in _FALSE):
        return False
    raise ValueProblem(f"{value!r} is not true or false")


def to_count(value: Any) -> int:
    """A non-negative whole number from `1250`, `"1,250"`, `"6分钟"`, `"1.2万"`."""
    if isinstance(value, bool):
        raise ValueProblem(f"{value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and (match := _NUMBER.search(value)):
        number = float(re.sub(r"[,，_]", "", match.group(1)))
        scale = match.group(2)
        if scale:
            number *= 10_000 if scale in "万wW" else 1_000
    else:
        raise ValueProblem(f"{value!r} is not a number")
    if not math.isfinite(number) or number > 2**53:
        raise ValueProblem(f"{value!r} is not a usable number")
    if number < 0:
        raise ValueProblem(f"{value!r} is negative")
    return round(number)


def split_items(text: str) -> list[str]:
    """Items of a string of hashtags (`#AI #编程`) or of a separated list (`AI、编程`)."""
    stripped = text.strip()
    if _HASHTAGS.fullmatch(stripped):
        return _HASHTAG.findall(stripped)
    return [item for item in _LIST_SEPARATORS.split(stripped) if item]


def to_list(value: Any) -> list[str]:
    """Items of a list, a comma-separated string (ASCII or full-width), a string of
    hashtags or one string."""
    if value is None:
        return []
    if isinstance(value, str):
        return split_items(value)
    if isinstance(value, list | tuple):
        items: list[str] = []
        for item in value:
            items.extend(to_list(item) if isinstance(item, list | tuple) else _scalar_item(item))
        return items
    if isinstance(value, dict):
        raise ValueProblem("expected a list, found a mapping")
    return [str(value)]


def _scalar_item(item: Any) -> list[str]:
    if item is None or isinstance(item, dict):
        return []
    text = str(item).strip()
    return [text] if text else []


def unique_tags(items: list[str]) -> list[str]:
    """Tags without '#' prefixes, duplicates (ignoring case) dropped, order kept."""
    seen: set[str] = set()
    tags: list[str] = []
    for item in items:
        tag = item.strip().lstrip("#").strip()
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def to_category(value: Any, space_separated: bool) -> str | None:
    """The top-level category from a string, a list or Hexo's nested list.

    Jekyll's plural `categories: a b` is space-separated; the first one is the
    top level.
    """
    if isinstance(value, list | tuple):
        while isinstance(value, list | tuple) and value:
            value = value[0]
        if isinstance(value, list | tuple):
            return None
    text = to_text(value)
    if text is None:
        return None
    parts = _LIST_SEPARATORS.split(text)
    first = parts[0]
    if space_separated and len(parts) == 1:
        first = first.split()[0]
    return first.strip() or None


_AUTHOR_KEYS = {
    "name": "name",
    "nickname": "name",
    "bio": "bio",
    "description": "bio",
    "intro": "bio",
    "about": "bio",
    "avatar": "avatar",
    "image": "avatar",
    "photo": "avatar",
    "url": "url",
    "link": "url",
    "website": "url",
    "homepage": "url",
}


def to_authors(value: Any) -> list[Author]:
    """Authors from a string (comma-separated), a mapping, or a list of either."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        authors: list[Author] = []
        for item in value:
            authors.extend(to_authors(item))
        return authors
    if isinstance(value, dict):
        fields: dict[str, str] = {}
        for key, item in value.items():
            target = _AUTHOR_KEYS.get(str(key).lower())
            text = to_text(item) if not isinstance(item, list | dict) else None
            if target and text and target not in fields:
                fields[target] = text
        if "name" not in fields:
            raise ValueProblem("author has no name")
        return [Author(**fields)]
    return [Author(name) for name in to_list(value)]


def to_image(value: Any) -> str | None:
    """An image path from a string, a list (its first) or a mapping `{image: …}`."""
    if isinstance(value, list | tuple):
        return to_image(value[0]) if value else None
    if isinstance(value, dict):
        for key in ("image", "src", "url", "path"):
            if key in value:
                return to_image(value[key])
        return None
    return to_text(value)
