"""Character n-grams: the tokens the database search peers index (the server's own
search keys its in-memory index otherwise: newsdesk.store.search_keys).

A text's segments (newsdesk.text.grams) give tokens: a CJK run its overlapping
bigrams and then its last character alone, a word itself:

    大模型 GPT-5  ->  大模 模型 型 gpt 5

Every character of a run then starts a token (a bigram, or the closing unigram), so
any substring of a run is a phrase of consecutive bigrams, or for one character a
token prefix. A query term is turned into the tokens it must match as a phrase
(`query_grams`); `trigrams` narrow a search without positions down.
"""

from dataclasses import dataclass

from newsdesk.text.grams import segments


@dataclass(frozen=True)
class Gram:
    token: str
    prefix: bool = False


def _run_grams(run: str) -> list[str]:
    grams = list(map(str.__add__, run, run[1:]))
    grams.append(run[-1])
    return grams


def index_grams(text: str) -> list[str]:
    """The tokens of text, in order."""
    tokens: list[str] = []
    for segment, cjk in segments(text):
        tokens += _run_grams(segment) if cjk else [segment]
    return tokens


def trigrams(text: str) -> list[str]:
    """The three-character substrings of the CJK runs of text.

    Beside the grams, without positions, they settle a three-character term (the
    commonest length of a Chinese query word) exactly: 大模 and 模型 can both occur
    in a text without 大模型, 大模型 cannot.
    """
    found: list[str] = []
    for run, cjk in segments(text):
        if cjk:
            found += map(str.__add__, map(str.__add__, run, run[1:]), run[2:])
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
