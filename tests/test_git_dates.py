"""Articles with no date of their own take their git history's dates: checked and
built in a real repository, with commits at set dates."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from newsdesk.content.history import commit_dates
from newsdesk.content.loader import load_all
from newsdesk.content.options import ContentOptions

from .asgi import serving
from .conftest import run_newsdesk
from .server import database_on, eventually

UNDATED = "---\ntitle: 无日期的文章\n---\n\n正文。\n"
DATED = "---\ntitle: 有日期的文章\ndate: 2020-02-02\n---\n\n正文。\n"


def git(folder: Path, *args: str, when: str = "2021-01-01T10:00:00+08:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    identity = ["-c", "user.name=测试", "-c", "user.email=t@example.com"]
    subprocess.run(["git", *identity, *args], cwd=folder, env=env, check=True, capture_output=True)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site in a repository: an undated article committed twice, a dated one, and
    an undated one never committed."""
    root = tmp_path / "site"
    content = root / "content"
    content.mkdir(parents=True)
    (root / "newsdesk.toml").write_text('[site]\ntitle = "测试"\n', encoding="utf-8")
    (content / "undated.md").write_text(UNDATED, encoding="utf-8")
    (content / "dated.md").write_text(DATED, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first", when="2021-03-04T10:00:00+08:00")
    (content / "undated.md").write_text(UNDATED + "\n第二段。\n", encoding="utf-8")
    git(root, "commit", "-qam", "second", when="2022-05-06T12:30:00+08:00")
    (content / "new.md").write_text(UNDATED.replace("无日期", "未提交"), encoding="utf-8")
    return root


def test_check_dates_an_undated_article_by_its_history(site: Path) -> None:
    result = run_newsdesk("check", "--format", "json", cwd=site)
    found = sorted((f["path"], f["code"]) for f in json.loads(result.stdout))
    assert found == [
        ("content/new.md", "date-from-mtime"),
        ("content/undated.md", "date-from-git"),
    ]
    result = run_newsdesk("inspect", "--json", "content/undated.md", "content/dated.md", cwd=site)
    undated, dated = json.loads(result.stdout)
    assert undated["published"] == "2021-03-04T10:00:00+08:00"
    assert undated["updated"] == "2022-05-06T12:30:00+08:00"
    assert undated["url"] == "/posts/undated/"
    assert dated["published"] == "2020-02-02T00:00:00+08:00" and dated["updated"] is None
    (message,) = [d["message"] for d in undated["diagnostics"]]
    assert message == (
        "no date in the front matter or the file name; first commit 2021-03-04 is the date "
        "published, last commit 2022-05-06 the date updated"
    )


def test_one_commit_gives_no_update_and_the_url_follows_the_date(tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text(UNDATED, encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "only", when="2019-12-31T23:30:00+00:00")
    options = ContentOptions(permalink="/:year/:month/:slug/")
    (outcome,) = load_all([tmp_path / "post.md"], options)
    article = outcome.article
    assert article is not None and article.updated is None
    assert article.published.isoformat() == "2020-01-01T07:30:00+08:00"
    assert article.url == "/2020/01/post/"
    assert [(d.code, d.severity) for d in outcome.diagnostics] == [("date-from-git", "info")]


def test_without_a_repository_or_git_the_file_time_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "post.md").write_text(UNDATED, encoding="utf-8")
    (outcome,) = load_all([tmp_path / "post.md"], ContentOptions())
    assert [d.code for d in outcome.diagnostics] == ["date-from-mtime"]
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "only")
    assert commit_dates([str(tmp_path / "post.md")], ContentOptions().zone)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert commit_dates([str(tmp_path / "post.md")], ContentOptions().zone) == {}
    (outcome,) = load_all([tmp_path / "post.md"], ContentOptions())
    assert [d.code for d in outcome.diagnostics] == ["date-from-mtime"]


def test_a_new_commit_changes_the_dates_of_the_next_build(site: Path) -> None:
    page = site / "public" / "posts" / "undated" / "index.html"
    first = run_newsdesk("build", str(site))
    assert first.returncode == 0, first.stderr
    html = page.read_text(encoding="utf-8")
    assert '<time datetime="2021-03-04T10:00:00+08:00">' in html
    assert '<time datetime="2022-05-06T12:30:00+08:00">' in html
    # An edit committed after the build: the file's size and time stay as built.
    path = site / "content" / "undated.md"
    stat = path.stat()
    git(site, "commit", "-q", "--allow-empty", "-m", "unrelated", when="2023-01-01T00:00:00Z")
    unchanged = run_newsdesk("build", str(site))
    assert "0 articles compiled" in unchanged.stderr, unchanged.stderr
    path.write_text(UNDATED + "\n第三段。\n", encoding="utf-8")
    git(site, "commit", "-qam", "third", when="2024-07-08T09:00:00+08:00")
    path.write_text(UNDATED + "\n第二段。\n", encoding="utf-8")  # as built, same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = run_newsdesk("build", str(site))
    assert again.returncode == 0, again.stderr
    html = page.read_text(encoding="utf-8")
    assert '<time datetime="2024-07-08T09:00:00+08:00">' in html
    assert '<time datetime="2021-03-04T10:00:00+08:00">' in html
    index = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2021-03-04T10:00:00+08:00">' in index


def test_the_server_sees_a_commit_that_touches_no_file(site: Path, tmp_path: Path) -> None:
    def updated() -> str:
        snapshot = served.live.snapshot
        assert snapshot is not None
        stamp = snapshot.by_slug["undated"].article.updated
        return stamp.isoformat() if stamp else ""

    # Files older than the index: only the commit can move the dates.
    for path in (site / "content").iterdir():
        os.utime(path, (path.stat().st_atime - 3600, path.stat().st_mtime - 3600))
    for url in database_on("sqlite", tmp_path / "store.sqlite"):
        with serving(site, url, lifespan=True) as served:
            assert updated() == "2022-05-06T12:30:00+08:00"
            amended = "2024-07-08T09:00:00+08:00"
            git(site, "commit", "-q", "--amend", "--no-edit", f"--date={amended}", when=amended)
            eventually(lambda: updated() == "2024-07-08T09:00:00+08:00", within=10)
            # A commit that leaves these dates alone republishes nothing.
            version = served.live.snapshot.version if served.live.snapshot else 0
            git(site, "commit", "-q", "--allow-empty", "-m", "other", when="2025-01-01T00:00:00Z")
            assert not served.live.recheck_history()
            assert served.live.snapshot and served.live.snapshot.version == version
