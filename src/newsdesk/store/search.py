"""Full-text search over articles, on SQLite (FTS5) or PostgreSQL (tsvector).

Finding and ranking are kept apart, because Chinese readers expect containment:

- The gram index finds. Every whitespace-separated query term must occur somewhere
  in the title, the labels (tags, category, authors), the summary or the body, as
  a phrase of character bigrams (newsdesk.text.grams). SQLite holds the grams in an
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

Each database's index and queries are in its own module (search_sqlite,
search_postgres); this one is what callers use, the same on both. Every token of a
query is quoted, so no query text is ever syntax. A hit carries the plain title,
summary and body (kept apart from the narrow rows that thousands of matches are
ranked by), for the site to highlight (newsdesk.site.search_hits).
bench/search.py measures both databases at 10,000 articles.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, bindparam, text

from newsdesk.content.model import Article
from newsdesk.store import search_postgres, search_sqlite
from newsdesk.store.batch import batches
from newsdesk.store.search_rows import DOCUMENT_ID, IndexRow
from newsdesk.text.query import query_terms
from newsdesk.text.segment import segment


@dataclass(frozen=True)
class SearchDocument:
    slug: str
    title: str
    tags: tuple[str, ...]
    category: str | None
    authors: tuple[str, ...]
    summary: str
    body: str  # plain text
    published: datetime  # timezone-aware
    key: str  # fingerprint of the above, computed by the caller

    @classmethod
    def of(cls, article: Article, body: str, key: str) -> "SearchDocument":
        """An article's document; `body` is its rendered body as plain text."""
        return cls(
            slug=article.slug,
            title=article.title,
            tags=article.tags,
            category=article.category,
            authors=tuple(author.name for author in article.authors),
            summary=article.summary,
            body=body,
            published=article.published,
            key=key,
        )


@dataclass(frozen=True)
class SearchQuery:
    text: str
    category: str | None = None
    tag: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class SearchHit:
    """An article found, with its texts as indexed (cleaned, cut), plain."""

    slug: str
    score: float
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: list[SearchHit]


# Longer fields are indexed and kept up to here, so that even text of all-different
# characters (some 23 bytes of grams and trigrams each) keeps PostgreSQL's grams
# tsvector under its 1 MB limit. 40,000 characters take over two hours to read.
MAX_TITLE_CHARS = 500
MAX_LABELS_CHARS = 2_000
MAX_SUMMARY_CHARS = 2_000
MAX_BODY_CHARS = 40_000
# Tags and categories are cut here when stored and when filtered by: PostgreSQL's
# B-tree entries must fit in a third of a page.
MAX_NAME_CHARS = 200
# Documents indexed per round: their rows, words and grams are held in memory at
# once, and each table takes one executemany of them.
ROW_BATCH = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates


def hold_index(connection: Connection) -> None:
    """Make other servers wait to change the index until this transaction ends, so two
    workers syncing the same change do not insert the same slug twice. (On SQLite,
    `engine.begin()` already takes the write lock when the transaction begins.)"""
    if connection.dialect.name == "postgresql":
        search_postgres.hold_index(connection)


def indexed_keys(connection: Connection) -> dict[str, str]:
    """slug -> key of every indexed document."""
    rows = connection.execute(text("SELECT slug, key FROM search_documents"))
    return {slug: key for slug, key in rows}


def index_documents(connection: Connection, documents: Iterable[SearchDocument]) -> None:
    """Index documents, replacing any already indexed under the same slug."""
    postgres = connection.dialect.name == "postgresql"
    insert_rows = search_postgres.insert_rows if postgres else search_sqlite.insert_rows
    rebuild = postgres and search_postgres.drop_grams_index_when_empty(connection)
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
        search_postgres.create_grams_index(connection)
    if postgres:
        search_postgres.analyze_after(connection, indexed)


def remove_documents(connection: Connection, slugs: Iterable[str]) -> None:
    params = [{"slug": slug} for slug in slugs]
    if not params:
        return
    if connection.dialect.name == "sqlite":
        search_sqlite.remove_rows(connection, params)
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
    rank_plan = search_postgres.rank_plan if postgres else search_sqlite.rank_plan
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


def index_row(document: SearchDocument) -> IndexRow:
    title = _clean(document.title[:MAX_TITLE_CHARS])
    summary = _clean(document.summary[:MAX_SUMMARY_CHARS])
    body = _clean(document.body[:MAX_BODY_CHARS])
    tags = tuple(dict.fromkeys(stored_name(tag) for tag in document.tags))
    category = None if document.category is None else stored_name(document.category)
    labels = "\n".join([*tags, category or "", *map(_clean, document.authors)])
    labels = labels[:MAX_LABELS_CHARS]
    return IndexRow(
        slug=document.slug,
        key=document.key,
        title=title,
        summary=summary,
        body=body,
        category=category,
        published=microseconds(document.published),
        tags=tags,
        labels=labels,
    )


def _clean(value: str) -> str:
    return _UNSTORABLE.sub("", value)


def stored_name(value: str) -> str:
    return _clean(value[:MAX_NAME_CHARS])


def microseconds(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"a search date must be timezone-aware: {moment!r}")
    return (moment - _EPOCH) // timedelta(microseconds=1)
