"""Dates in every shape front matter writers use, as aware datetimes."""

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CHINESE = re.compile(
    r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?)?$"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_FIRST = re.compile(
    r"^(?:[a-z]{3,9},?\s+)?([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
    r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    r"^(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$",
    re.IGNORECASE,
)
# `2023-01-15` or `20230115`, not inside a longer number; a compact one only with a
# plausible year, since eight digits are often an id.
_DATE_IN_NAME = re.compile(
    r"(?<!\d)(?:(\d{4})-(\d{2})-(\d{2})|((?:19[7-9]|20\d)\d)(\d{2})(\d{2}))(?!\d)"
)


def parse_date(value: object, zone: tzinfo) -> datetime:
    """An aware datetime in `zone` for a front matter value; ValueError if none.

    A value without a zone is taken to be in `zone`; a date alone is midnight.
    """
    if isinstance(value, datetime):
        return _localize(value, zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), zone)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_timestamp(value, zone)
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} is not a date")
    text = value.strip()
    for parse in (_parse_iso, _parse_chinese, _parse_english, _parse_rfc2822):
        result = parse(text, zone)
        if result is not None:
            return _localize(result, zone)
    raise ValueError(f"cannot read {text!r} as a date")


def _from_timestamp(value: float, zone: tzinfo) -> datetime:
    """Seconds (or JavaScript's milliseconds) since 1970."""
    seconds = value / 1000 if value > 10**11 else value
    if not 10**8 < seconds < 10**11:
        raise ValueError(f"{value!r} is not a date")
    return datetime.fromtimestamp(seconds, zone)


def date_in_name(name: str, zone: tzinfo) -> datetime | None:
    """The first valid `YYYY-MM-DD` or `YYYYMMDD` in a file or folder name, as
    midnight in zone."""
    for match in _DATE_IN_NAME.finditer(name):
        year, month, day = (int(part) for part in match.groups() if part is not None)
        try:
            return datetime(year, month, day, tzinfo=zone)
        except ValueError:
            continue
    return None


def _localize(value: datetime, zone: tzinfo) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    try:
        return value.astimezone(zone)
    except OverflowError as error:  # year 1 or 9999 pushed past the calendar
        raise ValueError(f"{value.isoformat()} is out of range") from error


def _build(parts: tuple[str | None, ...], zone: tzinfo) -> datetime | None:
    year, month, day, hour, minute, second = (int(p) if p else 0 for p in parts[:6])
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _parse_iso(text: str, zone: tzinfo) -> datetime | None:
    compact = _COMPACT.match(text)
    if compact:
        return _build((*compact.groups(), None, None, None), zone)
    match = _ISO.match(text)
    if match is None:
        return None
    *fields, fraction, offset = match.groups()
    result = _build(tuple(fields), zone)
    if result is None:
        return None
    if fraction:
        result = result.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    return result.replace(tzinfo=_offset(offset)) if offset else result


def _offset(text: str) -> tzinfo:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _parse_chinese(text: str, zone: tzinfo) -> datetime | None:
    match = _CHINESE.match(text)
    return _build(match.groups(), zone) if match else None


def _parse_english(text: str, zone: tzinfo) -> datetime | None:
    match = _MONTH_FIRST.match(text)
    if match:
        month_name, day, year, hour, minute, second = match.groups()
    else:
        match = _DAY_FIRST.match(text)
        if match is None:
            return None
        day, month_name, year, hour, minute, second = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    return _build((year, str(month), day, hour, minute, second), zone)


def _parse_rfc2822(text: str, zone: tzinfo) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
