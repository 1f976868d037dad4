"""Inline Markdown to plain text, for summaries, counts and tables of contents."""

import re

from newsdesk.text.cjk import CJK_CLASS

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images say nothing in plain text
    (re.compile(r"!\[([^\]]*)\]\[[^\]]*\]"), ""),
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote references
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),
    # A span opens with a whole run of backticks and closes with a run as long: tried
    # from every backtick instead, the pattern takes cubic time on a line of them.
    (re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)"), r"\2"),
    (re.compile(r"(\*\*|__|~~)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)"), r"\1"),
    (re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w])"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),
]
_LINE_START = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?")
_CJK_AT_END = re.compile(f"[{CJK_CLASS}\u3000-\u303f\uff00-\uffef]$")
_CJK_AT_START = re.compile(f"^[{CJK_CLASS}\u3000-\u303f\uff00-\uffef]")
_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"'}
_ENTITY = re.compile("|".join(_ENTITIES))


# Several rules take quadratic time on long runs of brackets or emphasis marks; no
# heading or summary needs more of a line than this.
MAX_INLINE = 1000


def inline_text(markdown: str) -> str:
    """The reader-visible text of one line of inline Markdown (its first MAX_INLINE
    characters)."""
    text = markdown[:MAX_INLINE]
    if any(ch in text for ch in "[]`*_~<\\!"):
        for pattern, replacement in _RULES:
            text = pattern.sub(replacement, text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], text)
    return text.strip()


def block_text(lines: list[str]) -> str:
    """Plain text of a paragraph, quote or list: lines joined without a space
    between two CJK characters (a line break there is not a word break)."""
    parts: list[str] = []
    for raw in lines:
        text = inline_text(_LINE_START.sub("", raw))
        if not text:
            continue
        if parts and not (_CJK_AT_END.search(parts[-1]) and _CJK_AT_START.match(text)):
            parts.append(" ")
        parts.append(text)
    return "".join(parts)
