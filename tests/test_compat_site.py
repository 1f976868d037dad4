"""A migrated site end to end: `[compat]` in newsdesk.toml, the includes folder
found beside the content, `check` naming file:line:col, `fix --write` once."""

from pathlib import Path

from newsdesk.site.config import load_config
from tests.conftest import run_newsdesk

ARTICLE = """\
---
title: 旧站文章
date: 2019-03-04
---
![logo]({{ site.url }}/images/logo.png)

{% include callout.md text="迁移完成" %}

欢迎来到 {{ site.title }}。{% unknown_plugin a b %}
"""


def make_site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "_includes").mkdir()
    (root / "_includes" / "callout.md").write_text(
        "> {{ include.text }}，作者 {{ site.author }}\n", encoding="utf-8"
    )
    (root / "content" / "old.md").write_text(ARTICLE, encoding="utf-8")
    (root / "newsdesk.toml").write_text(
        '[compat.site]\ntitle = "旧博客"\nauthor = "韩梅梅"\n', encoding="utf-8"
    )
    return root


def test_compat_settings_are_read_and_the_includes_folder_found(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    options = load_config(site / "newsdesk.toml").content_options(site)
    assert options.compat.content == str((site / "content").resolve())
    assert options.compat.includes == str((site / "_includes").resolve())
    assert dict(options.compat.site) == {
        "url": "",
        "baseurl": "",
        "title": "旧博客",
        "author": "韩梅梅",
    }


def test_compat_site_table_takes_only_text(tmp_path: Path) -> None:
    (tmp_path / "newsdesk.toml").write_text("[compat.site]\nyear = 2019\n", encoding="utf-8")
    checked = run_newsdesk("check", str(tmp_path))
    assert checked.returncode == 2
    assert "compat.site: expected a table of text values" in checked.stderr


def test_check_then_fix_a_migrated_site(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    checked = run_newsdesk("check", str(site), "--quiet")
    assert checked.returncode == 0
    assert (
        "content/old.md:9:23: warning unknown-template-tag {% unknown_plugin %} is not a tag"
        in checked.stdout
    )
    written = run_newsdesk("fix", str(site), "--write")
    assert written.returncode == 0
    assert (site / "content" / "old.md").read_text(encoding="utf-8") == (
        "---\ntitle: 旧站文章\ndate: 2019-03-04\n---\n"
        "![logo](/images/logo.png)\n\n"
        "> 迁移完成，作者 韩梅梅\n\n"
        "欢迎来到 旧博客。\n"
    )
    again = run_newsdesk("fix", str(site), "--write")
    assert "nothing to repair" in again.stderr
