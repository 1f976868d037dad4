"""The search the server used before its in-memory index, kept as the peer that
bench/search.py measures it against: full-text search over articles, on SQLite
(FTS5) or PostgreSQL (tsvector), in tables of its own (`create_tables`).

Finding and ranking are kept apart, because Chinese readers expect containment:

- The gram index finds. Every whitespace-separated query term must occur somewhere
  in the title, the labels (tags, category, authors), the summary or the body, as
  a phrase of character bigrams (fts_grams.py). SQLite holds the grams in an
  FTS5 table and matches the phrase there, exactly and without limits.
  PostgreSQL's phrase operator has limits (positions stop at 16,383, a lexeme keeps
  256 of them) and must read every candidate's positions, so there a GIN-indexed
  tsvector of the document's distinct grams and CJK trigrams, without positions,
  finds the candidates: exactly for a term of one gram or of three CJK characters,
  and for longer terms a substring test on the normalized text (`grams.normalize`)
  confirms them. pg_trgm does handle CJK on our server, but a trigram index cannot
  serve the one- and two-character queries that Chinese readers type most.
- The word index ranks what the grams found: rjieba words (search mode, so 模型 is
  indexed inside 大模型 too) weighted title > labels > summary > body, by bm25 in
  FTS5 and ts_rank on PostgreSQL. A term found in the title adds 1 to a relevance
  scaled into [0, 1), so title matches come first; ties go to the newer article.

Each database's index and queries are in its own module (fts_sqlite,
fts_postgres); this one is what the bench calls, the same on both. Every token of a
query is quoted, so no query text is ever syntax. A hit carries the plain title,
summary and body (kept apart from the narrow rows that thousands of matches are
ranked by), for the site to highlight (newsdesk.site.search_hits).
"""

import importlib
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, text

import fts_postgres
import fts_sqlite
from fts_rows import DOCUMENT_ID
from fts_segment import segment
from newsdesk.store.batch import batches
from newsdesk.store.search import (
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
    index_row,
    microseconds,
    stored_name,
)
from newsdesk.text.query import query_terms

# Documents indexed per round: their rows, words and grams are held in memory at
# once, and each table takes one executemany of them.
ROW_BATCH = 500

# The search tables as the server's schema had them: the statements of the migration
# that made them (a later one dropped them).
_MIGRATION = importlib.import_module("newsdesk.store.migrations.versions.0002_search")


def create_tables(connection: Connection) -> None:
    """The search tables, as the server's schema had them."""
    sqlite = connection.dialect.name == "sqlite"
    for statement in _MIGRATION._SQLITE if sqlite else _MIGRATION._POSTGRESQL:
        connection.execute(text(statement))


def hold_index(connection: Connection) -> None:
    """Make other servers wait to change the index until this transaction ends, so two
    workers syncing the same change do not insert the same slug twice. (On SQLite,
    `engine.begin()` already takes the write lock when the transaction begins.)"""
    if connection.dialect.name == "postgresql":
        fts_postgres.hold_index(connection)


def indexed_keys(connection: Connection) -> dict[str, str]:
    """slug -> key of every indexed document."""
    rows = connection.execute(text("SELECT slug, key FROM search_documents"))
    return {slug: key for slug, key in rows}


def index_documents(connection: Connection, documents: Iterable[SearchDocument]) -> None:
    """Index documents, replacing any already indexed under the same slug."""
    postgres = connection.dialect.name == "postgresql"
    insert_rows = fts_postgres.insert_rows if postgres else fts_sqlite.insert_rows
    rebuild = postgres and fts_postgres.drop_grams_index_when_empty(connection)
    indexed = 0
    for batch in batches(documents, ROW_BATCH):
        latest = {document.slug: document for document in batch}  # the last one wins
        remove_documents(connection, latest)
        rows = [index_row(document) for document in latest.values()]
        insert_rows(connection, rows)
        connection.execute(
            text(
                "INSERT INTO search_texts (document_id, title, summary, body)"
                f" VALUES ({DOCUMENT_ID}, :title, :summary, :body)"
            ),
            [
                {"slug": row.slug, "title": row.title, "summary": row.summary, "body": row.body}
                for row in rows
            ],
        )
        tags = [{"slug": row.slug, "tag": tag} for row in rows for tag in row.tags]
        if tags:
            connection.execute(
                text(f"INSERT INTO search_tags (document_id, tag) VALUES ({DOCUMENT_ID}, :tag)"),
                tags,
            )
        indexed += len(rows)
    if rebuild:
        fts_postgres.create_grams_index(connection)
    if postgres:
        fts_postgres.analyze_after(connection, indexed)


