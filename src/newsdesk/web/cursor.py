"""Cursor pages of a sorted list of entries: a cursor names the last entry of a page by
its sort value and slug, so that it stays valid as articles come and go."""

import base64
import binascii
import json
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from newsdesk.site.catalog import Entry
from newsdesk.web.http import HTTPError

# An entry's value in a sort order (its slug breaks ties).
ValueOf = Callable[[Entry], Any]


def page(
    ordered: list[Entry], value_of: ValueOf, sort: str, limit: int, after: str | None
) -> tuple[list[Entry], str | None]:
    """Up to `limit` entries of `ordered` (sorted by `sort`) from the one after the
    cursor `after` on, and the cursor of the next page (None on the last)."""
    start = 0
    if after:
        value, slug = _decode(after, sort)
        start = _start_after(ordered, value_of, (value, slug), sort.startswith("-"))
    entries = ordered[start : start + limit]
    if start + limit >= len(ordered) or not entries:
        return entries, None
    last = entries[-1]
    return entries, _encode(sort, value_of(last), last.article.slug)


def _encode(sort: str, value: Any, slug: str) -> str:
    raw = json.dumps([sort, value, slug], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, value, slug = json.loads(base64.urlsafe_b64decode(padded.encode()))
    # A deeply nested array is no cursor either: the JSON parser gives up on its depth.
    except (ValueError, TypeError, binascii.Error, RecursionError) as error:
        raise HTTPError(400, "invalid cursor: use next_cursor from the previous page") from error
    if kind != sort or not isinstance(slug, str) or not isinstance(value, str | int | float):
        raise HTTPError(400, "the cursor belongs to another sort order")
    return value, slug


def _start_after(
    ordered: list[Entry],
    value_of: ValueOf,
    cursor: tuple[Any, str],
    descending: bool,
) -> int:
    """The index of the first entry after the cursor in `ordered`."""
    try:
        if descending:
            return bisect_right(
                ordered, _Reversed(cursor), key=lambda e: _Reversed((value_of(e), e.article.slug))
            )
        return bisect_right(ordered, cursor, key=lambda e: (value_of(e), e.article.slug))
    except TypeError as error:
        raise HTTPError(400, "the cursor belongs to another sort order") from error


class _Reversed:
    """A sort key compared the other way round: a descending list ascends in these."""

    __slots__ = ("key",)

    def __init__(self, key: tuple[Any, str]):
        self.key = key

    def __lt__(self, other: "_Reversed") -> bool:
        return bool(other.key < self.key)
