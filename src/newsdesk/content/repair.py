"""Repairs of what generators and LLM pipelines typically break.

Each repair edits a file's lines in place and returns what it did, so that the
loader parses the repaired text and `newsdesk fix` can write it back.
"""

import re
import unicodedata
from dataclasses import dataclass, replace

from newsdesk.content.blocks import FENCE_OPEN, fenced_lines, is_fence_close, scan
from newsdesk.content.compat.codes import REPAIRS as COMPAT_REPAIRS
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.document import (
    Line,
    dedent,
    first_content,
    indent_of,
    last_content,
)
from newsdesk.content.frontmatter import DELIMITERS, closing_line
from newsdesk.text.cjk import CJK_CLASS

REPAIR_CODES = (
    "reasoning-removed",
    "reply-chatter",
    "document-fence-unwrapped",
    "frontmatter-fence-unwrapped",
    "leading-blank-lines",
    "frontmatter-indent",
    "frontmatter-closer",
    "frontmatter-closed",
    "frontmatter-tabs",
    "frontmatter-value-quoted",
    "frontmatter-fullwidth",
    "tags-normalized",
    "provenance-description",
    "body-fence-unwrapped",
    "invisible-chars",
    "heading-space",
    "fence-closed",
    "duplicate-title-h1",
    "labels-lifted",
    *COMPAT_REPAIRS,
)
_WRAPPER_INFO = {"markdown", "md"}
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00a0]")
_HEADING_NO_SPACE = re.compile(f"^( {{0,3}}#{{1,6}})(?=[{CJK_CLASS}])")
_ANY_HEADING_NO_SPACE = re.compile(f"^ {{0,3}}#{{1,6}}[{CJK_CLASS}]", re.MULTILINE)
_YAML_PLAIN_VALUE = re.compile(r"^(\s*[^\s#:'\"\-?][^:]*?):[ \t]+(.+?)\s*$")
_PROVENANCE_LINE = re.compile(
    r"^(\s*[\"']?)(?:description|summary)([\"']?\s*[:=]\s*[\"']?)generated\s+from\s+",
    re.IGNORECASE,
)
_TITLE_NOISE = re.compile(r"[\s*_`#]+")


@dataclass(frozen=True, slots=True)
class Repair:
    """What one repair did. `removed` and `added` name the text it took out of the
    file and put in (beyond whitespace and syntax marks), so that a test can check
    that nothing else of the article was lost."""

    code: str
    line: int
    message: str
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.code, self.message, self.line, 1, fix="run `newsdesk fix --write`")


def yaml_quote(text: str) -> str:
    """text as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unwrap_document(lines: list[Line]) -> Repair | None:
    """The whole file, front matter included, wrapped in one ```markdown fence."""
    first = first_content(lines)
    following = first_content(lines, first + 1)
    if following >= len(lines) or lines[following].text.strip() not in DELIMITERS:
        return None
    return _unwrap_all(lines, first, "document-fence-unwrapped", "the whole file")


def unwrap_body(lines: list[Line], body: int) -> Repair | None:
    """A body wrapped in one ```markdown or ```md fence (indented or not)."""
    return _unwrap_all(lines, body, "body-fence-unwrapped", "the body")


def _unwrap_all(lines: list[Line], start: int, code: str, what: str) -> Repair | None:
    """Unwrap every layer at once (pipelines wrap twice), so that fix is idempotent."""
    first = None
    while (layer := _unwrap_fence(lines, first_content(lines, start), code, what)) is not None:
        first = layer if first is None else replace(first, removed=first.removed + layer.removed)
    return first


def _unwrap_fence(lines: list[Line], first: int, code: str, what: str) -> Repair | None:
    if first >= len(lines):
        return None
    opening = FENCE_OPEN.match(lines[first].text)
    if opening is None or opening.group(3).strip().lower() not in _WRAPPER_INFO:
        return None
    marker = opening.group(2)
    last = last_content(lines)
    closed = last > first and is_fence_close(lines[last].text, marker)
    inner = [line.text for line in lines[first + 1 : last if closed else len(lines)]]
    if any(block.kind == "fence" and not block.closed for block in scan(inner)):
        return None  # the fences inside do not pair up: a code block, not a wrapper
    number = lines[first].no
    fence_indent = indent_of(lines[first].text)
    removed = (lines[first].text, lines[last].text) if closed else (lines[first].text,)
    if closed:
        del lines[last]
    del lines[first]
    end = last - 1 if closed else len(lines)
    common = min((indent_of(line.text) for line in lines[first:end] if not line.blank), default=0)
    if fence_indent and common:
        dedent(lines, first, end, min(common, fence_indent))
    return Repair(
        code, number, f"{what} was wrapped in a ```{opening.group(3)} code fence", removed
    )


