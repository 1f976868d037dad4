"""Search hits as readers see them: the title and the best matching passage of each
article found, HTML-escaped, with the query's matches in <mark>.

Marking is done here from the plain texts the search index keeps."""

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from newsdesk.text.grams import WORD_CHAR
from newsdesk.text.query import MAX_TERM_CHARS, query_terms

SNIPPET_CHARS = 120
_SNIPPET_LEAD = 20  # characters shown before the first match
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_WORD_CHAR = re.compile(WORD_CHAR)


@dataclass(frozen=True)
class HighlightedHit:
    slug: str
    score: float
    title_html: str  # title, HTML-escaped, query matches wrapped in <mark>
    snippet_html: str  # best matching passage of summary or body, escaped and <mark>ed


class Highlighter:
    """Finds the query's terms in text: case-insensitively, without the punctuation
    around them, and one that opens with a Latin letter or digit only where a word
    starts, as the gram index matches it."""

    def __init__(self, query: str) -> None:
        terms = query_terms(query)
        words = sorted({_EDGE_PUNCTUATION.sub("", term.text) for term in terms} - {""}, key=len)
        alternatives = "|".join(re.escape(word) for word in reversed(words))
        self._pattern = re.compile(alternatives, re.IGNORECASE) if words else None
        self._count = len({word.lower() for word in words})

    def hit(self, slug: str, score: float, title: str, summary: str, body: str) -> HighlightedHit:
        """The hit of an article found, from its plain title, summary and body."""
        return HighlightedHit(slug, score, self.mark(title), self.snippet(summary, body))

    def matches(self, value: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
        return list(self._matching(value, start, end))

    def _matching(
        self, value: str, start: int = 0, end: int | None = None
    ) -> Iterator[re.Match[str]]:
        if self._pattern is None:
            return
        for match in self._pattern.finditer(value, start, len(value) if end is None else end):
            if not (
                match.start()
                and _WORD_CHAR.match(value, match.start())
                and _WORD_CHAR.match(value, match.start() - 1)
            ):
                yield match

    def mark(self, value: str, start: int = 0, end: int | None = None) -> str:
        """value[start:end], escaped, whitespace collapsed, each match in <mark>."""
        end = len(value) if end is None else end
        out = []
        for match in self.matches(value, start, end):
            out.append(_escape(value[start : match.start()]))
            out.append(f"<mark>{html.escape(match[0])}</mark>")
            start = match.end()
        out.append(_escape(value[start:end]))
        return "".join(out)

    def snippet(self, summary: str, body: str) -> str:
        """About SNIPPET_CHARS characters showing the most distinct terms, from the
        summary when it shows as many as the body."""
        best: tuple[int, str, int] | None = None  # (terms shown, text, start)
        for source in (summary, body):
            window = self._best_window(source)
            if window and (best is None or window[0] > best[0]):
                best = (window[0], source, window[1])
        if best is None:
            return self._cut(summary or body, 0)
        return self._cut(best[1], best[2])

    def _best_window(self, value: str) -> tuple[int, int] | None:
        """(distinct terms, start) of the window that shows the most distinct terms."""
        if self._count == 1:  # the first match shows all there is (most queries)
            first = next(self._matching(value), None)
            return None if first is None else (1, max(first.start() - _SNIPPET_LEAD, 0))
        matches = self.matches(value)
        best: tuple[int, int] | None = None
        for index, anchor in enumerate(matches):
            start = max(anchor.start() - _SNIPPET_LEAD, 0)
            shown = set()
            for match in islice(matches, index, None):
                if match.end() > start + SNIPPET_CHARS:
                    break
                shown.add(match[0].lower())
            if best is None or len(shown) > best[0]:
                best = (len(shown), start)
                if len(shown) == self._count:  # nothing can show more
                    break
        return best

    def _cut(self, value: str, start: int) -> str:
        end = min(start + SNIPPET_CHARS, len(value))
        start = max(end - SNIPPET_CHARS, 0)  # near the end, show a full window
        for match in self.matches(value, max(start - MAX_TERM_CHARS, 0), end + MAX_TERM_CHARS):
            if match.start() < start < match.end():  # never cut through a match
                start = match.start()
            if match.start() < end < match.end():
                end = match.end()
        while start < end and value[start].isspace():
            start += 1
        while end > start and value[end - 1].isspace():
            end -= 1
        return (
            ("…" if value[:start].strip() else "")
            + self.mark(value, start, end)
            + ("…" if value[end:].strip() else "")
        )


def _escape(value: str) -> str:
    return html.escape(_SPACES.sub(" ", value))
