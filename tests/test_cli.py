"""The command-line contract, run as a user runs it: a child process."""

import json
import shutil
from pathlib import Path

import pytest

from .articles import LLM, SOURCES, llm_path, seed_folder
from .conftest import DEMO_SITE, run_newsdesk


def make_site(tmp_path: Path, files: dict[str, str]) -> Path:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsdesk.toml").write_text('[site]\ntitle = "测试"\n', encoding="utf-8")
    for name, text in files.items():
        (site / "content" / name).write_text(text, encoding="utf-8")
    return site


GOOD = "---\ntitle: 好文章\ndate: 2024-01-01\n---\n\n正文。\n"
# A slug that cannot be read: the article is not published (see test_front_matter_salvage).
BROKEN = "---\ntitle: 坏文章\ndate: 2024-01-01\nslug: [a\n---\n\n正文\n"


def test_check_text_lines_and_exit_status(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.md": GOOD, "bad.md": BROKEN})
    result = run_newsdesk("check", str(site))
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{site / 'content' / 'bad.md'}:4:9: error frontmatter-syntax ")
    assert "2 files: 1 articles, 1 errors, 0 warnings" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_json_and_success(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.md": GOOD, "warn.md": GOOD.replace("date", "dtae")})
    result = run_newsdesk("check", "--format", "json", cwd=site)
    findings = json.loads(result.stdout)
    codes = sorted(f["code"] for f in findings)
    assert codes == ["date-from-mtime", "unknown-field"]
    assert set(findings[0]) >= {"path", "line", "col", "severity", "code", "message"}
    assert result.returncode == 0


def test_inspect_json_one_object_per_file_even_unreadable(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.md": GOOD, "bad.md": BROKEN})
    files = [str(site / "content" / "good.md"), str(site / "content" / "bad.md")]
    result = run_newsdesk("inspect", *files, "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [d["title"] for d in data] == ["好文章", None]
    assert list(data[1]) == list(data[0]), "an unreadable file has the same keys"
    assert data[1]["diagnostics"][0]["code"] == "frontmatter-syntax"
    assert data[0]["published"] == "2024-01-01T00:00:00+08:00"


@pytest.mark.parametrize("source", SOURCES)
def test_inspect_table_lists_each_article_and_its_repairs(source: str) -> None:
    folder = seed_folder(source)
    result = run_newsdesk("inspect", *sorted(str(p) for p in folder.glob("*.md")))
    assert result.returncode == 0
    # The table may shorten a slug, never below its first 11 characters.
    assert LLM[source].slug[:11] in result.stdout and "frontmatter-indent" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("source", SOURCES)
def test_fix_shows_a_diff_and_writes_only_with_write(tmp_path: Path, source: str) -> None:
    seed = llm_path(seed_folder(source))
    site = make_site(tmp_path, {})
    target = site / "content" / seed.name
    shutil.copy(seed, target)
    original = target.read_bytes()
    shown = run_newsdesk("fix", str(site))
    assert shown.returncode == 0
    assert "-            ```markdown" in shown.stdout
    assert f"+source: {LLM[source].source}" in shown.stdout
    assert target.read_bytes() == original, "fix without --write changes nothing"
    written = run_newsdesk("fix", str(site), "--write")
    assert written.returncode == 0 and "fixed" in written.stderr
    assert target.read_bytes() != original
    again = run_newsdesk("fix", str(site), "--write")
    assert "nothing to repair" in again.stderr
    assert [p.name for p in (site / "content").iterdir()] == [seed.name], "no temporary files left"


def test_errors_are_one_readable_line(tmp_path: Path) -> None:
    missing = run_newsdesk("check", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"error: {tmp_path / 'nope'}: no such file or folder"
    site = make_site(tmp_path, {"good.md": GOOD})
    (site / "newsdesk.toml").write_text("[content]\nsumary_chars = 0\n", encoding="utf-8")
    config = run_newsdesk("check", str(site))
    assert config.returncode == 2
    assert "content.sumary_chars: unknown setting; did you mean 'summary_chars'?" in config.stderr
    assert "Traceback" not in config.stderr


def test_init_and_new_create_a_checkable_site(tmp_path: Path) -> None:
    site = tmp_path / "blog"
    assert run_newsdesk("init", str(site)).returncode == 0
    created = run_newsdesk("new", "Rust 异步编程入门", "--site", str(site), "--tag", "Rust")
    assert created.returncode == 0
    article = site / "content" / "rust-yi-bu-bian-cheng-ru-men.md"
    assert article.exists()
    result = run_newsdesk("inspect", str(article), "--json")
    (data,) = json.loads(result.stdout)
    assert (data["title"], data["tags"], data["draft"]) == ("Rust 异步编程入门", ["Rust"], True)
    assert run_newsdesk("init", str(site)).returncode == 2


def test_demo_site_checks_clean() -> None:
    result = run_newsdesk("check", str(DEMO_SITE), "--format", "json")
    findings = json.loads(result.stdout)
    assert [f for f in findings if f["severity"] == "error"] == []
    assert result.returncode == 0