def drop_leading_blanks(lines: list[Line]) -> Repair | None:
    """Blank lines before the opening front matter delimiter."""
    first = first_content(lines)
    if first == 0 or first >= len(lines) or lines[first].text.strip() not in DELIMITERS:
        return None
    del lines[:first]
    return Repair("leading-blank-lines", 1, "blank lines came before the front matter")


def dedent_frontmatter(lines: list[Line]) -> Repair | None:
    """A front matter block indented as a whole, by spaces or tabs (seed 001)."""
    if not lines:
        return None
    delimiter = lines[0].text.strip()
    if delimiter not in DELIMITERS:
        return None
    close = closing_line(lines)
    if close is None:
        return None
    content = [line.text for line in lines[1:close] if not line.blank]
    prefix = _common_prefix(content)
    if not prefix and delimiter == "---" and _common_prefix([_tabs_expanded(t) for t in content]):
        # Tabs are never YAML indentation: a block indented by tabs on some lines and
        # spaces on others is indented as a whole once they are spaces.
        for line in lines[1:close]:
            line.text = _tabs_expanded(line.text)
        prefix = _common_prefix([line.text for line in lines[1:close] if not line.blank])
    if not prefix and lines[0].text == delimiter and lines[close].text.strip() == lines[close].text:
        return None
    for index in (0, close):
        dedent(lines, index, index + 1, indent_of(lines[index].text))
        lines[index].text = lines[index].text.rstrip()
    dedent(lines, 1, close, len(prefix))
    return Repair(
        "frontmatter-indent",
        lines[1].no if close > 1 else lines[0].no,
        "the front matter block was indented as a whole",
    )


def _tabs_expanded(text: str) -> str:
    width = indent_of(text)
    return text[:width].replace("\t", "  ") + text[width:]


def _common_prefix(texts: list[str]) -> str:
    """The leading whitespace every text starts with."""
    if not texts:
        return ""
    prefix = texts[0][: indent_of(texts[0])]
    for text in texts[1:]:
        while not text.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def tabs_to_spaces(lines: list[Line], start: int, end: int) -> Repair | None:
    """YAML forbids tabs in indentation; editors and pipelines put them there."""
    changed = None
    for line in lines[start:end]:
        if "\t" in line.text[: indent_of(line.text)]:
            line.text = _tabs_expanded(line.text)
            changed = changed or line.no
    if changed is None:
        return None
    return Repair("frontmatter-tabs", changed, "the front matter was indented with tabs")


def quote_values(lines: list[Line], start: int, end: int) -> Repair | None:
    """Quote plain YAML values that break parsing: `title: Python 3.13: 新特性`
    (a second `: `) or `title: [译] 标题` (a `[` that opens no list)."""
    changed = None
    for line in lines[start:end]:
        match = _YAML_PLAIN_VALUE.match(line.text)
        if match is None or line.text.startswith((" ", "\t")):
            continue
        value = match.group(2)
        if value[0] in "\"'|>&*!{" and not value.startswith("{{"):
            continue
        # `[译] 标题` closes its bracket early; `[a, b` is an unfinished list, left alone.
        unbalanced = value[0] == "[" and "]" in value and not value.endswith("]")
        if ": " not in value and value[0] not in "@`%" and not unbalanced:
            continue
        line.text = f"{match.group(1)}: {yaml_quote(value)}"
        changed = changed or line.no
    if changed is None:
        return None
    return Repair(
        "frontmatter-value-quoted", changed, "a front matter value needed quotes to be valid YAML"
    )


