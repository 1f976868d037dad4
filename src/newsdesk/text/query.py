"""A search query as its terms: what the search index matches, and what the search
results mark in titles and snippets, read the same way by both."""

from dataclasses import dataclass

from newsdesk.text.grams import query_pattern

# A query is cut to this many terms of this many characters: enough for any real
# query, and a pasted page cannot become a huge statement.
MAX_TERMS = 8
MAX_TERM_CHARS = 32


@dataclass(frozen=True)
class QueryTerm:
    text: str  # as typed, cut to MAX_TERM_CHARS
    pattern: str  # query_pattern(text)


def query_terms(query: str) -> list[QueryTerm]:
    """The whitespace-separated terms of `query` that have something to find, each once
    (terms that match alike count as one), at most MAX_TERMS of them."""
    terms: dict[str, QueryTerm] = {}
    for part in query.split():
        clipped = part[:MAX_TERM_CHARS]
        pattern = query_pattern(clipped)
        if pattern and pattern not in terms:
            terms[pattern] = QueryTerm(clipped, pattern)
            if len(terms) == MAX_TERMS:
                break
    return list(terms.values())
