"""Files beside articles and links between articles, on sites written here: Hugo page
bundles, Hexo asset folders, root-relative files under the old generators' asset
roots, raw HTML media. Built and served, their pages point at published files; what
resolves nowhere is a warning at its place in the file; nothing outside the site's
folder, no Markdown source, dotfile or configuration is ever published."""

import io
import json
import os
import re
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from PIL import Image

from newsdesk.export.export import build_site
from newsdesk.site.config import load_config
from tests.asgi import serving

from .conftest import run_newsdesk
from .test_rebuild import tree

NOW = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


# A real picture; bytes added after its end change its content hash, not its pixels.
PNG = _png()
LOCAL_URL = re.compile(r'\s(?:src|href|poster)="(/[^"]*)"')


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def article(title: str, body: str, date: str = "2024-03-01") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n"


def bundle_site(root: Path) -> Path:
    """A site with a page bundle, a Hexo asset folder, root-relative files under a
    Hexo `source/` and a site `static/`, raw HTML media and links between articles."""
    return write(
        root,
        {
            "newsdesk.toml": '[site]\ntitle = "测试"\n',
            "content/bundle/index.md": article(
                "页面包",
                "![架构](arch.png)\n\n"
                '<video src="demo.mp4" poster="cover.png"></video>\n\n'
                "[下载](<files/说明 文档.pdf>)\n\n[](../hexo-post.md#安装)",
            ),
            "content/bundle/arch.png": PNG,
            "content/bundle/demo.mp4": b"video" * 30,
            "content/bundle/cover.png": PNG + b"cover",
            "content/bundle/files/说明 文档.pdf": b"%PDF-1.4 pdf",
            "content/hexo-post.md": "---\ntitle: Hexo 文章\ndate: 2024-03-01\n"
            "cover: hexo-post/cover.png\n---\n\n"
            "## 安装\n\n![图](hexo-post/diagram.png)\n\n"
            '<img src="shot.png" alt="截图">\n\n'
            "![根目录](/images/logo.png) ![站点](/favicon-own.png)\n\n"
            "[回到页面包](bundle/index.md)\n",
            "content/hexo-post/diagram.png": PNG + b"diagram",
            "content/hexo-post/cover.png": PNG + b"hexo cover",
            "content/hexo-post/shot.png": PNG + b"shot",
            "source/images/logo.png": PNG + b"logo",
            "static/favicon-own.png": PNG + b"own",
        },
    )


def build(site: Path, out: Path):  # type: ignore[no-untyped-def]
    return build_site(site, load_config(site / "newsdesk.toml"), out, now=NOW)


def page(out: Path, url: str) -> str:
    return (out / url.lstrip("/") / "index.html").read_text(encoding="utf-8")


def local_targets(html: str) -> list[str]:
    """The local URLs of the article's body (its page's own links are the theme's)."""
    body = html.split('<div class="post-body">', 1)[1].split("</article>", 1)[0]
    return [unquote(u) for u in LOCAL_URL.findall(body) if not u.startswith("//")]


def test_built_pages_point_at_published_copies_of_the_files(tmp_path: Path) -> None:
    site = bundle_site(tmp_path / "site")
    out = tmp_path / "out"
    report = build(site, out)
    assert not [d for o in report.outcomes for d in o.diagnostics if d.severity != "info"]
    bundle = page(out, "/posts/bundle/")
    hexo = page(out, "/posts/hexo-post/")
    for html in (bundle, hexo):
        broken = [u for u in local_targets(html) if not _exists(out, u)]
        assert broken == []
    # Each file under a name that changes with its content, its bytes as they were.
    published = re.search(r'src="(/files/[0-9a-f]{16}/arch\.png)"', bundle)
    assert published is not None
    assert (out / published.group(1).lstrip("/")).read_bytes() == PNG
    video = r'<video src="/files/[0-9a-f]+/demo\.mp4" poster="/files/[0-9a-f]+/cover\.png"'
    assert re.search(video, bundle)
    assert "/files/" in bundle and "%E8%AF%B4%E6%98%8E%20%E6%96%87%E6%A1%A3.pdf" in bundle
    # A link to another article's file: its URL with the fragment, its title as text.
    assert '<a href="/posts/hexo-post/#%E5%AE%89%E8%A3%85">Hexo 文章</a>' in bundle
    assert '<a href="/posts/bundle/">回到页面包</a>' in hexo
    for name in ("diagram.png", "shot.png", "logo.png"):
        assert re.search(rf'src="/files/[0-9a-f]+/{name}"', hexo), name
    # The cover image beside the post: on its page and in the share preview.
    cover = re.search(
        r'<figure class="post-cover"><picture>.*?<img src="/(files/[0-9a-f]+/cover\.png)"', hexo
    )
    assert cover is not None and (out / cover.group(1)).read_bytes() == PNG + b"hexo cover"
    assert f'<meta property="og:image" content="http://127.0.0.1:8000/{cover.group(1)}">' in hexo
    # The site's own static files are already published at their own URL.
    assert 'src="/favicon-own.png"' in hexo and (out / "favicon-own.png").is_file()