def remove_documents(connection: Connection, slugs: Iterable[str]) -> None:
    params = [{"slug": slug} for slug in slugs]
    if not params:
        return
    if connection.dialect.name == "sqlite":
        fts_sqlite.remove_rows(connection, params)
    connection.execute(text("DELETE FROM search_documents WHERE slug = :slug"), params)


def search(connection: Connection, query: SearchQuery) -> SearchResults:
    terms = query_terms(query.text)
    if not terms:
        return SearchResults(total=0, hits=[])
    # The index holds search-mode words (模型 inside 大模型 too), so the query's own
    # words, in precise mode, are all there when the article uses them.
    words = dict.fromkeys(word for term in terms for word in segment(term.text))
    params: dict[str, object] = {f"p{i}": term.pattern for i, term in enumerate(terms)}
    filters = _filters(query, params)
    where = " AND ".join(filters) or "1 = 1"
    postgres = connection.dialect.name == "postgresql"
    rank_plan = fts_postgres.rank_plan if postgres else fts_sqlite.rank_plan
    plan = rank_plan(terms, list(words), params)
    count = "SELECT count(*) FROM hits"  # every plan calls what it found `hits`
    if filters:
        count = f"SELECT count(*) {plan.tables} WHERE {where}"
    # The count is a subquery of the same statement, so the matches are found once.
    ranked = connection.execute(
        text(
            f"{plan.ctes} SELECT d.slug, {plan.score} AS score, ({count}) AS total"
            f" {plan.tables}{plan.joins} WHERE {where}"
            " ORDER BY score DESC, d.published DESC, d.slug LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": max(query.limit, 0), "offset": max(query.offset, 0)},
    ).all()
    if ranked:
        total = int(ranked[0].total)
    else:  # nothing found, or past the last page
        total = connection.execute(text(f"{plan.ctes} {count}"), params).scalar_one()
    return SearchResults(total=total, hits=_hits(connection, ranked))


def _filters(query: SearchQuery, params: dict[str, object]) -> list[str]:
    filters = []
    if query.category is not None:
        filters.append("d.category = :category")
        params["category"] = stored_name(query.category)
    if query.tag is not None:
        filters.append(
            "EXISTS (SELECT 1 FROM search_tags t WHERE t.tag = :tag AND t.document_id = d.id)"
        )
        params["tag"] = stored_name(query.tag)
    if query.since is not None:
        filters.append("d.published >= :since")
        params["since"] = microseconds(query.since)
    if query.until is not None:
        filters.append("d.published <= :until")
        params["until"] = microseconds(query.until)
    return filters


def _hits(connection: Connection, ranked: Sequence[Row[Any]]) -> list[SearchHit]:
    """The ranked rows with the texts shown for them."""
    slugs = [row.slug for row in ranked]
    if not slugs:
        return []
    texts = {
        row.slug: row
        for row in connection.execute(
            text(
                "SELECT d.slug, t.title, t.summary, t.body FROM search_documents d"
                " JOIN search_texts t ON t.document_id = d.id WHERE d.slug IN :slugs"
            ).bindparams(bindparam("slugs", expanding=True)),
            {"slugs": slugs},
        )
    }
    hits = []
    for row in ranked:
        found = texts[row.slug]
        hits.append(SearchHit(found.slug, float(row.score), found.title, found.summary, found.body))
    return hits
