"""Dates that migrated blogs carry: the keys of their generators and themes, and
compact dates in file names."""

from pathlib import Path

import pytest

from newsdesk.content.article import Outcome
from newsdesk.content.loader import load_all
from newsdesk.content.options import ContentOptions


def load_one(tmp_path: Path, name: str, text: str) -> Outcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (outcome,) = load_all([path], ContentOptions())
    assert outcome.article is not None, outcome.diagnostics
    return outcome


@pytest.mark.parametrize(
    "key",
    [
        "createdate",
        "createtime",
        "create_time",
        "created",
        "createdAt",
        "creationDate",
        "originalPublishDate",
        "publish_date",
        "pubDatetime",
    ],
)
def test_published_keys(tmp_path: Path, key: str) -> None:
    outcome = load_one(
        tmp_path, "post.md", f"---\ntitle: 文\n{key}: 2021-05-06 07:08\n---\n\n正文\n"
    )
    assert outcome.article is not None
    assert outcome.article.published.isoformat() == "2021-05-06T07:08:00+08:00"
    assert [d.code for d in outcome.diagnostics] == []


@pytest.mark.parametrize(
    "key",
    [
        "last_modified_at",
        "lastmod",
        "lastModified",
        "changedate",
        "updatetime",
        "update_time",
        "modDatetime",
        "modifiedDate",
        "last_updated",
    ],
)
def test_updated_keys(tmp_path: Path, key: str) -> None:
    text = f"---\ntitle: 文\ndate: 2021-01-01\n{key}: 2022-03-04T05:06:07Z\n---\n\n正文\n"
    outcome = load_one(tmp_path, "post.md", text)
    assert outcome.article is not None
    assert outcome.article.updated is not None
    assert outcome.article.updated.isoformat() == "2022-03-04T13:06:07+08:00"
    assert [d.code for d in outcome.diagnostics] == []


def test_the_original_date_of_a_repost_comes_first(tmp_path: Path) -> None:
    text = "---\ntitle: 文\ndate: 2023-01-01\noriginalPublishDate: 2019-09-09\n---\n\n正文\n"
    outcome = load_one(tmp_path, "post.md", text)
    assert outcome.article is not None
    assert outcome.article.published.date().isoformat() == "2019-09-09"


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("20230115-foo.md", "2023-01-15"),
        ("20230115.md", "2023-01-15"),
        ("foo_19991231.md", "1999-12-31"),
        ("2023-01-15-foo.md", "2023-01-15"),
        # An invalid date is skipped for a valid one later in the name.
        ("20231345-2022-02-03.md", "2022-02-03"),
    ],
)
def test_dates_in_file_names(tmp_path: Path, name: str, day: str) -> None:
    outcome = load_one(tmp_path, name, "---\ntitle: 文\n---\n\n正文\n")
    assert outcome.article is not None
    assert outcome.article.published.date().isoformat() == day
    assert [d.code for d in outcome.diagnostics] == []


@pytest.mark.parametrize(
    "name",
    [
        "20231301-foo.md",  # month 13
        "20230230.md",  # 30 February
        "12345678.md",  # an id, not a year
        "issue-202301150.md",  # nine digits
        "v120230115.md",  # inside a longer number
        "2023011.md",  # seven digits
    ],
)
def test_numbers_that_are_not_dates(tmp_path: Path, name: str) -> None:
    outcome = load_one(tmp_path, name, "---\ntitle: 文\n---\n\n正文\n")
    assert [d.code for d in outcome.diagnostics] == ["date-from-mtime"]
