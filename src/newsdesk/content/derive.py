"""Fields derived from the body: summary, counts, reading time, table of contents."""

import math
import re
from dataclasses import dataclass

from newsdesk.content.blocks import Block, scan
from newsdesk.content.markdown_text import block_text, inline_text
from newsdesk.content.model import TocEntry
from newsdesk.content.options import ContentOptions
from newsdesk.text.anchors import AnchorSet
from newsdesk.text.cjk import count_cjk, count_latin_words, cut_at_sentence
from newsdesk.text.slug import slugify

_MORE = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[-_ ]+|$)")
# Each part stops at the next opening of its own kind: scanning on to the end for a
# close that never comes took quadratic time on a file of unclosed `<` or `](`.
_UNREAD = re.compile(r"\]\([^()]*\)|<[^<>]*>|https?://\S+")
_TEXT_KINDS = ("paragraph", "quote", "list", "html")


@dataclass(frozen=True, slots=True)
class BodyFacts:
    summary: str
    toc: tuple[TocEntry, ...]
    cjk_chars: int
    latin_words: int
    code_lines: int

    def read_minutes(self, options: ContentOptions) -> int:
        minutes = (
            self.cjk_chars / options.cjk_chars_per_minute
            + self.latin_words / options.latin_words_per_minute
            + self.code_lines / options.code_lines_per_minute
        )
        return max(1, math.ceil(minutes))


def analyze(lines: list[str], options: ContentOptions) -> BodyFacts:
    """Everything derived from a body, in one scan of its blocks."""
    blocks = scan(lines)
    anchors = AnchorSet()
    toc: list[TocEntry] = []
    texts: list[str] = []
    code_lines = 0
    for block in blocks:
        if block.kind == "fence":
            code_lines += max(0, block.end - block.start - (2 if block.closed else 1))
        elif block.kind == "code":
            code_lines += block.end - block.start
        elif block.kind == "heading":
            text = inline_text(block.text)
            anchor = anchors.unique(text)
            texts.append(text)
            if 2 <= block.level <= 4:
                toc.append(TocEntry(block.level, text, anchor))
        else:
            texts.extend(lines[block.start : block.end])
    # Markup is ASCII punctuation, which neither count sees; only link targets,
    # HTML tags and addresses would add words that no reader reads.
    plain = _UNREAD.sub(" ", "\n".join(texts))
    return BodyFacts(
        summary=derive_summary(lines, blocks, options.summary_chars),
        toc=tuple(toc),
        cjk_chars=count_cjk(plain),
        latin_words=count_latin_words(plain),
        code_lines=code_lines,
    )


def derive_summary(lines: list[str], blocks: list[Block], limit: int) -> str:
    """The opening text, cut near `limit` CJK characters at a sentence end; all of
    the text before a `<!-- more -->` marker when there is one."""
    more = next((b.start for b in blocks if b.kind == "html" and _MORE.match(lines[b.start])), None)
    for kinds in (("paragraph", "quote"), _TEXT_KINDS):
        parts: list[str] = []
        length = 0
        for block in blocks:
            if more is not None and block.start >= more:
                break
            if block.kind == "heading" and parts:
                break  # the opening ends where the first section begins
            if block.kind not in kinds:
                continue
            text = block_text(lines[block.start : block.end])
            if text:
                parts.append(text)
                length += len(text)
            if more is None and length >= limit:
                break
        if parts:
            text = " ".join(parts)
            return text if more is not None else cut_at_sentence(text, limit)
    return ""


def lead_heading(lines: list[str]) -> tuple[int, str, int] | None:
    """(level, text, end) of a heading that opens the body, if one does."""
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        return None
    block = scan(lines[index : index + 3])[0]
    if block.kind != "heading":
        return None
    return block.level, inline_text(block.text), index + block.end


def stem_title(stem: str) -> str:
    """A readable title from a file name: date prefix dropped, separators as spaces."""
    return re.sub(r"[-_]+", " ", _DATE_PREFIX.sub("", stem)).strip() or stem


def base_slug(given: str | None, stem: str, title: str) -> str:
    """Front matter slug, else the file name without a date prefix, else the
    pinyin of the title."""
    for candidate in (given, _DATE_PREFIX.sub("", stem), title):
        if candidate and (slug := slugify(candidate)):
            return slug
    return "article"


def permalink(pattern: str, slug: str, year: int, month: int, day: int, category: str) -> str:
    url = (
        pattern.replace(":year", f"{year:04d}")
        .replace(":month", f"{month:02d}")
        .replace(":day", f"{day:02d}")
        .replace(
            ":category", (slugify(category) or "uncategorized") if ":category" in pattern else ""
        )
        .replace(":slug", slug)
    )
    url = "/" + url.strip("/") + "/"
    return url.replace("//", "/")
