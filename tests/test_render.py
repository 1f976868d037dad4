"""Markdown to HTML: GFM features, sanitizing, links, heading ids, highlighting."""

import pytest
from bs4 import BeautifulSoup

from newsdesk.content.loader import load_file
from newsdesk.content.options import ContentOptions
from newsdesk.render.markdown import render_body
from newsdesk.render.options import RenderOptions

from .articles import SOURCES, seed_folder
from .conftest import DEMO_SITE

SAFE = RenderOptions(site_host="news.example.com")


def soup(markdown: str, options: RenderOptions = SAFE) -> BeautifulSoup:
    return BeautifulSoup(render_body(markdown, options).html, "html.parser")


def test_gfm_features() -> None:
    page = soup(
        "| 名称 | 值 |\n|---|---|\n| a | 1 |\n\n~~删除~~\n\n- [x] 完成\n- [ ] 未完成\n\n"
        "见 https://example.org 和注释[^n]。\n\n[^n]: 脚注内容\n"
    )
    assert [c.get_text() for c in page.select("table th")] == ["名称", "值"]
    assert page.find("del").get_text() == "删除"
    boxes = page.select("li input[type=checkbox]")
    assert [box.has_attr("checked") for box in boxes] == [True, False]
    assert page.find("a", href="https://example.org") is not None
    assert page.select_one("section.footnotes li").get_text(strip=True).startswith("脚注内容")


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        "<svg onload=alert(1)><circle/></svg>",
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<details open ontoggle="alert(1)">x</details>',
        "![x](javascript:alert(1))",
    ],
)
def test_untrusted_html_is_made_harmless(payload: str) -> None:
    page = soup(f"文本 {payload} 文本\n\n{payload}\n")
    assert page.get_text().startswith("文本")  # the text before the payload is kept
    assert page.find(["script", "iframe", "svg", "style", "math"]) is None
    for tag in page.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), tag
            assert name != "style", tag
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not text.strip().lower().startswith(("javascript:", "data:")), tag


def test_trusted_sites_keep_raw_html() -> None:
    markdown = '<iframe src="https://player.example/v/1"></iframe>\n'
    assert soup(markdown).find("iframe") is None
    kept = soup(markdown, RenderOptions(raw_html=True)).find("iframe")
    assert kept is not None and kept["src"] == "https://player.example/v/1"


def test_text_that_looks_like_a_tag_is_escaped_not_lost() -> None:
    page = soup("泛型写作 `List<String>`，正文里的 <String> 也要保留。\n")
    assert "<String>" in page.get_text()


def test_links_and_images() -> None:
    page = soup(
        "[外](https://other.example/a) [内](https://news.example.com/posts/a/) "
        "[相对](/posts/b/)\n\n![图](/images/a.png)\n"
    )
    outside, inside, relative = page.find_all("a")
    assert outside["rel"] == ["noopener", "noreferrer"]
    assert not inside.has_attr("rel") and not relative.has_attr("rel")
    image = page.find("img")
    assert image["loading"] == "eager" and image["alt"] == "图"


def test_the_lead_image_loads_first_and_other_hosts_get_no_referrer() -> None:
    markdown = (
        "![首图](/images/a.png)\n\n![外站](https://mmbiz.qpic.cn/b.jpg)\n\n"
        "![本站](https://news.example.com/c.png) ![协议相对](//img.example.org/d.png)\n"
    )
    lead, remote, own, relative = soup(markdown).find_all("img")
    assert (lead["loading"], lead["fetchpriority"]) == ("eager", "high")
    for later in (remote, own, relative):
        assert later["loading"] == "lazy" and not later.has_attr("fetchpriority")
    assert remote["referrerpolicy"] == relative["referrerpolicy"] == "no-referrer"
    assert not lead.has_attr("referrerpolicy") and not own.has_attr("referrerpolicy")
    # Under a cover the body's first image is not the page's first.
    covered = BeautifulSoup(render_body(markdown, SAFE, lead_image=False).html, "html.parser")
    assert {img["loading"] for img in covered.find_all("img")} == {"lazy"}


def test_heading_ids_keep_chinese_and_are_unique() -> None:
    rendered = render_body("## 小结\n\n### 背景 `Rust`\n\n## 小结\n\n##### 深层\n", SAFE)
    page = BeautifulSoup(rendered.html, "html.parser")
    assert [h["id"] for h in page.find_all(["h2", "h3", "h5"])] == [
        "小结",
        "背景-rust",
        "小结-1",
        "深层",
    ]
    assert [(t.level, t.id) for t in rendered.toc] == [(2, "小结"), (3, "背景-rust"), (2, "小结-1")]


@pytest.mark.parametrize("source", SOURCES)
def test_render_toc_matches_the_content_toc_on_real_articles(source: str) -> None:
    options = ContentOptions()
    paths = sorted(seed_folder(source).glob("*.md")) + sorted((DEMO_SITE / "content").glob("*.md"))
    for path in paths:
        outcome = load_file(path, options)
        assert outcome.article is not None and outcome.body is not None
        assert render_body(outcome.body, SAFE).toc == outcome.article.toc, path.name


def test_code_is_highlighted_with_classes() -> None:
    page = soup('```python\nprint("<b>")\n```\n\n```unknown-lang\na < b\n```\n')
    blocks = page.select("div.highlight")
    assert [b["data-lang"] for b in blocks] == ["python", "unknown-lang"]
    assert blocks[0].select("span.nb")  # print, a builtin
    assert blocks[0].get_text() == 'print("<b>")\n'
    assert blocks[1].get_text() == "a < b\n" and not blocks[1].find("span")


def test_cjk_spacing_leaves_code_alone() -> None:
    html = render_body(
        "用Rust写的工具，版本2024很快\n\n`用Rust`\n", RenderOptions(cjk_spacing=True)
    ).html
    page = BeautifulSoup(html, "html.parser")
    assert page.find("p").get_text() == "用 Rust 写的工具，版本 2024 很快"
    assert page.find("code").get_text() == "用Rust"


def test_bare_urls_stop_at_chinese_text() -> None:
    page = soup("详见 https://example.org/docs/a。后面是中文\n\n又见 www.example.com/x，继续\n")
    assert [(a["href"], a.get_text()) for a in page.find_all("a")] == [
        ("https://example.org/docs/a", "https://example.org/docs/a"),
        ("http://www.example.com/x", "www.example.com/x"),
    ]
    assert "。后面是中文" in page.get_text() and "，继续" in page.get_text()


@pytest.mark.parametrize("elsewhere", ["", "\n\n有一个 <b>标签</b>。\n"])
def test_url_policy_does_not_depend_on_raw_html_elsewhere(elsewhere: str) -> None:
    markdown = (
        "![图](data:image/png;base64,iVBORw0KGgo=) [文件](ftp://files.example.com/a) "
        "[脚本](javascript:alert(1)) [网页](https://example.com/)" + elsewhere
    )
    page = BeautifulSoup(render_body(markdown, RenderOptions()).html, "html.parser")
    assert [img.get("src") for img in page.find_all("img")] == [None]
    assert [a.get("href") for a in page.find_all("a")] == [None, None, "https://example.com/"]
