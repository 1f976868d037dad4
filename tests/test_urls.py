"""URLs that stay unique and keep working: articles that had distinct URLs on their
old site keep distinct, stable ones here (a warning says how an ambiguity was
settled, the build still succeeds), and the old URLs that front matter names
(`aliases`, `redirect_from`, `permalink`) lead to the article: a 301 from the server,
a redirect page in the static build, never in place of a real page."""

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from newsdesk.content.loader import discover, load_all
from newsdesk.export.export import build_site
from newsdesk.site.config import load_config
from tests.asgi import serving

from .conftest import run_newsdesk
from .test_local_files import write

NOW = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


def urls(site: Path) -> dict[str, str]:
    """Each article's URL by its path under the content folder."""
    config = load_config(site / "newsdesk.toml")
    folder = site / config.content.dir
    outcomes = load_all(discover(folder), config.content_options())
    return {
        Path(o.path).resolve().relative_to(folder.resolve()).as_posix(): o.article.url
        for o in outcomes
        if o.article is not None
    }


def test_old_sites_distinct_urls_stay_distinct_and_stable(tmp_path: Path) -> None:
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": "[site]\n",
            # Jekyll: one slug, dated file names.
            "content/_posts/2018-01-18-series.md": "---\ntitle: 系列一\n---\n\n正文\n",
            "content/_posts/2018-02-26-series.md": "---\ntitle: 系列二\n---\n\n正文\n",
            # Hugo page bundles: the slug is the folder's name.
            "content/a/index.md": "---\ntitle: 甲\ndate: 2024-01-01\n---\n\n正文\n",
            "content/b/index.md": "---\ntitle: 乙\ndate: 2024-01-01\n---\n\n正文\n",
            # Hexo: the same file name and date in two folders.
            "content/notes/setup.md": "---\ntitle: 安装\ndate: 2024-05-01\n---\n\n正文\n",
            "content/linux/setup.md": "---\ntitle: 安装\ndate: 2024-05-01\n---\n\n正文\n",
        },
    )
    found = urls(site)
    assert found == {
        "_posts/2018-01-18-series.md": "/posts/series/",
        "_posts/2018-02-26-series.md": "/posts/series-2018-02-26/",
        "a/index.md": "/posts/a/",
        "b/index.md": "/posts/b/",
        "linux/setup.md": "/posts/setup/",
        "notes/setup.md": "/posts/notes-setup/",
    }
    # A later article of the same slug leaves the URLs already published as they were.
    write(site, {"content/_posts/2019-03-01-series.md": "---\ntitle: 系列三\n---\n\n正文\n"})
    again = urls(site)
    assert {path: again[path] for path in found} == found
    assert again["_posts/2019-03-01-series.md"] == "/posts/series-2019-03-01/"
    # Settled, and said: a warning at most, so a migrated site builds.
    checked = run_newsdesk("check", str(site), "--format", "json")
    assert checked.returncode == 0, checked.stderr
    codes = [d["code"] for d in json.loads(checked.stdout) if d["severity"] != "info"]
    assert codes.count("slug-collision") == 3
    built = run_newsdesk("build", str(site), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr


def test_a_dated_permalink_keeps_the_old_sites_urls(tmp_path: Path) -> None:
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": '[content]\npermalink = "/:year/:month/:day/:slug/"\n',
            "content/_posts/2018-01-18-series.md": "---\ntitle: 系列一\n---\n\n正文\n",
            "content/_posts/2018-02-26-series.md": "---\ntitle: 系列二\n---\n\n正文\n",
        },
    )
    assert urls(site) == {
        "_posts/2018-01-18-series.md": "/2018/01/18/series/",
        "_posts/2018-02-26-series.md": "/2018/02/26/series/",
    }
    checked = run_newsdesk("check", str(site), "--format", "json")
    assert [d for d in json.loads(checked.stdout) if d["severity"] != "info"] == []