def _exists(out: Path, url: str) -> bool:
    path = out / url.split("#")[0].lstrip("/")
    return path.is_file() or (path / "index.html").is_file()


def test_an_image_changed_beside_a_post_updates_the_build(tmp_path: Path) -> None:
    site = bundle_site(tmp_path / "site")
    out = tmp_path / "out"
    build(site, out)
    before = re.search(r'src="(/files/[^"]+/arch\.png)"', page(out, "/posts/bundle/"))
    assert before is not None
    (site / "content/bundle/arch.png").write_bytes(PNG + b"redrawn")
    report = build(site, out)
    after = re.search(r'src="(/files/[^"]+/arch\.png)"', page(out, "/posts/bundle/"))
    assert after is not None and after.group(1) != before.group(1)
    assert (out / after.group(1).lstrip("/")).read_bytes() == PNG + b"redrawn"
    assert not (out / before.group(1).lstrip("/")).exists()  # the old copy removed
    assert report.compiled == 0  # no article was compiled again for it
    # An edit of a post with local files builds the whole site, right.
    post = site / "content/hexo-post.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n![新图](new.png)\n", encoding="utf-8")
    (site / "content/hexo-post/new.png").write_bytes(PNG + b"new")
    build(site, out)
    assert re.search(r'src="/files/[0-9a-f]+/new\.png"', page(out, "/posts/hexo-post/"))


def test_what_resolves_nowhere_is_a_warning_at_its_place(tmp_path: Path) -> None:
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": "[site]\n",
            "content/post.md": "---\ntitle: 缺失\ndate: 2024-01-01\ncover: nope.png\n---\n\n"
            "正文 ![图](missing.png) 和\n"
            '<img src="/images/gone.png">\n\n'
            "  [链接](other.md)\n\n"
            "```\n![代码里](missing.png)\n```\n\n"
            "[外链](https://example.com/a.png) ![远程](//cdn.example.com/b.png)\n"
            "[页面](/tags/go/) [锚点](#top) [邮件](mailto:a@example.com)\n"
            "[上一篇](../2018/01/post/) [旧页](old.html)\n",
        },
    )
    result = run_newsdesk("check", str(site), "--format", "json")
    assert result.returncode == 0, result.stderr
    found = [(d["code"], d["line"], d["col"]) for d in json.loads(result.stdout)]
    assert ("missing-local-file", 4, 8) in found  # the cover image
    assert ("missing-local-file", 7, 9) in found
    assert ("missing-local-file", 8, 11) in found
    assert ("missing-article-link", 10, 8) in found
    assert len([f for f in found if f[0].startswith("missing-")]) == 4
    out = tmp_path / "out"
    report = build(site, out)
    assert {d.code for o in report.outcomes for d in o.diagnostics} >= {"missing-local-file"}
    html = page(out, "/posts/post/")
    # Left as written, never a silently different page.
    assert 'src="missing.png"' in html and 'href="other.md"' in html
    assert 'href="https://example.com/a.png"' in html and 'src="//cdn.example.com/b.png"' in html
    built = run_newsdesk("build", str(site), "--out", str(tmp_path / "cli-out"))
    assert built.returncode == 0, built.stderr


def test_nothing_outside_the_site_or_private_is_published(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("password", encoding="utf-8")
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": "[site]\n",
            "content/.hidden.png": PNG,
            "README.md": "# 站点说明\n",
            "content/post.md": article(
                "越界",
                "![a](../../secret.txt) ![b](/../secret.txt) ![c](link.txt)\n\n"
                "![d](.hidden.png) [e](/newsdesk.toml) [f](/README.md)\n\n"
                '<img src="../../../../../../etc/passwd"> [g](%2e%2e/%2e%2e/secret.txt)\n\n'
                f"![h](%00.png) ![i]({'长' * 3000}.png) ![j](/%2e%2e/%2e%2e/secret.txt)",
            ),
        },
    )
    os.symlink(tmp_path / "secret.txt", site / "content" / "link.txt")
    out = tmp_path / "out"
    report = build(site, out)
    codes = [d.code for o in report.outcomes for d in o.diagnostics]
    assert codes.count("missing-local-file") == 10
    assert codes.count("missing-article-link") == 1  # a Markdown file, but no article
    published = [p for p in out.rglob("*") if p.is_file()]
    assert not [p for p in published if p.read_bytes() in (b"password", PNG)]
    assert not (out / "files").exists()
    assert "password" not in page(out, "/posts/post/")


