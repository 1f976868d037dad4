"""Front matter that does not parse is read field by field; a block closed by a
longer line of dashes, or never closed, is taken as its author meant."""

from pathlib import Path

from newsdesk.content.article import Outcome
from newsdesk.content.fix import patches
from newsdesk.content.loader import load_all
from newsdesk.content.options import ContentOptions


def load(tmp_path: Path, text: str, name: str = "a.md") -> Outcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (outcome,) = load_all([path], ContentOptions())
    return outcome


def found(outcome: Outcome) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in outcome.diagnostics]


def test_fields_that_parse_are_kept_and_each_broken_one_is_reported(tmp_path: Path) -> None:
    text = (
        "---\n"
        "title: 好文章\n"
        "date: 2024-01-02\n"
        "top_img: {{ page.cover }}\n"
        "tags: [a, b\n"
        'summary: "摘要\n'
        "keywords: [k]\n"
        "categories:\n"
        "  - 后端\n"
        "---\n\n正文\n"
    )
    outcome = load(tmp_path, text)
    article = outcome.article
    assert article is not None
    assert (article.title, article.published.isoformat()) == ("好文章", "2024-01-02T00:00:00+08:00")
    assert article.tags == ("k",) and article.category == "后端"
    assert found(outcome) == [
        ("frontmatter-salvaged", 4, 11),
        ("frontmatter-salvaged", 5, 12),
        ("frontmatter-salvaged", 6, 13),
    ]
    first = outcome.diagnostics[0]
    assert first.severity == "warning"
    assert first.message == (
        "YAML front matter: found unhashable key; the field 'top_img' is ignored, "
        "the other fields are read"
    )


def test_toml_fields_and_tables_are_salvaged(tmp_path: Path) -> None:
    text = (
        "+++\n"
        'title = "好"\n'
        "date = 2024-01-02\n"
        'tags = ["a", \n'
        'cover = "x.png"\n'
        "[params]\n"
        "x = 1\n"
        "y = \n"
        "+++\n\n正文\n"
    )
    outcome = load(tmp_path, text)
    assert outcome.article is not None and outcome.article.cover_image == "x.png"
    assert found(outcome) == [("frontmatter-salvaged", 4, 13), ("frontmatter-salvaged", 8, 4)]
    assert "'params'" in outcome.diagnostics[1].message


def test_a_lost_vital_field_keeps_the_block_an_error(tmp_path: Path) -> None:
    # Without its draft flag the article would be published.
    text = "---\ntitle: 草稿\ndate: 2024-01-02\ndraft: [true\nsummary: x\n---\n\n正文\n"
    outcome = load(tmp_path, text)
    assert outcome.article is None
    assert found(outcome) == [("frontmatter-syntax", 5, 8)]


def test_a_line_that_is_no_field_keeps_the_block_an_error(tmp_path: Path) -> None:
    outcome = load(tmp_path, "---\ntitle: 好\n[broken\ndate: 2024-01-02\n---\n\n正文\n")
    assert outcome.article is None
    assert [code for code, *_ in found(outcome)] == ["frontmatter-syntax"]


def test_duplicate_keys_across_salvaged_fields(tmp_path: Path) -> None:
    text = "---\ntitle: 一\ndate: 2024-01-02\ntags: [a\ntitle: 二\n---\n\n正文\n"
    outcome = load(tmp_path, text)
    assert outcome.article is not None and outcome.article.title == "二"
    assert found(outcome) == [("frontmatter-salvaged", 4, 9), ("duplicate-key", 5, 1)]


def test_a_block_closed_by_four_dashes(tmp_path: Path) -> None:
    text = "---\ntitle: 好\ndate: 2024-01-02\n----\n\n正文\n\n---\n\n结尾\n"
    outcome = load(tmp_path, text)
    assert outcome.article is not None and outcome.article.title == "好"
    assert found(outcome) == [("frontmatter-closer", 4, 1)]
    assert outcome.diagnostics[0].severity == "info"
    assert outcome.body == "\n正文\n\n---\n\n结尾\n"
    (patch,) = patches([outcome])
    assert patch.data.decode() == text.replace("----", "---", 1)


def test_a_toml_block_closed_by_four_pluses(tmp_path: Path) -> None:
    outcome = load(tmp_path, '+++\ntitle = "好"\ndate = 2024-01-02\n++++++\n正文\n')
    assert outcome.article is not None and outcome.body == "正文\n"
    assert found(outcome) == [("frontmatter-closer", 4, 1)]


def test_a_block_never_closed_ends_at_its_first_line_that_is_no_field(tmp_path: Path) -> None:
    text = (
        "---\ntitle: 好\ndate: 2024-01-02\nsummary: 一段\n  摘要\ntags:\n- a\n- b\n## 小节\n正文\n"
    )
    outcome = load(tmp_path, text)
    article = outcome.article
    assert article is not None and article.tags == ("a", "b")
    assert article.summary == "一段 摘要"
    assert found(outcome) == [("frontmatter-closed", 1, 1)]
    diagnostic = outcome.diagnostics[0]
    assert diagnostic.severity == "warning"
    assert "after line 8" in diagnostic.message
    assert outcome.body == "## 小节\n正文\n"
    (patch,) = patches([outcome])
    assert patch.data.decode() == text.replace("- b\n", "- b\n---\n")


def test_a_block_never_closed_ends_at_a_blank_line_or_the_end(tmp_path: Path) -> None:
    outcome = load(tmp_path, "---\n标题：好\n日期：2024-01-02\n\n正文\n")
    assert outcome.article is not None and outcome.article.title == "好"
    assert outcome.body == "\n正文\n"
    alone = load(tmp_path, "---\ntitle: 只有字段\ndate: 2024-01-02", "b.md")
    assert alone.article is not None and alone.article.title == "只有字段"
    assert found(alone) == [("frontmatter-closed", 1, 1)]


def test_an_opening_line_with_no_field_after_it_stays_unclosed(tmp_path: Path) -> None:
    outcome = load(tmp_path, "---\n\n一段正文\n")
    assert outcome.article is None
    assert found(outcome) == [("frontmatter-unclosed", 1, 1)]