def test_same_slug_same_day_same_folder_gets_a_number(tmp_path: Path) -> None:
    same = "---\ntitle: {}\ndate: 2024-01-01\nslug: same\n---\n\n正文\n"
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": "[site]\n",
            "content/x/a.md": same.format("甲"),
            "content/x/b.md": same.format("乙"),
            "content/x/c.md": same.format("丙"),
        },
    )
    assert urls(site) == {
        "x/a.md": "/posts/same/",
        "x/b.md": "/posts/same-2/",
        "x/c.md": "/posts/same-3/",
    }


def redirect_site(root: Path) -> Path:
    return write(
        root,
        {
            "newsdesk.toml": "[site]\n",
            "content/new-name.md": "---\ntitle: 新名字\ndate: 2024-01-01\n"
            "aliases:\n  - /old/path/\n  - old-two\nredirect_from: /2018/01/legacy.html\n"
            "---\n\n正文\n",
            "content/hexo.md": "---\ntitle: Hexo\ndate: 2019-05-06\n"
            "permalink: 2019/05/06/hexo-post/\n---\n\n正文\n",
            "content/clash.md": "---\ntitle: 冲突\ndate: 2024-02-01\n"
            "aliases: [/posts/new-name/, /old/path/, /]\n---\n\n正文\n",
        },
    )


def test_old_urls_become_redirect_pages_in_the_build(tmp_path: Path) -> None:
    site = redirect_site(tmp_path / "site")
    out = tmp_path / "out"
    report = build_site(site, load_config(site / "newsdesk.toml"), out, now=NOW)
    for path, target in [
        ("old/path/index.html", "/posts/clash/"),
        ("old-two/index.html", "/posts/new-name/"),
        ("2018/01/legacy.html", "/posts/new-name/"),
        ("2019/05/06/hexo-post/index.html", "/posts/hexo/"),
    ]:
        html = (out / path).read_text(encoding="utf-8")
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in html, path
        assert f'<link rel="canonical" href="{target}">' in html
        assert f'<a href="{target}">' in html and "<script" not in html
        assert "本页已迁移" in html
    # The home page stays the home page; the first article by path keeps an old URL
    # that two name.
    assert "refresh" not in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "_redirects").read_text(encoding="utf-8").splitlines() == [
        "/2018/01/legacy.html /posts/new-name/ 301",
        "/2019/05/06/hexo-post/ /posts/hexo/ 301",
        "/old-two/ /posts/new-name/ 301",
        "/old/path/ /posts/clash/ 301",
    ]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/posts/new-name/" in sitemap and "/old/" not in sitemap and "legacy" not in sitemap
    clashes = [
        (d.line, d.col, d.message)
        for o in report.outcomes
        for d in o.diagnostics
        if d.code == "redirect-clash"
    ]
    # clash.md: an article's URL and the home page; new-name.md: the URL clash.md has.
    assert sorted((line, col) for line, col, _ in clashes) == [(4, 1), (4, 1), (4, 1)]
    messages = " ".join(message for _, _, message in clashes)
    assert "new-name.md" in messages and "clash.md" in messages and "'/' is a page" in messages


def test_the_server_answers_old_urls_with_a_permanent_redirect(
    tmp_path: Path, database_url: str
) -> None:
    site = redirect_site(tmp_path / "site")
    with serving(site, database_url) as served, served.client() as client:
        for old, target in [
            ("/old/path/", "/posts/clash/"),
            ("/old/path", "/posts/clash/"),
            ("/old-two/", "/posts/new-name/"),
            ("/2018/01/legacy.html", "/posts/new-name/"),
            ("/2019/05/06/hexo-post/", "/posts/hexo/"),
        ]:
            answer = client.get(old)
            assert answer.status_code == 301, old
            assert answer.headers["location"] == target
        assert client.get("/old-two/?from=feed").headers["location"] == "/posts/new-name/?from=feed"
        home = client.get("/")
        assert home.status_code == 200
        sitemap = client.get("/sitemap.xml").text
        assert not re.search(r"/old/|legacy|hexo-post", sitemap)