def test_the_server_answers_the_published_files(tmp_path: Path, database_url: str) -> None:
    site = bundle_site(tmp_path / "site")
    with serving(site, database_url) as served, served.client() as client:
        html = client.get("/posts/bundle/").text
        targets = local_targets(html)
        assert any(t.startswith("/files/") for t in targets)
        for url in targets:
            if url.startswith("/files/"):
                answer = client.get(url)
                assert answer.status_code == 200, url
        image = re.search(r'src="(/files/[^"]+/arch\.png)"', html)
        assert image is not None
        assert client.get(image.group(1)).content == PNG
        assert client.get("/files/0000000000000000/arch.png").status_code == 404
        # A new image beside the post: the site is settled again, the page follows.
        (site / "content/bundle/arch.png").write_bytes(PNG + b"v2")
        served.live.update([])
        newer = re.search(r'src="(/files/[^"]+/arch\.png)"', client.get("/posts/bundle/").text)
        assert newer is not None and newer.group(1) != image.group(1)
        assert client.get(newer.group(1)).content == PNG + b"v2"


def test_under_a_base_path_the_pages_point_under_it(tmp_path: Path) -> None:
    site = bundle_site(tmp_path / "site")
    (site / "newsdesk.toml").write_text(
        '[site]\nbase_url = "https://example.com/blog"\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    build(site, out)
    bundle = page(out, "/posts/bundle/")
    image = re.search(r'src="/blog/(files/[0-9a-f]+/arch\.png)"', bundle)
    assert image is not None and (out / image.group(1)).read_bytes() == PNG
    assert '<a href="/blog/posts/hexo-post/#%E5%AE%89%E8%A3%85">Hexo 文章</a>' in bundle


def test_the_watching_server_notices_a_file_beside_an_article(
    tmp_path: Path, database_url: str
) -> None:
    site = bundle_site(tmp_path / "site")
    with serving(site, database_url, lifespan=True) as served, served.client() as client:
        before = re.search(r'src="(/files/[^"]+/arch\.png)"', client.get("/posts/bundle/").text)
        assert before is not None
        (site / "content/bundle/arch.png").write_bytes(PNG + b"watched")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            html = client.get("/posts/bundle/").text
            after = re.search(r'src="(/files/[^"]+/arch\.png)"', html)
            if after is not None and after.group(1) != before.group(1):
                break
            time.sleep(0.05)
        assert after is not None and after.group(1) != before.group(1)
        assert client.get(after.group(1)).content == PNG + b"watched"


def test_a_cache_filled_from_another_folder_resolves_the_same(tmp_path: Path) -> None:
    site = bundle_site(tmp_path / "site")
    (site / "content/bundle/index.md").write_text(
        article("页面包", "![架构](arch.png) ![缺](gone.png)"), encoding="utf-8"
    )
    outside = run_newsdesk("check", "site", "--format", "json", cwd=tmp_path)
    inside = run_newsdesk("check", ".", "--format", "json", cwd=site)
    assert outside.returncode == inside.returncode == 0, outside.stderr + inside.stderr
    findings = [(f["path"], f["code"], f["line"], f["col"]) for f in json.loads(inside.stdout)]
    assert ("content/bundle/index.md", "missing-local-file", 6, 22) in findings
    assert [("site/" + p, *rest) for p, *rest in findings] == [
        (f["path"], f["code"], f["line"], f["col"]) for f in json.loads(outside.stdout)
    ]
    built = run_newsdesk("build", ".", "--out", str(tmp_path / "out"), cwd=site)
    assert built.returncode == 0, built.stderr
    html = page(tmp_path / "out", "/posts/bundle/")
    image = re.search(r'src="/(files/[0-9a-f]+/arch\.png)"', html)
    assert image is not None and (tmp_path / "out" / image.group(1)).read_bytes() == PNG


def test_a_linked_articles_new_title_reaches_the_pages_that_link_to_it(tmp_path: Path) -> None:
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": "[site]\n",
            "content/a.md": article("甲", "正文"),
            "content/b.md": article("乙", "正文", "2024-03-02"),
        },
    )
    out = tmp_path / "out"
    build(site, out)
    # A link added to a site that had none: the edit is built with the whole site.
    (site / "content/a.md").write_text(article("甲", "见 [](b.md#细节)。"), encoding="utf-8")
    build(site, out)
    assert '<a href="/posts/b/#%E7%BB%86%E8%8A%82">乙</a>' in page(out, "/posts/a/")
    # The linked article renamed: the page that links to it follows.
    renamed = article("乙的新标题", "正文", "2024-03-02")
    (site / "content/b.md").write_text(renamed, encoding="utf-8")
    report = build(site, out)
    assert not report.patched
    assert '<a href="/posts/b/#%E7%BB%86%E8%8A%82">乙的新标题</a>' in page(out, "/posts/a/")


