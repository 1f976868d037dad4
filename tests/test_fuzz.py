"""Grammar-based fuzzing: documents composed from Markdown's blocks and inlines and
from front matter in every syntax, with hostile values, read as `newsdesk check`
reads them, rendered as the site renders them, and put on an article page. Nothing
raises, every diagnostic points inside its file, and no page carries live script.

tests/test_properties.py covers bytes, made-up YAML mappings and fix; this module
covers the structure of real documents."""

import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.content.article import Outcome
from newsdesk.render.markdown import render_body
from newsdesk.render.options import RenderOptions
from newsdesk.site.catalog import Catalog, Entry
from newsdesk.site.config import SiteConfig
from newsdesk.site.pages import plan_article
from newsdesk.site.theme import Theme
from tests.test_properties import assert_well_formed, ingest

pytestmark = pytest.mark.fuzz

# Bounded for the suite's time (about 15 s for all three on a quiet machine).
INGEST_EXAMPLES = 400
RENDER_EXAMPLES = 300
PAGE_EXAMPLES = 120
RUN = Counter[str]()
NOW = datetime(2030, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
CONFIG = SiteConfig()


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module", autouse=True)
def report_examples() -> Iterator[None]:
    yield
    print("\nexamples run:", dict(RUN))


# Inlines ------------------------------------------------------------------

words = st.sampled_from(
    ["新闻", "人工智能", "开源", "GPT-5", "Rust", "café", "日本語", "한국어", "😀", "x²",
     "ａｂｃ", "\u200b", "\u00a0", "\t", "&amp;", "&#0;", "&#x110000;", "&lt;b&gt;", "\\*"]
)  # fmt: skip
text = st.lists(words | st.text(max_size=8), min_size=1, max_size=6).map(" ".join)
URLS = [
    "https://example.com/路径?q=1#x", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    " javascript:alert(1)", "java\tscript:alert(1)", "java&#x09;script:alert(1)",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,iVBORw0KGgo=", "file:///etc/passwd", "../../etc/passwd",
    "//evil.example", "http://x/<script>", "mailto:a@b.c", "#frag", "", "<>",
    "http://[::1]:80/", "https://例子.测试/", "%00", "\\\\evil\\share",
]  # fmt: skip
urls = st.sampled_from(URLS) | st.text(max_size=12)
RAW_INLINE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>", "<svg onload=alert(1)>", "<b>粗</b>",
    "<iframe src=//evil></iframe>", "<style>*{}</style>", "<!-- c -->", "</div>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", "<a href=x onclick=y>",
]  # fmt: skip


@st.composite
def inline(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return draw(text)
    if kind == 1:
        mark = draw(st.sampled_from(["*", "**", "_", "__", "~~", "***"]))
        count = draw(st.integers(1, 40))
        inner = draw(text)
        return mark * count + inner + mark * draw(st.integers(0, count))
    if kind == 2:
        ticks = "`" * draw(st.integers(1, 30))
        return ticks + draw(text) + ticks[: draw(st.integers(0, len(ticks)))]
    if kind == 3:
        bang = draw(st.sampled_from(["", "!"]))
        title = draw(st.sampled_from(["", ' "标题"', " 'x\"y'"]))
        return f"{bang}[{draw(text)}]({draw(urls)}{title})"
    if kind == 4:
        return "<" + draw(urls) + ">"
    if kind == 5:
        return draw(st.sampled_from(RAW_INLINE))
    if kind == 6:
        return "[" * draw(st.integers(1, 60)) + draw(text) + "]" * draw(st.integers(0, 60))
    return f"[^{draw(st.integers(1, 3))}]"


line = st.lists(inline(), min_size=1, max_size=5).map("".join)


# Blocks -------------------------------------------------------------------

INFO = ["", "python", "markdown", "md", "js {.x}", '"><script>alert(1)</script>', "中文", "~~~"]
HTML_BLOCKS = [
    "<div>\n块\n</div>", "<script>\nalert(1)\n</script>", "<!-- more -->",
    "<iframe src=\"https://x\"></iframe>", "<table><tr><td>x</td></tr></table>",
    "<details open ontoggle=alert(1)><summary>s</summary>x</details>", "<!-- never closed",
    "<pre>\n<b>x</b>\n", "<?php echo 1; ?>", "<![CDATA[x]]>",
]  # fmt: skip


@st.composite
def fence(draw: st.DrawFn) -> str:
    marker = draw(st.sampled_from(["```", "~~~", "````"]))
    body = "\n".join(draw(st.lists(line, max_size=3)))
    close = draw(st.sampled_from(["", marker, marker + "`", "```"]))
    return f"{marker}{draw(st.sampled_from(INFO))}\n{body}\n{close}"


@st.composite
def table(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 4))
    head = "| " + " | ".join(draw(text) for _ in range(columns)) + " |"
    aligns = st.sampled_from(["---", ":--", "--:", ":-:", "-"])
    rule = "|" + "|".join(draw(aligns) for _ in range(columns)) + "|"
    rows = [
        "| " + " | ".join(draw(line) for _ in range(draw(st.integers(0, columns + 1)))) + " |"
        for _ in range(draw(st.integers(0, 3)))
    ]
    return "\n".join([head, rule, *rows])


