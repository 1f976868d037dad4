"""The portable forms rendered as their author meant: callouts, collapsible blocks,
figures, video players, the [TOC] marker, math, emoji; each literal inside code."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from newsdesk.render.markdown import render_body
from newsdesk.render.options import RenderOptions
from newsdesk.site.config import load_config

from .conftest import DEMO_SITE, copy_site, set_language

SAFE = RenderOptions(site_host="news.example.com")
ENGLISH = RenderOptions(language="en")


def soup(markdown: str, options: RenderOptions = SAFE) -> BeautifulSoup:
    return BeautifulSoup(render_body(markdown, options).html, "html.parser")


def one(page: BeautifulSoup, selector: str) -> Tag:
    found = page.select_one(selector)
    assert found is not None, f"{selector} in {page}"
    return found


@pytest.mark.parametrize(
    ("marker", "kind", "chinese", "english"),
    [
        ("NOTE", "note", "注意", "Note"),
        ("tip", "tip", "提示", "Tip"),
        ("Important", "important", "重要", "Important"),
        ("WARNING", "warning", "警告", "Warning"),
        ("caution", "caution", "危险", "Caution"),
    ],
)
def test_alerts_become_labelled_callouts(
    marker: str, kind: str, chinese: str, english: str
) -> None:
    markdown = f"> [!{marker}]\n> 正文 **加粗**\n"
    for options, word in ((SAFE, chinese), (ENGLISH, english)):
        callout = one(soup(markdown, options), "aside")
        assert callout["class"] == ["callout", f"callout-{kind}"]
        assert callout["role"] == "note" and callout["aria-label"] == word
        assert one(callout, ".callout-title").get_text() == word
        assert one(callout, "strong").get_text() == "加粗"
        assert "[!" not in callout.get_text()


def test_callouts_speak_the_sites_language(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    set_language(site, "en")
    options = load_config(site / "newsdesk.toml").render_options()
    assert one(soup("> [!CAUTION]\n> x\n", options), ".callout-title").get_text() == "Caution"


def test_a_callout_title_is_the_authors_and_its_body_keeps_its_blocks() -> None:
    page = soup("> [!TIP] 部署前 *先* 备份\n>\n> 第一段\n>\n> - 列表\n>\n> > [!NOTE]\n> > 内层\n")
    outer = one(page, "aside.callout-tip")
    assert outer["aria-label"] == "部署前 先 备份"
    assert one(outer, ".callout-title").decode_contents() == "部署前 <em>先</em> 备份"
    assert [p.get_text() for p in outer.find_all("p", recursive=False)][1] == "第一段"
    assert one(outer, "li").get_text() == "列表"
    assert one(outer, "aside.callout-note .callout-title").get_text() == "注意"
    assert page.find("blockquote") is None


@pytest.mark.parametrize(
    "markdown",
    [
        "> 普通引用\n> [!NOTE] 不在开头\n",
        "> [!UNKNOWN]\n> 正文\n",
        "```\n> [!NOTE]\n> 代码\n```\n",
        "    > [!NOTE]\n",
        "`> [!NOTE]`\n",
    ],
)
def test_other_quotes_and_code_stay_as_written(markdown: str) -> None:
    page = soup(markdown)
    assert page.find("aside") is None
    assert "[!" in page.get_text()


def test_details_and_figures_are_kept() -> None:
    page = soup(
        "<details open>\n<summary>展开</summary>\n\n正文 **粗**\n\n</details>\n\n"
        '<figure><img src="a.png" alt="图"><figcaption>图 1</figcaption></figure>\n'
    )
    details = one(page, "details")
    assert details.has_attr("open")
    assert one(details, "summary").get_text() == "展开"
    assert one(details, "strong").get_text() == "粗"
    assert one(page, "figure img")["alt"] == "图"
    assert one(page, "figure figcaption").get_text() == "图 1"


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("https://www.youtube-nocookie.com/embed/ID", "https://www.youtube-nocookie.com/embed/ID"),
        ("https://www.youtube.com/embed/ID", "https://www.youtube.com/embed/ID"),
        ("//player.bilibili.com/player.html?bvid=BV1&amp;page=1", None),
        ("https://player.vimeo.com/video/1", "https://player.vimeo.com/video/1"),
    ],
)
def test_players_of_video_hosts_are_kept_sandboxed(src: str, kept: str | None) -> None:
    frame = one(
        soup(
            f'<iframe src="{src}" title="视频" allowfullscreen sandbox="allow-top-navigation"'
            ' onload="alert(1)" srcdoc="x" loading="eager" allow="camera"></iframe>\n'
        ),
        "iframe",
    )
    expected = kept or "https://player.bilibili.com/player.html?bvid=BV1&page=1"
    assert frame["src"] == expected
    assert frame["title"] == "视频" and frame.has_attr("allowfullscreen")
    assert frame["sandbox"] == [
        "allow-scripts",
        "allow-same-origin",
        "allow-presentation",
        "allow-popups",
    ]
    assert frame["loading"] == "lazy"
    assert frame["allow"] == "encrypted-media; fullscreen; picture-in-picture"
    assert not frame.has_attr("onload") and not frame.has_attr("srcdoc")


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/embed",
        "https://www.youtube.com.evil.example/embed/x",
        "https://www.youtube.com@evil.example/embed/x",
        "http://www.youtube.com/embed/x",
        "javascript://www.youtube.com/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "",
    ],
)
def test_other_frames_are_removed(src: str) -> None:
    page = soup(f'前 <iframe src="{src}"></iframe> 后\n\n<iframe src="{src}">内</iframe>\n')
    assert page.find("iframe") is None
    assert page.get_text().startswith("前")


def test_the_toc_marker_becomes_the_nested_contents() -> None:
    page = soup("[TOC]\n\n## 安装\n### 依赖\n## 使用\n\n```\n[TOC]\n```\n")
    nav = one(page, "nav.toc-inline")
    assert nav["aria-label"] == "目录"
    top = nav.find("ul", recursive=False)
    assert isinstance(top, Tag)
    items = top.find_all("li", recursive=False)
    assert [a.get_text() for a in (one(li, "a") for li in items)] == ["安装", "使用"]
    assert one(items[0], ":scope > ul a")["href"] == "#依赖"
    assert one(page, "pre code").get_text() == "[TOC]\n"
    assert one(soup("[TOC]\n\n## Setup\n", ENGLISH), "nav")["aria-label"] == "Contents"


def test_the_toc_marker_without_headings_leaves_nothing() -> None:
    page = soup("[TOC]\n\n正文\n")
    assert page.find("nav") is None and "[TOC]" not in page.get_text()


def test_math_becomes_mathml_with_its_tex_intact() -> None:
    page = soup(
        "行内 $a_1 * b_2 = c_{i}$ 与 \\(x^2\\)。\n\n$$\n\\frac{a_1}{b_2} \\\\ x\n$$\n\n"
        "> \\[ \\sum_{i=1}^{n} i \\]\n\n表格：\n\n| 式 | 值 |\n|---|---|\n| $a|b$ | 1 |\n"
    )
    formulas = page.find_all("math")
    assert [f.get("display") for f in formulas] == [None, None, "block", "block", None]
    assert [m.get_text() for m in formulas[0].find_all("mi")] == ["a", "b", "c", "i"]
    assert page.find("em") is None  # `*` and `_` were never emphasis
    assert one(page, "td math").get_text() == "a|b"
    for element in page.find_all(True):
        assert "style" not in element.attrs


@pytest.mark.parametrize(
    "text",
    [
        "echo $HOME",
        "export PATH=$PATH:$x",
        "价格 $5 和 $10",
        "售价 $9.99",
        "一个 $ 符号",
        "US$5 and US$6",
        "转义 \\$a$ 不算",
        "cost $ 5 $",
        "参考文献\\[1\\] 与 \\[注\\]",
        "\\[注\\] 后面还有字",
    ],
)
def test_shell_variables_prices_and_escaped_brackets_are_not_math(text: str) -> None:
    page = soup(text + "\n")
    assert page.find("math") is None
    assert "$" in page.get_text() or "[" in page.get_text()


def test_math_in_code_stays_literal() -> None:
    markdown = "`$a_b$` 和\n\n```latex\n$$ a_b * c_d $$\n\\(x\\)\n```\n\n    $x_1$\n"
    page = soup(markdown)
    assert page.find("math") is None
    assert [c.get_text() for c in page.find_all("code")] == [
        "$a_b$",
        "$$ a_b * c_d $$\n\\(x\\)\n",
        "$x_1$\n",
    ]


def test_a_formula_that_does_not_convert_stays_visible_as_its_source() -> None:
    page = soup("错误 $\\frac{a$ 与 $\\nosuchcommand{x}$\n")
    assert [c.get_text() for c in page.select("code.math-error")] == [
        "$\\frac{a$",
        "$\\nosuchcommand{x}$",
    ]


@pytest.mark.parametrize(
    "tex",
    [
        "$\\href{javascript:alert(1)}{x}$",
        "$<img src=x onerror=alert(1)>$",
        "$\\text{<script>alert(1)</script>}$",
        '$x" onmouseover="alert(1)$',
        "$\\color{red}{x}$",
    ],
)
def test_formulas_make_no_markup_of_their_own(tex: str) -> None:
    for options in (SAFE, RenderOptions(raw_html=True)):
        page = soup(tex + "\n", options)
        assert page.find(["script", "img", "a", "style"]) is None
        for element in page.find_all(True):
            assert not any(name.startswith(("on", "href", "style")) for name in element.attrs)


def test_emoji_shortcodes_outside_code() -> None:
    page = soup(
        "上线 :tada: 点赞 :+1: :thumbsup:，12:30:45，a:b:c，:not_an_emoji:\n\n"
        "`:tada:`\n\n```\n:tada:\n```\n\n[链接](https://example.org/:tada:)\n"
    )
    first = page.find("p")
    assert first is not None
    assert first.get_text() == "上线 🎉 点赞 👍 👍，12:30:45，a:b:c，:not_an_emoji:"
    assert [c.get_text() for c in page.find_all("code")] == [":tada:", ":tada:\n"]
    assert one(page, "a")["href"] == "https://example.org/:tada:"


def test_an_article_without_these_forms_renders_as_before() -> None:
    markdown = "## 标题\n\n正文，时间 12:30，价格 $5。\n\n> 引用\n\n```sh\necho $HOME\n```\n"
    page = soup(markdown)
    assert page.find(["aside", "math", "nav", "iframe"]) is None
    assert one(page, "blockquote p").get_text() == "引用"


def test_text_like_a_formula_placeholder_is_left_alone() -> None:
    page = soup("私用区 \ue0007\ue001 与 $x$\n")
    assert page.find("math") is None
    assert "\ue0007\ue001" in page.get_text() and "$x$" in page.get_text()
