"""The search index on SQLite: two FTS5 tables whose rowid is the document's id, one
of rjieba words that bm25 ranks by, one of character grams matched as phrases
(newsdesk.store.search tells why both)."""

from collections.abc import Iterable

from sqlalchemy import Connection, text

from fts_grams import index_grams, query_grams
from fts_rows import (
    DOCUMENT_COLUMNS,
    DOCUMENT_ID,
    DOCUMENT_VALUES,
    RankPlan,
    document_values,
    row_words,
    title_points,
)
from newsdesk.store.search import IndexRow
from newsdesk.text.query import QueryTerm

_FTS_TABLES = ("search_words", "search_grams")
_FTS_COLUMNS = ("title", "labels", "summary", "body")


def rank_plan(terms: list[QueryTerm], words: list[str], params: dict[str, object]) -> RankPlan:
    params["grams"] = " AND ".join(
        "("
        + " + ".join(
            _fts_string(g.token) + ("*" if g.prefix else "") for g in query_grams(term.text)
        )
        + ")"
        for term in terms
    )
    # MATERIALIZED: each FTS5 query runs once, not once per row of the join.
    ctes = (
        "WITH hits AS MATERIALIZED"
        " (SELECT rowid AS id FROM search_grams WHERE search_grams MATCH :grams)"
    )
    joins = ""
    relevance = "0.0"
    if words:
        params["words"] = " AND ".join(_fts_string(word) for word in words)
        ctes += (
            ", ranked AS MATERIALIZED (SELECT rowid AS id,"
            " -bm25(search_words, 10.0, 4.0, 2.0, 1.0) AS relevance"
            " FROM search_words WHERE search_words MATCH :words)"
        )
        joins = " LEFT JOIN ranked r ON r.id = d.id"
        relevance = "coalesce(r.relevance / (1.0 + r.relevance), 0.0)"
    return RankPlan(
        ctes,
        "FROM hits JOIN search_documents d ON d.id = hits.id",
        joins,
        f"{title_points(terms, 'instr')} + {relevance}",
    )


def insert_rows(connection: Connection, rows: list[IndexRow]) -> None:
    connection.execute(
        text(f"INSERT INTO search_documents ({DOCUMENT_COLUMNS}) VALUES ({DOCUMENT_VALUES})"),
        [document_values(row) for row in rows],
    )
    words = [_fts_values(row.slug, map(" ".join, row_words(row))) for row in rows]
    grams = [_fts_values(row.slug, (" ".join(index_grams(c)) for c in row.columns)) for row in rows]
    for table, values in zip(_FTS_TABLES, (words, grams), strict=True):
        connection.execute(
            text(
                f"INSERT INTO {table} (rowid, title, labels, summary, body)"
                f" VALUES ({DOCUMENT_ID}, :title, :labels, :summary, :body)"
            ),
            values,
        )


def remove_rows(connection: Connection, params: list[dict[str, str]]) -> None:
    """Removes the FTS5 rows of the documents of these slugs: they are tied to the
    document by rowid only (its texts and tags go with it by foreign key)."""
    for table in _FTS_TABLES:
        connection.execute(text(f"DELETE FROM {table} WHERE rowid = {DOCUMENT_ID}"), params)


def _fts_values(slug: str, columns: Iterable[str]) -> dict[str, object]:
    return {"slug": slug, **dict(zip(_FTS_COLUMNS, columns, strict=True))}


def _fts_string(token: str) -> str:
    """A token as an FTS5 string: quoted, so that no query text is ever syntax."""
    return '"' + token.replace('"', '""') + '"'
