"""A text as search reads it: segments, runs of CJK characters and Latin (or other
alphanumeric) words, lowercased after NFKC folding; everything else separates them.

`normalize` puts a text's segments between single spaces and `query_pattern` a
query term's, so that the term occurs in the text exactly when its pattern is a
substring of the normalized text (a CJK term anywhere in a run, a word from its
start).
"""

import re
import unicodedata
from functools import lru_cache

from newsdesk.text.cjk import CJK_CLASS

# Longer words are cut: PostgreSQL refuses lexemes over 2 KB, and nobody searches
# by the middle of a 40-character identifier.
MAX_WORD = 40

# A letter or digit of a word: alphanumeric but not CJK (nor "_", which FTS5 splits at).
WORD_CHAR = f"[^\\W_{CJK_CLASS}]"
_SEGMENT = re.compile(f"([{CJK_CLASS}]+)|({WORD_CHAR}+)")


def fold(text: str) -> str:
    """NFKC then lowercase: ＧＰＴ and gpt are the same word."""
    return unicodedata.normalize("NFKC", text).lower()


def segments(text: str) -> list[tuple[str, bool]]:
    """(segment, is_cjk) for each CJK run and word of the folded text, in order."""
    return [(cjk, True) if cjk else (word[:MAX_WORD], False) for cjk, word in _split(text)]


@lru_cache(maxsize=16)
def _split(text: str) -> list[tuple[str, str]]:
    """(CJK run, "") or ("", word) for each segment (not to be changed: it is shared).

    Cached because the search index takes the keys and the normalized form of the
    same text one after the other, and folding is the slow part.
    """
    return _SEGMENT.findall(fold(text))


def normalize(text: str) -> str:
    """The segments of text between single spaces, with a space at each end.

    `query_pattern(term) in normalize(text)` exactly when term occurs in text as
    search reads it.
    """
    return " " + " ".join(segment for segment, _ in segments(text)) + " "


def query_pattern(term: str) -> str:
    """The substring of `normalize(text)` that term's phrase amounts to ("" if none).

    A term that opens with a word must match from the start of a word; one that
    opens with CJK may start inside a run, as either may end inside one.
    """
    parts = segments(term)
    if not parts:
        return ""
    lead = "" if parts[0][1] else " "
    return lead + " ".join(segment for segment, _ in parts)
