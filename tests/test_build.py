"""`newsdesk build` on real sites: pages read with an HTML parser, feeds with an XML
parser, every internal link followed, and incremental rebuilds counted."""

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from .articles import CMS, LLM, SEEDLIKE, SEEDS, SOURCES, seed_folder
from .conftest import DEMO_SITE, copy_site, run_newsdesk, set_language
from .static_index import indexed_articles


def build(site: Path, out: Path, *extra: str) -> str:
    result = run_newsdesk("build", str(site), "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    return result.stderr


def page(out: Path, url: str) -> BeautifulSoup:
    path = out / unquote(url).lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    site = copy_site(DEMO_SITE, root / "site")
    build(site, root / "out")
    return root / "out"


@pytest.fixture(scope="module")
def shapes_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of the articles of both shapes (see tests/articles.py), from every source
    present, built."""
    root = tmp_path_factory.mktemp("shapes")
    (root / "site" / "content").mkdir(parents=True)
    (root / "site" / "newsdesk.toml").write_text('[site]\ntitle = "种子"\n', encoding="utf-8")
    for folder in (SEEDLIKE, SEEDS):
        for article in folder.glob("*.md"):
            shutil.copy(article, root / "site" / "content" / article.name)
    build(root / "site", root / "out")
    return root / "out"


def article_pages(out: Path) -> list[Path]:
    return sorted((out / "posts").glob("*/index.html"))


def test_every_internal_link_and_asset_resolves(demo: Path) -> None:
    checked = 0
    for html in demo.rglob("*.html"):
        doc = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        ids = {tag["id"] for tag in doc.find_all(id=True)}
        for tag in doc.find_all(["a", "link", "script", "img"]):
            target = tag.get("href") or tag.get("src")
            if not target or target.startswith(("http://", "https://", "mailto:")):
                continue
            parts = urlsplit(target)
            if not parts.path:
                assert parts.fragment in ids, f"{html}: #{parts.fragment}"
                continue
            path = demo / unquote(parts.path).lstrip("/")
            if parts.path.endswith("/"):
                path = path / "index.html"
            assert path.is_file(), f"{html.relative_to(demo)} links to a missing {target}"
            checked += 1
    assert checked > 1000


def test_home_shows_sticky_first_then_hot_then_latest(demo: Path) -> None:
    home = page(demo, "/")
    assert len(home.find_all("h1")) == 1
    sticky = [a.get_text() for a in home.select("section.sticky .card-title a")]
    assert sticky[0] == "终端复兴：用 Rust 重写的新一代命令行工具箱"  # top: 100 outranks true
    assert len(sticky) == 3
    hot = home.select("aside.hot li a")
    assert 1 <= len(hot) <= 5
    latest = home.select("section.latest .card-title a")
    assert not set(sticky) & {a.get_text() for a in latest}
    dates = [t["datetime"] for t in home.select("section.latest time")]
    assert dates == sorted(dates, reverse=True)


def test_drafts_and_scheduled_articles_are_left_out(demo: Path) -> None:
    indexed = indexed_articles(demo)
    titles = {article.title for article in indexed}
    assert len(titles) == len(indexed) == len(article_pages(demo))
    everything = " ".join(p.read_text(encoding="utf-8") for p in demo.rglob("*.html"))
    inspected = json.loads(run_newsdesk("inspect", str(DEMO_SITE), "--json").stdout)
    hidden = [a for a in inspected if a["draft"] or a["published"] > "2026-12"]
    assert len(hidden) == 2
    for article in hidden:
        assert article["title"] not in everything
        assert not (demo / article["url"].lstrip("/")).exists()


@pytest.mark.parametrize(
    ("url", "title", "tags"),
    [
        (
            "/posts/llm-20250312-open-model-licenses/",
            "开源大模型的许可证正在分化",
            ["开放权重", "大模型"],
        ),
        ("/posts/llm-20250610-ai-code-review/", "AI 进入代码评审：能抓错字，难判取舍", ["AI"]),
        ("/posts/llm-20250905-on-device-ai/", "端侧大模型走进手机相册", ["端侧AI", "隐私"]),
        ("/posts/llm-20251020-postgres-18-aio/", "PostgreSQL 18 引入异步 I/O", ["PostgreSQL"]),
    ],
)
def test_chat_model_replies_publish_as_their_articles(
    demo: Path, url: str, title: str, tags: list[str]
) -> None:
    doc = page(demo, url)
    assert doc.find("h1").find(string=True).strip() == title
    assert [h1.get_text() for h1 in doc.find_all("h1")][1:] == []
    shown_tags = [a.get_text().lstrip("#") for a in doc.select(".tag-list a")]
    assert all(tag in shown_tags for tag in tags), shown_tags
    assert doc.find("time") is not None
    body = doc.select_one(".post-body").get_text()
    for chatter in ("以下是", "希望对您", "Let me know", "Here's", "用户的笔记", "**", "作者："):
        assert chatter not in body
    assert not doc.select(".post-body pre code.language-markdown")


def test_article_page_shows_everything_once(demo: Path) -> None:
    doc = page(demo, "/posts/llm-inference-cost-optimization/")
    h1 = doc.find_all("h1")
    assert len(h1) == 1 and h1[0].get_text().startswith("大模型推理为什么越来越便宜")
    assert doc.select_one(".post-cover img")["src"].endswith(".png")
    assert doc.select(".toc li a")
    for link in doc.select(".toc li a"):
        assert doc.find(id=link["href"][1:]) is not None
    assert doc.select(".tag-list a")
    assert doc.select_one(".author-box h2").get_text() == "陈墨"
    assert doc.select(".neighbours a")
    assert doc.select(".related li a")
    assert doc.select(".post-body div.highlight span")
    assert "2.9万" in doc.select_one(".views").get_text()
    data = json.loads(doc.find("script", type="application/ld+json").string)
    assert data["@type"] == "NewsArticle" and data["headline"] == h1[0].find(string=True).strip()
    assert doc.find("link", rel="canonical")["href"].startswith("http://127.0.0.1:8000/posts/")
    assert doc.find("meta", property="og:type")["content"] == "article"


@pytest.mark.parametrize("source", SOURCES)
def test_pages_of_both_shapes_have_one_h1_and_their_tables(shapes_site: Path, source: str) -> None:
    seed_folder(source)  # skips when the source is absent
    cms = shapes_site / "posts" / CMS[source].slug / "index.html"
    llm = shapes_site / "posts" / LLM[source].slug / "index.html"
    for path in (cms, llm):
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        title = doc.find("h1").find(string=True).strip()  # the h1's text before its badges
        assert len(title) > 10
        body = doc.select_one(".post-body")
        assert len(doc.find_all("h1")) == 1
        assert not any(h.get_text(strip=True) == title for h in body.find_all(["h1", "h2"]))
        assert body.find("table") is not None and body.find("table").find("th") is not None
    # The LLM article's fenced body is Markdown, not code; the CMS article has a real
    # code block.
    assert page(shapes_site, f"/posts/{LLM[source].slug}/").select(".post-body pre") == []
    assert page(shapes_site, f"/posts/{CMS[source].slug}/").select(".post-body pre")


def test_feeds_are_valid_and_carry_full_content(demo: Path) -> None:
    rss = ET.parse(demo / "feed.xml").getroot()
    items = rss.findall("channel/item")
    assert 1 <= len(items) <= 20
    encoded = items[0].find("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert encoded is not None and "<p>" in (encoded.text or "")
    atom = ET.parse(demo / "atom.xml").getroot()
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == len(items)
    feed = json.loads((demo / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["items"][0]["content_html"]
    tag_feeds = list((demo / "tags").glob("*/feed.xml"))
    category_feeds = list((demo / "categories").glob("*/atom.xml"))
    assert tag_feeds and category_feeds
    for path in tag_feeds + category_feeds:
        ET.parse(path)
    sitemap = ET.parse(demo / "sitemap.xml").getroot()
    locations = [
        loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert len(locations) > len(article_pages(demo))
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in (demo / "robots.txt").read_text()


def test_archives_tags_cloud_and_404(demo: Path) -> None:
    cloud = page(demo, "/tags/")
    assert len(cloud.select("ul.cloud li")) > 10
    categories = page(demo, "/categories/")
    first = categories.select_one("ul.terms a")
    listing = page(demo, first["href"])
    assert listing.find("h1").get_text().startswith("分类：")
    archives = page(demo, "/archives/")
    month = archives.select_one("ul.terms a")
    assert page(demo, month["href"]).select(".card")
    missing = BeautifulSoup((demo / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert missing.find("h1").get_text() == "页面不存在"


def test_assets_are_fingerprinted(demo: Path) -> None:
    names = sorted(p.name for p in (demo / "assets").iterdir())
    assert all(
        re.fullmatch(r"(site|search|favicon|mermaid|diagrams)\.[0-9a-f]{12}\.(css|js|svg)", n)
        for n in names
    ), names
    css = next((demo / "assets").glob("site.*.css")).read_text()
    assert ".highlight" in css and "prefers-color-scheme: dark" in css


def test_output_is_deterministic(demo: Path, tmp_path: Path) -> None:
    """The demo site built again from scratch (its cache removed) writes the same bytes."""
    site = demo.parent / "site"
    shutil.rmtree(site / ".newsdesk")
    build(site, tmp_path / "two")
    one = {p.relative_to(demo): p.read_bytes() for p in demo.rglob("*") if p.is_file()}
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []


def test_rebuild_writes_only_what_changed(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    out = tmp_path / "out"
    first = build(site, out)
    total = int(re.search(r"(\d+) files, (\d+) written", first).group(1))
    again = build(site, out)
    assert re.search(r"0 written, 0 removed; 0 articles compiled", again), again
    edited = site / "content" / "ebpf-observability.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一段新的结论。\n", "utf-8")
    untouched = out / "posts" / "uv-python-package-manager" / "index.html"
    before = untouched.stat().st_mtime_ns
    third = build(site, out)
    written = int(re.search(r"(\d+) written", third).group(1))
    assert re.search(r"1 articles compiled", third), third
    assert 1 <= written < total // 4, third
    assert (
        "补充一段新的结论"
        in page(out, "/posts/ebpf-zero-instrumentation-observability/").get_text()
    )
    assert untouched.stat().st_mtime_ns == before
    edited.unlink()
    fourth = build(site, out)
    assert not (out / "posts" / "ebpf-zero-instrumentation-observability" / "index.html").exists()
    assert re.search(r"[1-9]\d* removed", fourth), fourth


def test_english_locale_and_base_path(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    set_language(site, "en")
    out = tmp_path / "out"
    build(site, out, "--base-url", "https://news.example.com/blog")
    home = page(out, "/")
    assert home.find("html")["lang"] == "en"
    assert home.select_one("#latest-heading").get_text() == "Latest"
    links = [a["href"] for a in home.select(".card-title a")]
    assert links and all(link.startswith("/blog/posts/") for link in links)
    canonical = home.find("link", rel="canonical")["href"]
    assert canonical == "https://news.example.com/blog/"


def test_build_reports_bad_articles_and_publishes_the_rest(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    (site / "content" / "broken.md").write_text("---\ntitle: [未闭合\n---\n正文\n", "utf-8")
    result = run_newsdesk("build", str(site), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert re.search(r"broken\.md:2:\d+: error", result.stderr), result.stderr
    assert len(article_pages(tmp_path / "out")) == 28


def test_menu_links_resolve_on_a_site_without_terms(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsdesk.toml").write_text('[site]\ntitle = "无分类"\n', encoding="utf-8")
    (site / "content" / "note.md").write_text("# 一篇笔记\n\n正文。\n", encoding="utf-8")
    build(site, tmp_path / "out")
    for url in [a["href"] for a in page(tmp_path / "out", "/").select(".menu a")]:
        listed = page(tmp_path / "out", str(url))
        assert listed.h1 is not None, url
    assert page(tmp_path / "out", "/tags/").select_one("main .terms li").get_text() == "暂无。"


def test_a_remote_cover_is_fetched_first_without_a_referrer(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsdesk.toml").write_text('[site]\ntitle = "封面"\n', encoding="utf-8")
    (site / "content" / "cover.md").write_text(
        "---\ntitle: 外站封面\ndate: 2024-05-01\ncover: https://mmbiz.qpic.cn/cover.jpg\n---\n\n"
        "![正文图](https://mmbiz.qpic.cn/body.jpg)\n",
        encoding="utf-8",
    )
    build(site, tmp_path / "out")
    article = page(tmp_path / "out", "/posts/cover/")
    cover = article.select_one(".post-cover img")
    assert (cover["fetchpriority"], cover["referrerpolicy"]) == ("high", "no-referrer")
    body_image = article.select_one(".post-body img")
    assert body_image["loading"] == "lazy" and body_image["referrerpolicy"] == "no-referrer"
    card = page(tmp_path / "out", "/").select_one("img.card-cover")
    assert card["referrerpolicy"] == "no-referrer"
