"""The keys of the in-memory search index: what a text is findable by, and which of
them a query term needs.

A text is keyed in its normalized form (newsdesk.text.grams.normalize: its CJK runs
and Latin words between single spaces) by every substring of one or two characters,
and by every word's opening of up to PREFIX_CHARS characters with the space before
it (" gpt"). Every CJK character and bigram, and every word start, is then a key:
a query term of one segment that is a CJK character or bigram, or a word opening
that short, is found exactly by its one key; any longer term by the keys of its
parts, which narrow the candidates down, and a substring test of its pattern on the
normalized field confirms each one. (The other one- and two-character keys, such as
a Latin bigram inside a word, are never asked for: taking every substring is what
keeps keying in C.)
"""

import re
from dataclasses import dataclass

from newsdesk.text.cjk import CJK_CLASS
from newsdesk.text.grams import segments
from newsdesk.text.query import QueryTerm

# Most Latin query words are names and abbreviations of up to four letters (GPT, k8s,
# Rust, UCIe): those need no confirmation. Each more character keys every word once
# more.
PREFIX_CHARS = 4
# A word's opening of 2, 3 … PREFIX_CHARS characters, with its space (shorter words
# than that are found by the shorter patterns).
_OPENINGS = [re.compile(f" [^ {CJK_CLASS}]{{{n}}}") for n in range(2, PREFIX_CHARS + 1)]


@dataclass(frozen=True)
class TermKeys:
    keys: tuple[str, ...]  # every one must key a field for the term to occur in it
    exact: bool  # the keys alone settle it; else the pattern is tested on the text


def text_keys(normalized: str) -> set[str]:
    """The keys of a normalized text."""
    keys = set(normalized)
    keys.update(map(str.__add__, normalized, normalized[1:]))
    for opening in _OPENINGS:
        keys.update(opening.findall(normalized))
    return keys


def term_keys(term: QueryTerm) -> TermKeys:
    """The keys a field must have for `term` to occur in it."""
    parts = segments(term.text)
    keys: list[str] = []
    for segment, cjk in parts:
        if not cjk:
            keys.append(" " + segment[:PREFIX_CHARS])
        elif len(segment) == 1:
            keys.append(segment)
        else:
            keys.extend(map(str.__add__, segment, segment[1:]))
    single = len(parts) == 1
    exact = single and (len(parts[0][0]) <= (2 if parts[0][1] else PREFIX_CHARS))
    return TermKeys(tuple(dict.fromkeys(keys)), exact)
