"""The search index on PostgreSQL: tsvector columns of the document row, one of rjieba
words weighted by column that ts_rank ranks by, one of distinct grams and CJK
trigrams without positions under a GIN index that finds the candidates, which a
substring test on the normalized text confirms (newsdesk.store.search tells why).

tsvector and tsquery values are written as quoted lexemes and cast, never parsed by
to_tsvector: its parser keeps CJK whole on our server but cuts `gpt-5` into `gpt`
and `-5`."""

from sqlalchemy import Connection, text

from fts_grams import index_grams, query_grams, trigrams
from fts_rows import (
    DOCUMENT_COLUMNS,
    DOCUMENT_VALUES,
    RankPlan,
    document_values,
    row_words,
    title_points,
)
from newsdesk.store.search import IndexRow
from newsdesk.text.grams import MAX_WORD, normalize, segments
from newsdesk.text.query import QueryTerm

_INDEX_LOCK = 0x6E657773_696E6478  # an arbitrary key: "newsindx"
_ANALYZE_AFTER = 1000  # documents indexed at once
# As migration 0002 creates it.
_GRAMS_INDEX = "CREATE INDEX search_documents_grams ON search_documents USING gin (grams)"
# ts_rank weighs a word's n-th occurrence by 1/n²: past the eighth, occurrences change
# a rank by under 6% and only cost detoasting.
_MAX_POSITIONS = 8


def hold_index(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INDEX_LOCK})


def drop_grams_index_when_empty(connection: Connection) -> bool:
    """Drops the GIN index when no document is indexed yet (the first indexing of a
    site), for `create_grams_index` to build once all are in: faster than adding to
    it, and it ends up compact. Whether it was dropped."""
    empty = not connection.execute(
        text("SELECT EXISTS (SELECT 1 FROM search_documents)")
    ).scalar_one()
    if empty:
        connection.execute(text("DROP INDEX search_documents_grams"))
    return empty


def create_grams_index(connection: Connection) -> None:
    connection.execute(text(_GRAMS_INDEX))


def analyze_after(connection: Connection, indexed: int) -> None:
    """After many documents were indexed: until autovacuum gets to it, the planner
    would not know that most queries want the GIN index, and would detoast every
    row's grams instead."""
    if indexed >= _ANALYZE_AFTER:
        connection.execute(text("ANALYZE search_documents"))


def rank_plan(terms: list[QueryTerm], words: list[str], params: dict[str, object]) -> RankPlan:
    lexemes = [
        _ts_lexeme(g.token) + (":*" if g.prefix else "") for t in terms for g in query_grams(t.text)
    ]
    lexemes += [_ts_lexeme(trigram) for term in terms for trigram in trigrams(term.text)]
    params["grams"] = " & ".join(dict.fromkeys(lexemes))
    checks = "".join(
        f" AND strpos(norm, :p{i}) > 0" for i, term in enumerate(terms) if not _settled(term)
    )
    rank = ""
    relevance = "0.0"
    if words:
        params["words"] = " & ".join(_ts_lexeme(word) for word in words)
        rank = ", ts_rank('{0.1, 0.2, 0.4, 1.0}', words, CAST(:words AS tsquery)) AS relevance"
        relevance = "d.relevance / (1.0 + d.relevance)"
    ctes = (
        f"WITH hits AS (SELECT id, slug, published, category, title_norm{rank}"
        f" FROM search_documents WHERE grams @@ CAST(:grams AS tsquery){checks})"
    )
    score = f"{title_points(terms, 'strpos')} + {relevance}"
    return RankPlan(ctes, "FROM hits d", "", score)


def _settled(term: QueryTerm) -> bool:
    """Whether the term's lexemes alone (grams, without positions) find exactly the
    documents it occurs in: one gram, or a three-character run by its trigram."""
    parts = segments(term.text)
    return len(query_grams(term.text)) == 1 or (len(parts) == 1 and len(parts[0][0]) == 3)


def insert_rows(connection: Connection, rows: list[IndexRow]) -> None:
    values = []
    for row in rows:
        grams: set[str] = set()
        for column in row.columns:
            grams.update(index_grams(column))
            grams.update(trigrams(column))
        values.append(
            {
                **document_values(row),
                "norm": "\n".join(normalize(column) for column in row.columns),
                "words": _weighted_tsvector(row_words(row)),
                # Grams are letters and digits only: nothing in them needs escaping.
                "grams": "'" + "' '".join(grams) + "'" if grams else "",
            }
        )
    connection.execute(
        text(
            f"INSERT INTO search_documents ({DOCUMENT_COLUMNS}, norm, words, grams)"
            f" VALUES ({DOCUMENT_VALUES}, :norm,"
            " CAST(:words AS tsvector), CAST(:grams AS tsvector))"
        ),
        values,
    )


def _weighted_tsvector(columns: list[list[str]]) -> str:
    """`'word':1A,9C …`: each column's words at their positions, weighted A to D.

    PostgreSQL itself folds positions past 16,383 into the last one."""
    positions: dict[str, list[str]] = {}
    start = 1
    for weight, words in zip("ABCD", columns, strict=True):
        for position, word in enumerate(words, start):
            found = positions.get(word)
            if found is None:
                positions[word] = [f"{position}{weight}"]
            elif len(found) < _MAX_POSITIONS:
                found.append(f"{position}{weight}")
        start += len(words)
    return " ".join(
        f"{_ts_lexeme(word[:MAX_WORD])}:{','.join(at)}" for word, at in positions.items()
    )


def _ts_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