def provenance_to_source(lines: list[Line], start: int, end: int) -> Repair | None:
    """`description: Generated from X.md` is a provenance note: write it as `source`."""
    first = None
    before: list[str] = []
    after: list[str] = []
    for line in lines[start:end]:
        match = _PROVENANCE_LINE.match(line.text)
        if match:
            before.append(line.text)
            line.text = f"{match.group(1)}source{match.group(2)}{line.text[match.end() :]}"
            after.append(line.text)
            first = first or line.no
    if first is None:
        return None
    return Repair(
        "provenance-description",
        first,
        "'Generated from …' is where the article came from, not its summary",
        removed=tuple(before),
        added=tuple(after),
    )


def remove_invisible(lines: list[Line], start: int) -> Repair | None:
    """Zero-width characters and non-breaking spaces pasted outside code."""
    if not _INVISIBLE.search("\n".join(line.text for line in lines)):
        return None
    code = _code_lines(lines, start)
    first = None
    count = 0
    for index, line in enumerate(lines):
        if index in code or not _INVISIBLE.search(line.text):
            continue
        cleaned, replaced = _INVISIBLE.subn(
            lambda m: " " if m.group(0) == "\u00a0" else "", line.text
        )
        line.text = cleaned
        count += replaced
        first = first or line.no
    if first is None:
        return None
    return Repair("invisible-chars", first, f"{count} zero-width or non-breaking space(s) removed")


def space_headings(lines: list[Line], start: int) -> Repair | None:
    """`#标题` without the space CommonMark needs to make it a heading."""
    if not _ANY_HEADING_NO_SPACE.search("\n".join(line.text for line in lines[start:])):
        return None
    code = _code_lines(lines, start)
    first = None
    for index in range(start, len(lines)):
        if index in code:
            continue
        text = lines[index].text
        match = _HEADING_NO_SPACE.match(text)
        if match:
            lines[index].text = f"{match.group(1)} {text[match.end() :]}"
            first = first or lines[index].no
    if first is None:
        return None
    return Repair("heading-space", first, "a heading had no space after its '#'")


def close_fences(lines: list[Line], start: int) -> Repair | None:
    """A code fence left open (a truncated generation) swallows the rest of the page."""
    texts = [line.text for line in lines[start:]]
    _, unclosed = fenced_lines(texts)
    if unclosed is None:
        return None
    opening = FENCE_OPEN.match(texts[unclosed])
    assert opening is not None  # fenced_lines() opens only what FENCE_OPEN matches
    at = len(lines) - 1 if lines and lines[-1].text == "" else len(lines)
    number = lines[at - 1].no if at else 1
    lines.insert(at, Line(number, opening.group(1) + opening.group(2)))
    return Repair(
        "fence-closed",
        lines[start + unclosed].no,
        "a code fence was never closed; closed it at the end of the file",
    )


def drop_title_heading(lines: list[Line], body: int, title: str) -> Repair | None:
    """A body that opens with an H1 repeating the title (once or more) shows the
    title twice."""
    removed: list[str] = []
    number = 0
    while (first := first_content(lines, body)) < len(lines):
        text = lines[first].text.strip()
        if not text.startswith("# ") or not same_title(text[2:], title):
            break
        number = number or lines[first].no
        end = first + 1
        while end < len(lines) - 1 and lines[end].blank:
            end += 1
        removed.append(lines[first].text)
        del lines[first:end]
    if not removed:
        return None
    message = "the body repeated the title as an H1"
    return Repair("duplicate-title-h1", number, message, tuple(removed))


def same_title(heading: str, title: str) -> bool:
    """Whether a heading repeats a title, ignoring spaces, emphasis, case and the
    width of punctuation (`：` and `:`)."""
    return _title_key(heading) == _title_key(title)


def _title_key(text: str) -> str:
    return _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _code_lines(lines: list[Line], start: int) -> set[int]:
    inside, _ = fenced_lines([line.text for line in lines[start:]])
    return {start + index for index in inside}