def blocks(depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        line,
        st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), line),
        st.builds(lambda t: "#" + t, text),
        fence(),
        table(),
        st.sampled_from(HTML_BLOCKS),
        st.sampled_from(["---", "***", "- - -", "    indented code", "[^1]: 注释", "\\"]),
        st.builds(lambda t: "[ref]: " + t, urls),
    )
    if depth == 0:
        return leaves

    def nested(prefix: str) -> st.SearchStrategy[str]:
        return blocks(depth - 1).map(lambda b: "\n".join(prefix + row for row in b.split("\n")))

    return leaves | st.one_of(
        nested("> "),
        nested(">"),
        nested("- "),
        nested("1. "),
        nested("  "),
        nested("- [ ] "),
        st.builds(lambda n, b: ">" * n + " " + b, st.integers(1, 200), line),
    )


body = st.lists(blocks(3), max_size=8).map("\n\n".join)


# Front matter ---------------------------------------------------------------

KEYS = [
    "title", "date", "updated", "tags", "categories", "category", "author", "summary", "slug",
    "draft", "isSticky", "views", "readTime", "cover", "hidden", "lastmod", "publishDate",
    "keywords", "description", "top", "images", "authors", "published",
]  # fmt: skip
HOSTILE_VALUES = [
    "2024-02-30", "2023-13-01", "0000-00-00", "9999-12-31 23:59:60", "2024-01-01T25:00:00+99:00",
    "1e400", "-0", "99999999999999999999999999999", "NaN", "inf", "true", "否", "",
    "<script>alert(1)</script>", "../../etc/passwd", "a\u0000b", "\u202eevil", "2024年2月30日",
    "Jul 32 2024", "1,2,3", "  ", "[", "{", "'", '"', "*alias", "&anchor x", "!!python/object x",
]  # fmt: skip
scalar = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.integers(-(10**30), 10**30),
    st.text(max_size=20),
    st.booleans(),
)


def yaml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else value.replace("\n", " ")  # type: ignore[union-attr]


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(KEYS) | st.text(max_size=8), scalar), max_size=8)
    )
    shape = st.sampled_from(["plain", "list", "flow", "nested"])
    shapes = [draw(shape) for _ in pairs]
    syntax = draw(st.sampled_from(["yaml", "toml", "json", "pelican", "none"]))
    closed = draw(st.booleans()) or draw(st.booleans())
    if syntax == "yaml":
        rows = []
        for (key, value), shape in zip(pairs, shapes, strict=True):
            shown = yaml_value(value)
            rows.append(
                {
                    "plain": f"{key}: {shown}",
                    "list": f"{key}:\n  - {shown}\n  -  {shown}",
                    "flow": f"{key}: [{shown}, {shown}]",
                    "nested": f"{key}:\n  name: {shown}\n  bio: {shown}",
                }[shape]
            )
        return "---\n" + "\n".join(rows) + ("\n---\n" if closed else "\n")
    if syntax == "toml":
        rows = [f"{key} = {_scalar(value)}" for key, value in pairs]
        return "+++\n" + "\n".join(rows) + ("\n+++\n" if closed else "\n")
    if syntax == "json":
        rows = [f'  "{key}": {_scalar(value)}' for key, value in pairs]
        return "{\n" + ",\n".join(rows) + ("\n}\n" if closed else "\n")
    if syntax == "pelican":
        return "Title: " + "\n".join(f"{key}: {yaml_value(value)}" for key, value in pairs) + "\n"
    return ""


