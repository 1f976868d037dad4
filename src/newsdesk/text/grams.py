"""Character n-grams: tokens that make every substring of a text findable.

A text becomes segments: runs of CJK characters and Latin (or other alphanumeric)
words, lowercased after NFKC folding; everything else separates them. A CJK run
gives its overlapping bigrams and then its last character alone, a word gives
itself:

    大模型 GPT-5  ->  大模 模型 型 gpt 5

Every character of a run then starts a token (a bigram, or the closing unigram), so
any substring of a run is a phrase of consecutive bigrams, or for one character a
token prefix. A query term is turned into the tokens it must match as a phrase
(`query_grams`); `normalize` and `query_pattern` express the same match as plain
substring search, for stores whose phrase search has limits, and `trigrams` narrow
such a search down.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from newsdesk.text.cjk import CJK_CLASS

# Longer words are cut: PostgreSQL refuses lexemes over 2 KB, and nobody searches
# by the middle of a 40-character identifier.
MAX_WORD = 40

# A letter or digit of a word: alphanumeric but not CJK (nor "_", which FTS5 splits at).
WORD_CHAR = f"[^\\W_{CJK_CLASS}]"
_SEGMENT = re.compile(f"([{CJK_CLASS}]+)|({WORD_CHAR}+)")


@dataclass(frozen=True)
class Gram:
    token: str
    prefix: bool = False


def fold(text: str) -> str:
    """NFKC then lowercase: ＧＰＴ and gpt are the same word."""
    return unicodedata.normalize("NFKC", text).lower()


def segments(text: str) -> list[tuple[str, bool]]:
    """(segment, is_cjk) for each CJK run and word of the folded text, in order."""
    return [(cjk, True) if cjk else (word[:MAX_WORD], False) for cjk, word in _split(text)]


@lru_cache(maxsize=16)
def _split(text: str) -> list[tuple[str, str]]:
    """(CJK run, "") or ("", word) for each segment (not to be changed: it is shared).

    Cached because a store takes the grams, trigrams and normalized form of the same
    text one after the other, and folding is the slow part.
    """
    return _SEGMENT.findall(fold(text))


def _run_grams(run: str) -> list[str]:
    grams = list(map(str.__add__, run, run[1:]))
    grams.append(run[-1])
    return grams


def index_grams(text: str) -> list[str]:
    """The tokens of text, in order."""
    tokens: list[str] = []
    for cjk, word in _split(text):
        if cjk:
            tokens += _run_grams(cjk)
        else:
            tokens.append(word[:MAX_WORD])
    return tokens


def trigrams(text: str) -> list[str]:
    """The three-character substrings of the CJK runs of text.

    Beside the grams, without positions, they settle a three-character term (the
    commonest length of a Chinese query word) exactly: 大模 and 模型 can both occur
    in a text without 大模型, 大模型 cannot.
    """
    found: list[str] = []
    for cjk, _ in _split(text):
        found += map(str.__add__, map(str.__add__, cjk, cjk[1:]), cjk[2:])
    return found


def query_grams(term: str) -> list[Gram]:
    """The phrase of tokens a text's tokens must contain for term to occur in it.

    The term may start or end in the middle of a CJK run or (at its end) of a word
    of the text, so its last segment matches as a prefix: a CJK run of two or more
    characters by its bigrams alone, one character or a word as a token prefix.
    """
    parts = segments(term)
    grams: list[Gram] = []
    for index, (segment, cjk) in enumerate(parts):
        last = index == len(parts) - 1
        if not last:
            grams.extend(Gram(token) for token in (_run_grams(segment) if cjk else [segment]))
        elif cjk and len(segment) > 1:
            grams.extend(Gram(bigram) for bigram in _run_grams(segment)[:-1])
        else:
            grams.append(Gram(segment, prefix=True))
    return grams


def normalize(text: str) -> str:
    """The segments of text between single spaces, with a space at each end.

    `query_pattern(term) in normalize(text)` exactly when the tokens of text contain
    `query_grams(term)` as a phrase.
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
