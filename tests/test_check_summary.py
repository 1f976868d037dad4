"""`newsdesk check --summary`: one line per diagnostic code, run as a user runs it."""

import json
from pathlib import Path

from .conftest import run_newsdesk

GOOD = "---\ntitle: 好文章\ndate: 2024-01-01\n---\n\n正文。\n"
BROKEN = "---\ntitle: 坏文章\ndate: 2024-01-01\nslug: [a\n---\n\n正文\n"
TYPO = "---\ntitle: 文\ndate: 2024-01-01\ncommens: true\n---\n\n正文\n"
THEME = "---\ntitle: 文\ndate: 2024-01-01\ncate1: 后端\n---\n\n正文\n"


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    content = site / "content"
    content.mkdir(parents=True)
    (site / "newsdesk.toml").write_text('[site]\ntitle = "测试"\n', encoding="utf-8")
    files = {"bad.md": BROKEN, "good.md": GOOD}
    files.update({f"typo{n}.md": TYPO for n in range(1, 6)})
    files.update({f"theme{n}.md": THEME for n in range(1, 4)})
    for name, text in files.items():
        (content / name).write_text(text, encoding="utf-8")
    return site


def test_summary_text_one_line_per_code(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run_newsdesk("check", "--summary", cwd=site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "error   frontmatter-syntax    1 in 1 files: content/bad.md:4:9",
        "warning unknown-field         5 in 5 files: content/typo1.md:4:1, content/typo2.md:4:1, "
        "content/typo3.md:4:1 (+2 more)",
        "info    unknown-field-summary 1 in 1 files: content/theme1.md:4:1",
    ]
    assert "10 files: 9 articles, 1 errors, 5 warnings" in result.stderr


def test_summary_quiet_leaves_out_the_infos(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run_newsdesk("check", "--summary", "--quiet", cwd=site)
    assert [line.split()[1] for line in result.stdout.splitlines()] == [
        "frontmatter-syntax",
        "unknown-field",
    ]


def test_summary_json(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run_newsdesk("check", "--summary", "--format", "json", cwd=site)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["files"] == 10 and data["articles"] == 9
    assert data["severities"] == {"error": 1, "warning": 5, "info": 1}
    assert [(c["code"], c["severity"], c["count"], c["files"]) for c in data["codes"]] == [
        ("frontmatter-syntax", "error", 1, 1),
        ("unknown-field", "warning", 5, 5),
        ("unknown-field-summary", "info", 1, 1),
    ]
    typo = data["codes"][1]["examples"]
    assert [(e["path"], e["line"], e["col"]) for e in typo] == [
        (f"content/typo{n}.md", 4, 1) for n in (1, 2, 3)
    ]
    assert typo[0]["message"] == "unknown field 'commens'; did you mean 'comments'?"
    theme = data["codes"][2]["examples"][0]["message"]
    assert "'cate1'" in theme and "3 files use it" in theme


def test_summary_of_a_clean_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsdesk.toml").write_text('[site]\ntitle = "测试"\n', encoding="utf-8")
    (site / "content" / "good.md").write_text(GOOD, encoding="utf-8")
    result = run_newsdesk("check", "--summary", cwd=site)
    assert result.returncode == 0 and result.stdout == ""
    result = run_newsdesk("check", "--summary", "--format", "json", cwd=site)
    assert json.loads(result.stdout)["codes"] == []


def test_a_line_number_is_not_read_as_an_emoji_code(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsdesk.toml").write_text('[site]\ntitle = "测试"\n', encoding="utf-8")
    body = "\n" * 93 + "```python\nprint(1)\n"
    (site / "content" / "a.md").write_text(GOOD + body, encoding="utf-8")
    result = run_newsdesk("check", cwd=site)
    assert result.stdout.startswith("content/a.md:100:1: warning fence-closed ")
