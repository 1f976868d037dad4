"""The desk's article list: every file of the content folder (drafts, scheduled and
unreadable ones included) with its status, views and diagnostics, filtered and sorted
the same way for the desk's page and its API."""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, Literal

from newsdesk.content.article import Outcome

Status = Literal["draft", "scheduled", "published", "invalid"]
STATUSES: tuple[Status, ...] = ("draft", "scheduled", "published", "invalid")
SORTS = ("newest", "oldest", "views")
ROLES_THAT_EDIT_ALL = frozenset({"editor", "admin"})
# The list's filters, as query parameters of the page and the API.
FILTERS = ("q", "status", "category", "tag", "author", "sort")
# Longest filter value taken (a title search longer than this finds nothing anyway).
MAX_FILTER = 200


@dataclass(frozen=True)
class DeskUser:
    name: str
    role: str


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    line: int
    col: int


@dataclass(frozen=True)
class DeskRow:
    """One file as the desk lists it."""

    path: str
    slug: str
    url: str
    title: str
    status: Status
    category: str
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    published: datetime | None
    views_today: int
    views_week: int
    views_total: int
    findings: tuple[Finding, ...]
    # Whether the user looking may edit it (see `may_edit`).
    editable: bool

    def to_json(self, zone: tzinfo) -> dict[str, Any]:
        return {
            "path": self.path,
            "slug": self.slug,
            "url": self.url,
            "title": self.title,
            "status": self.status,
            "category": self.category or None,
            "tags": list(self.tags),
            "authors": list(self.authors),
            "published": self.published.astimezone(zone).isoformat() if self.published else None,
            "views": {
                "today": self.views_today,
                "week": self.views_week,
                "total": self.views_total,
            },
            "editable": self.editable,
            "diagnostics": [
                {
                    "severity": f.severity,
                    "code": f.code,
                    "message": f.message,
                    "line": f.line,
                    "col": f.col,
                }
                for f in self.findings
            ],
        }


@dataclass(frozen=True)
class Views:
    """Counted views by slug: today, the last 7 days (today included), all time (to
    which a row adds the front matter's count, as the site shows it)."""

    today: Mapping[str, int]
    week: Mapping[str, int]
    total: Mapping[str, int]


@dataclass(frozen=True)
class DeskFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    tag: str = ""
    author: str = ""
    sort: str = "newest"

    @classmethod
    def of(cls, query: Mapping[str, str]) -> "DeskFilters":
        """The filters of a query string; unknown status or sort values are ignored."""
        values = {name: query.get(name, "").strip()[:MAX_FILTER] for name in FILTERS}
        if values["status"] not in STATUSES:
            values["status"] = ""
        if values["sort"] not in SORTS:
            values["sort"] = "newest"
        return cls(**values)


def name_key(name: str) -> str:
    """Names compared as the accounts compare them: without case or width."""
    return unicodedata.normalize("NFKC", name).casefold()


def may_edit(user: DeskUser, authors: Sequence[str]) -> bool:
    """Editors and admins edit every article; an author edits those that name them
    among their authors (an author's name equal to their user name, without case or
    width)."""
    if user.role in ROLES_THAT_EDIT_ALL:
        return True
    mine = name_key(user.name)
    return any(name_key(author) == mine for author in authors)


def desk_rows(
    outcomes: Sequence[Outcome], views: Views, user: DeskUser, now: datetime, folder: Path
) -> list[DeskRow]:
    """A row for every file, in the order given; paths relative to `folder` (the
    content folder)."""
    return [_row(outcome, views, user, now, folder) for outcome in outcomes]


def _relative(path: str, folder: Path) -> str:
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return path


def _row(outcome: Outcome, views: Views, user: DeskUser, now: datetime, folder: Path) -> DeskRow:
    findings = tuple(
        Finding(d.severity, d.code, d.message, d.line, d.col) for d in outcome.diagnostics
    )
    article = outcome.article
    path = _relative(outcome.path, folder)
    if article is None:
        editable = user.role in ROLES_THAT_EDIT_ALL
        return DeskRow(path, "", "", path, "invalid", "", (), (), None, 0, 0, 0,
                       findings, editable)  # fmt: skip
    status: Status = "draft" if article.draft else "published"
    if article.is_scheduled(now):
        status = "scheduled"
    authors = tuple(author.name for author in article.authors)
    slug = article.slug
    return DeskRow(
        path=path,
        slug=slug,
        url=article.url,
        title=article.title,
        status=status,
        category=article.category or "",
        tags=article.tags,
        authors=authors,
        published=article.published,
        views_today=views.today.get(slug, 0),
        views_week=views.week.get(slug, 0),
        views_total=article.views + views.total.get(slug, 0),
        findings=findings,
        editable=may_edit(user, authors),
    )


def filter_rows(rows: Sequence[DeskRow], filters: DeskFilters) -> list[DeskRow]:
    """The rows the filters keep, sorted as they say (newest first by default; files
    without a date last)."""
    q = name_key(filters.q)
    kept = [
        row
        for row in rows
        if (not q or q in name_key(row.title))
        and (not filters.status or row.status == filters.status)
        and (not filters.category or name_key(row.category) == name_key(filters.category))
        and (not filters.tag or name_key(filters.tag) in {name_key(t) for t in row.tags})
        and (not filters.author or name_key(filters.author) in {name_key(a) for a in row.authors})
    ]
    if filters.sort == "views":
        return sorted(kept, key=lambda row: (-row.views_total, row.path))
    dated = sorted(
        (row for row in kept if row.published is not None),
        key=lambda row: (row.published, row.path),
        reverse=filters.sort == "newest",
    )
    return dated + [row for row in kept if row.published is None]