def test_a_cover_path_is_also_read_from_the_sites_root(tmp_path: Path) -> None:
    """Themes read a front matter image from the site's root (`image: img/bg.jpg` is
    `static/img/bg.jpg`); beside the article still comes first."""
    covered = "---\ntitle: {title}\ndate: 2024-01-01\ncover: img/bg.png\n---\n\n正文。\n"
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": '[site]\ntitle = "封面"\n',
            "static/img/bg.png": PNG + b"theme cover",
            "content/post/a.md": covered.format(title="甲"),
            "content/post/b.md": covered.format(title="乙"),
            "content/post/img/bg.png": PNG + b"beside",
        },
    )
    (site / "content/post/a.md").rename(site / "content/a.md")
    report = build(site, tmp_path / "out")
    assert not [d for o in report.outcomes for d in o.diagnostics if d.code == "missing-local-file"]
    a = page(tmp_path / "out", "/posts/a/")
    # The site's own file keeps its URL; its variants are published by content.
    assert re.search(r'<figure class="post-cover"><picture>.*?<img src="/img/bg\.png"', a)
    b = re.search(
        r'<figure class="post-cover"><picture>.*?<img src="/(files/[0-9a-f]+/bg\.png)"',
        page(tmp_path / "out", "/posts/b/"),
    )
    assert b is not None and (tmp_path / "out" / b.group(1)).read_bytes() == PNG + b"beside"


def _image(path: Path, size: tuple[int, int], kind: str, orientation: int | None = None) -> bytes:
    picture = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    picture.save(path, kind, exif=exif)
    return path.read_bytes()


def test_images_beside_articles_carry_the_size_they_are_shown_at(tmp_path: Path) -> None:
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    png = _image(pictures / "a.png", (640, 480), "PNG")
    turned = _image(pictures / "b.jpg", (1200, 800), "JPEG", orientation=6)
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": '[site]\ntitle = "尺寸"\n',
            "content/post/index.md": article(
                "尺寸",
                "![横图](a.png)\n\n![竖拍](b.jpg)\n\n![残缺](broken.png)\n\n"
                '<img src="a.png" alt="自定" width="320">\n',
            ),
            "content/post/a.png": png,
            "content/post/b.jpg": turned,
            "content/post/broken.png": png[:40],
        },
    )
    build(site, tmp_path / "out")
    images = re.findall(
        r"<img [^>]*>", page(tmp_path / "out", "/posts/post/").split("post-body")[1]
    )
    sized = [
        (re.search(r'alt="([^"]*)"', i), re.findall(r'(width|height)="(\d+)"', i)) for i in images
    ]
    found = {alt.group(1): dict(size) for alt, size in sized if alt}
    assert found == {
        "横图": {"width": "640", "height": "480"},
        "竖拍": {"width": "800", "height": "1200"},  # EXIF turns it a quarter
        "残缺": {},  # a truncated file is published as it is, with no size
        "自定": {"width": "320"},  # the author's own size stays
    }


def test_an_edit_of_an_article_linking_site_pages_by_path_is_patched(tmp_path: Path) -> None:
    site = write(
        tmp_path / "site",
        {
            "newsdesk.toml": '[site]\ntitle = "测试"\n',
            "content/a.md": article("甲", "见[归档](/archives/)与[标签](../tags/)。"),
            "content/b.md": article("乙", "正文。"),
        },
    )
    out = tmp_path / "out"
    build(site, out)
    post = site / "content/a.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    report = build(site, out)
    assert report.patched
    build(site, tmp_path / "fresh")
    assert tree(out) == tree(tmp_path / "fresh")
