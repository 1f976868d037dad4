"""Bad input: every kind gives a diagnostic with a line and column, never an
exception, and never stops the other files from loading."""

from datetime import datetime
from pathlib import Path

import pytest

from newsdesk.content.article import Outcome
from newsdesk.content.loader import load_all
from newsdesk.content.options import ContentOptions


def load(tmp_path: Path, files: dict[str, str | bytes], **options: object) -> list[Outcome]:
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        paths.append(path)
    return load_all(paths, ContentOptions(**options))  # type: ignore[arg-type]


def codes(outcome: Outcome) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in outcome.diagnostics]


GOOD = "---\ntitle: 好文章\ndate: 2024-01-01\n---\n\n正文。\n"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "file-binary"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 20, "file-binary"),
        (b"\xff\xfe\xff\xfe title", "encoding-invalid"),
        # No field follows the opening line, so no block can be taken as meant.
        (b"---\n\nbody without a closing line\n", "frontmatter-unclosed"),
        (b"---\n- a list\n- not fields\n---\n\nbody\n", "frontmatter-not-mapping"),
    ],
)
def test_unreadable_file_gets_one_error_and_the_others_load(
    tmp_path: Path, content: bytes, code: str
) -> None:
    bad, good = load(tmp_path, {"bad.md": content, "good.md": GOOD})
    assert bad.article is None
    assert [d.code for d in bad.diagnostics] == [code]
    assert bad.diagnostics[0].severity == "error"
    assert bad.diagnostics[0].line >= 1 and bad.diagnostics[0].col >= 1
    assert good.article is not None and good.article.title == "好文章"
    assert bad.to_json()["diagnostics"][0]["code"] == code


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n"])
def test_an_empty_file_is_a_warning_and_not_published(tmp_path: Path, content: bytes) -> None:
    """Migrated blogs hold placeholder files: nothing is broken, nothing to publish."""
    empty, good = load(tmp_path, {"empty.md": content, "good.md": GOOD})
    assert empty.article is None
    assert [(d.code, d.severity) for d in empty.diagnostics] == [("file-empty", "warning")]
    assert good.article is not None


def test_huge_file_is_refused_with_the_limit_named(tmp_path: Path) -> None:
    (outcome,) = load(tmp_path, {"big.md": GOOD + "长" * 5000}, max_file_bytes=4096)
    assert outcome.article is None
    assert outcome.diagnostics[0].code == "file-too-large"
    assert "4,096" in outcome.diagnostics[0].message
    assert "max_file_kb" in outcome.diagnostics[0].fix


def test_yaml_error_is_reported_at_the_line_of_the_file(tmp_path: Path) -> None:
    text = "---\ntitle: 好\ndate: 2024-01-01\nslug: x\n  bad: indent\n---\n\n正文\n"
    (outcome,) = load(tmp_path, {"a.md": text})
    assert outcome.article is None
    (diagnostic,) = outcome.diagnostics
    assert diagnostic.code == "frontmatter-syntax"
    assert (diagnostic.line, diagnostic.col) == (5, 6)


def test_yaml_error_in_indented_block_maps_to_the_column_on_disk(tmp_path: Path) -> None:
    text = "---\n    title: 好\n    date: 2024-01-01\n    slug: x\n      bad: indent\n    ---\n"
    (outcome,) = load(tmp_path, {"a.md": text})
    error = next(d for d in outcome.diagnostics if d.code == "frontmatter-syntax")
    assert (error.line, error.col) == (5, 10)


def test_toml_and_json_errors_have_lines(tmp_path: Path) -> None:
    toml_text = '+++\ntitle = "好"\ndate = 2024-01-01\nslug = ["a", \n+++\n\n正文\n'
    json_text = '{\n  "title": "好",\n  "date": "2024-01-01",\n  "tags": [1, 2,]\n}\n\n正文\n'
    toml, js = load(tmp_path, {"a.md": toml_text, "b.md": json_text})
    assert toml.diagnostics[0].code == "frontmatter-syntax"
    assert (toml.diagnostics[0].line, toml.diagnostics[0].col) == (4, 13)
    assert js.diagnostics[0].code == "frontmatter-syntax"
    assert (js.diagnostics[0].line, js.diagnostics[0].col) == (4, 17)


def test_unknown_field_suggests_the_known_one(tmp_path: Path) -> None:
    text = "---\ntitle: 好\ndate: 2024-01-01\ncatagory: 数据库\nfrobnicate: 1\n---\n\n正文\n"
    (outcome,) = load(tmp_path, {"a.md": text})
    assert outcome.article is not None
    found = {d.code: d for d in outcome.diagnostics}
    assert [(d.line, d.col) for d in outcome.diagnostics] == [(4, 1), (5, 1)]
    typo = outcome.diagnostics[0]
    assert typo.code == "unknown-field" and "did you mean 'category'" in typo.message
    assert "did you mean" not in outcome.diagnostics[1].message
    assert found["unknown-field"].severity == "warning"


def test_duplicate_key_is_reported_and_the_last_wins(tmp_path: Path) -> None:
    text = "---\ntitle: 第一个\ndate: 2024-01-01\ntitle: 第二个\n---\n\n正文\n"
    (outcome,) = load(tmp_path, {"a.md": text})
    assert outcome.article is not None and outcome.article.title == "第二个"
    assert codes(outcome) == [("duplicate-key", 4, 1)]
    assert "lines 2 and 4" in outcome.diagnostics[0].message


