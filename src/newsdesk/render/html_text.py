"""The visible text of rendered HTML: of a whole body (for the search index), and of
an inline fragment such as a heading's content (for ids and the table of contents)."""

import html as htmllib
import re
from html.parser import HTMLParser

# Elements that start a new line of text when they open or close.
_BLOCKS = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "pre", "blockquote", "hr", "br"),
        *("ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr"),
        *("div", "section", "article", "aside", "header", "footer", "main", "nav"),
        *("figure", "figcaption", "details", "summary", "address"),
    }
)
_CELLS = frozenset(("td", "th"))
# Content a reader never sees as text.
_HIDDEN = frozenset(("script", "style", "template", "noscript"))
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_TAG = re.compile(r"<[^>]*>")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # The hidden element being skipped, and how deep it nests in itself: only its
        # own tags count, so that unclosed tags inside it cannot unbalance the count.
        self._hidden: str | None = None
        self._hidden_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden is not None:
            if tag == self._hidden:
                self._hidden_depth += 1
            return
        if tag in _HIDDEN or _is_backref(tag, attrs):
            self._hidden, self._hidden_depth = tag, 1
            return
        self._break(tag)
        if tag == "pre":
            self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden is None:
            self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden is not None:
            if tag == self._hidden:
                self._hidden_depth -= 1
                if not self._hidden_depth:
                    self._hidden = None
            return
        if tag == "pre" and self._pre_depth:
            self._pre_depth -= 1
        self._break(tag)

    def handle_data(self, data: str) -> None:
        if self._hidden is not None:
            return
        # Outside <pre> a line break in the source is only a space on the page.
        self.parts.append(data if self._pre_depth else data.replace("\n", " "))

    def _break(self, tag: str) -> None:
        if tag in _CELLS:
            self.parts.append("\t")
        elif tag in _BLOCKS:
            self.parts.append("\n")


def _is_backref(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """The ↩ link back from a footnote: a control, not text."""
    return tag == "a" and any(
        name == "class" and value and "footnote-backref" in value.split() for name, value in attrs
    )


def html_to_text(html: str) -> str:
    """The text a reader sees, one line per block, without tags and with entities decoded."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(collector.parts).split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()


def inline_text(fragment: str) -> str:
    """The text of inline HTML (no blocks inside): tags dropped, entities decoded,
    spacing kept as written, which heading ids are made from."""
    return htmllib.unescape(_TAG.sub("", fragment)).strip()
