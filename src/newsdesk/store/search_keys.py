"""The keys of the in-memory search index: what a text is findable by, and which of
them a query term needs.

A normalized text (newsdesk.text.grams) is runs of CJK characters and Latin words.
A CJK run is keyed by each of its characters and each bigram; a word by each of its
prefixes up to PREFIX_CHARS characters. A query term of one segment that is a CJK
character or bigram, or a word prefix that short, is then found exactly by its one
key; any longer term by the keys of its parts, which narrow the candidates down, and
a substring test of its pattern on the normalized field confirms each one.
"""

from dataclasses import dataclass

from newsdesk.text.grams import segments
from newsdesk.text.query import QueryTerm

# Most Latin query words are names and abbreviations of up to four letters (GPT, k8s,
# Rust, UCIe): those need no confirmation. Each more character keys every word once
# more.
PREFIX_CHARS = 4


@dataclass(frozen=True)
class TermKeys:
    keys: tuple[str, ...]  # every one must key a field for the term to occur in it
    exact: bool  # the keys alone settle it; else the pattern is tested on the text


def text_keys(parts: list[tuple[str, bool]]) -> set[str]:
    """The keys of a text given as its segments (`grams.segments`)."""
    keys: set[str] = set()
    for segment, cjk in parts:
        if cjk:
            keys.update(segment)
            keys.update(map(str.__add__, segment, segment[1:]))
        else:
            keys.update(segment[:length] for length in range(1, min(len(segment), PREFIX_CHARS) + 1))
    return keys


def term_keys(term: QueryTerm) -> TermKeys:
    """The keys a field must have for `term` to occur in it."""
    parts = segments(term.text)
    keys: list[str] = []
    for segment, cjk in parts:
        if not cjk:
            keys.append(segment[:PREFIX_CHARS])
        elif len(segment) == 1:
            keys.append(segment)
        else:
            keys.extend(map(str.__add__, segment, segment[1:]))
    single = len(parts) == 1
    exact = single and (len(parts[0][0]) <= (2 if parts[0][1] else PREFIX_CHARS))
    return TermKeys(tuple(dict.fromkeys(keys)), exact)