def test_invalid_date_warns_and_falls_back_to_the_file_name(tmp_path: Path) -> None:
    text = "---\ntitle: 好\ndate: 2024-02-30\nupdated: 下周二\n---\n\n正文\n"
    (outcome,) = load(tmp_path, {"2024-03-05-post.md": text})
    assert outcome.article is not None
    assert outcome.article.published.isoformat() == "2024-03-05T00:00:00+08:00"
    assert codes(outcome) == [("invalid-date", 3, 1), ("invalid-date", 4, 1)]


def test_no_date_anywhere_uses_the_file_time_with_a_warning(tmp_path: Path) -> None:
    (outcome,) = load(tmp_path, {"post.md": "---\ntitle: 无日期\n---\n\n正文\n"})
    assert outcome.article is not None
    assert [d.code for d in outcome.diagnostics] == ["date-from-mtime"]
    age = datetime.now(outcome.article.published.tzinfo) - outcome.article.published
    assert age.total_seconds() < 60


def test_invalid_values_warn_and_keep_the_article(tmp_path: Path) -> None:
    text = (
        "---\ntitle: 好\ndate: 2024-01-01\nviews: 很多\nisSticky: 也许\ntags: {a: 1}\n---\n\n正文\n"
    )
    (outcome,) = load(tmp_path, {"a.md": text})
    assert outcome.article is not None
    assert codes(outcome) == [
        ("invalid-value", 4, 1),
        ("invalid-value", 5, 1),
        ("invalid-value", 6, 1),
    ]
    assert (outcome.article.views, outcome.article.sticky, outcome.article.tags) == (0, False, ())


def test_gb18030_file_is_read_with_a_warning_and_fixed_in_its_encoding(tmp_path: Path) -> None:
    text = "---\r\ntitle: 国标编码的文章\r\ndate: 2024-01-01\r\n---\r\n\r\n#国标\r\n\r\n正文。\r\n"
    (outcome,) = load(tmp_path, {"gbk.md": text.encode("gb18030")})
    assert outcome.article is not None and outcome.article.title == "国标编码的文章"
    assert [d.code for d in outcome.diagnostics] == ["encoding-gb18030", "heading-space"]
    from newsdesk.content.fix import patches

    (patch,) = patches([outcome])
    assert patch.data == text.replace("#国标", "# 国标").encode("gb18030")


def test_bom_is_kept_by_fix(tmp_path: Path) -> None:
    text = "\ufeff---\ntitle: 带 BOM\ndate: 2024-01-01\n---\n\n#标题\n"
    (outcome,) = load(tmp_path, {"bom.md": text})
    assert outcome.article is not None and outcome.article.title == "带 BOM"
    from newsdesk.content.fix import patches

    (patch,) = patches([outcome])
    assert patch.data.startswith(b"\xef\xbb\xbf---\n")


def test_slug_collision_names_both_files_and_dates_the_later(tmp_path: Path) -> None:
    a = "---\ntitle: 甲\ndate: 2024-01-01\nslug: same\n---\n\n正文\n"
    b = "---\ntitle: 乙\ndate: 2024-01-02\nslug: same\n---\n\n正文\n"
    first, second = load(tmp_path, {"a.md": a, "b.md": b})
    assert first.article is not None and first.article.slug == "same"
    assert second.article is not None and second.article.slug == "same-2024-01-02"
    assert second.article.url == "/posts/same-2024-01-02/"
    (collision,) = second.diagnostics
    assert collision.code == "slug-collision" and collision.severity == "warning"
    assert "a.md" in collision.message and "same-2024-01-02" in collision.message
    assert first.diagnostics == []


def test_boilerplate_summary_is_derived_from_the_body(tmp_path: Path) -> None:
    files = {
        f"{n}.md": f"---\ntitle: 第{n}篇\ndate: 2024-01-0{n}\ndescription: 每日 AI 简报\n---\n\n"
        f"第{n}篇的开头。\n"
        for n in range(1, 5)
    }
    files["5.md"] = "---\ntitle: 独立\ndate: 2024-01-05\ndescription: 自己的摘要\n---\n\n开头。\n"
    outcomes = load(tmp_path, files)
    assert [o.article.summary for o in outcomes if o.article] == [
        "第1篇的开头。",
        "第2篇的开头。",
        "第3篇的开头。",
        "第4篇的开头。",
        "自己的摘要",
    ]
    assert codes(outcomes[0]) == [("summary-boilerplate", 4, 1)]


def test_drafts_and_scheduled_articles_are_not_public(tmp_path: Path) -> None:
    draft = "---\ntitle: 草稿\ndate: 2024-01-01\ndraft: true\n---\n\n正文\n"
    future = "---\ntitle: 定时\ndate: 2999-01-01\n---\n\n正文\n"
    jekyll = "---\ntitle: 未发布\ndate: 2024-01-01\npublished: false\n---\n\n正文\n"
    now = datetime.fromisoformat("2026-11-23T12:00:00+08:00")
    outcomes = load(tmp_path, {"a.md": draft, "b.md": future, "c.md": jekyll, "d.md": GOOD})
    assert [o.article.is_public(now) for o in outcomes if o.article] == [False, False, False, True]


def test_text_after_a_json_front_matter_on_its_line_does_not_crash(tmp_path: Path) -> None:
    [outcome] = load(tmp_path, {"2024-05-01-a.md": '{"title": "标题"} 多余\n\n正文\n'})
    assert outcome.article is not None and outcome.article.title == "标题"