def _scalar(value: object) -> str:
    """A value written the same way in TOML and JSON: booleans, integers and
    basic strings with backslashes and quotes escaped."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def document(draw: st.DrawFn) -> bytes:
    text = draw(front_matter()) + "\n" + draw(body) + "\n"
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    data = text.replace("\n", newline).encode("utf-8", "surrogatepass")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


# Properties -----------------------------------------------------------------

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "form", "base", "meta"}


def assert_harmless(soup: BeautifulSoup, allowed: frozenset[str] = frozenset()) -> None:
    """Nothing in it can run: no script elements, no event handlers, no script URLs."""
    for tag in soup.find_all(True):
        assert tag.name not in DANGEROUS_TAGS - allowed, str(tag)[:200]
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), str(tag)[:200]
            if name in ("href", "src", "xlink:href", "action", "formaction"):
                link = "".join(str(value).split()).lower()
                assert not link.startswith(("javascript:", "vbscript:", "data:text")), str(tag)


def checked_outcome(data: bytes) -> Outcome:
    outcome = ingest(data)
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    try:
        assert_well_formed(outcome, data)
        for diagnostic in outcome.diagnostics:
            # Columns count characters (bytes for undecodable files): never past the end.
            assert diagnostic.col <= len(lines[diagnostic.line - 1]) + 1, diagnostic
    except AssertionError:
        print("document:", data[:2000])
        raise
    return outcome


@fuzz_settings(INGEST_EXAMPLES)
@given(document())
def test_documents_load_with_diagnostics_inside_the_file(data: bytes) -> None:
    RUN["ingest"] += 1
    checked_outcome(data)


@fuzz_settings(RENDER_EXAMPLES)
@given(body, st.booleans())
def test_bodies_render_to_harmless_html(markdown: str, cjk_spacing: bool) -> None:
    RUN["render"] += 1
    rendered = render_body(markdown, RenderOptions(cjk_spacing=cjk_spacing, site_host="x.test"))
    assert_harmless(BeautifulSoup(rendered.html, "html.parser"))
    ids = [entry.id for entry in rendered.toc]
    assert len(ids) == len(set(ids)), ids


@fuzz_settings(PAGE_EXAMPLES)
@given(document())
def test_article_pages_render_and_escape_the_front_matter(data: bytes) -> None:
    RUN["page"] += 1
    outcome = checked_outcome(data)
    article = outcome.article
    if article is None or outcome.body is None:
        return
    rendered = render_body(outcome.body, CONFIG.render_options())
    entry = Entry(article, rendered.html, rendered.toc, "")
    catalog = Catalog([entry], CONFIG.site.hot_count)
    page = BeautifulSoup(Theme(CONFIG, catalog).render(plan_article(catalog, entry)), "html.parser")
    # The theme's own scripts are the only ones: its files, and JSON-LD that stays JSON
    # whatever the front matter holds (a title with </script> must not end it).
    for script in page.find_all("script"):
        if script.get("type") == "application/ld+json":
            assert json.loads(script.string or "")["headline"]
        else:
            assert str(script.get("src", "")).startswith("/assets/"), str(script)
        script.decompose()
    for form in page.find_all("form"):
        assert form["action"] == "/search/", str(form)
    assert_harmless(page, allowed=frozenset({"meta", "form"}))
    heading = page.find("h1")
    assert heading is not None
    for badge in heading.find_all(class_="badge"):  # 置顶 and 热门 beside the title
        badge.decompose()
    assert heading.get_text().strip() == article.title.strip()
