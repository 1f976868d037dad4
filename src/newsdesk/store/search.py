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

tsvector and tsquery values are written as quoted lexemes and cast, never parsed by
to_tsvector: its parser keeps CJK whole on our server but cuts `gpt-5` into `gpt`
and `-5`. FTS5 queries quote every token as well, so no query text is ever syntax.
Titles and snippets are highlighted here, in Python, the same on both databases.
The texts shown are kept apart from the narrow rows that thousands of matches are
ranked by (bench/search.py measures both databases at 10,000 articles).
"""

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Row, bindparam, text

from newsdesk.content.model import Article
from newsdesk.text.grams import (
    MAX_WORD,
    WORD_CHAR,
    Gram,
    index_grams,
    normalize,
    query_grams,
    query_pattern,
    segments,
    trigrams,
)
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
    slug: str
    score: float
    title_html: str  # title, HTML-escaped, query matches wrapped in <mark>
    snippet_html: str  # best matching passage of summary or body, escaped and <mark>ed


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: list[SearchHit]


# A query is cut to this many terms of this many characters: enough for any real
# query, and a pasted page cannot become a huge statement.
MAX_TERMS = 8
MAX_TERM_CHARS = 32
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
_BATCH = 500
_ANALYZE_AFTER = 1000  # documents indexed at once
SNIPPET_CHARS = 120
_SNIPPET_LEAD = 20  # characters shown before the first match
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_WORD_CHAR = re.compile(WORD_CHAR)
_INDEX_LOCK = 0x6E657773_696E6478  # an arbitrary key: "newsindx"


def hold_index(connection: Connection) -> None:
    """Make other servers wait to change the index until this transaction ends, so two
    workers syncing the same change do not insert the same slug twice. (On SQLite,
    `engine.begin()` already takes the write lock when the transaction begins.)"""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INDEX_LOCK})


def indexed_keys(connection: Connection) -> dict[str, str]:
    """slug -> key of every indexed document."""
    rows = connection.execute(text("SELECT slug, key FROM search_documents"))
    return {slug: key for slug, key in rows}


def index_documents(connection: Connection, documents: Iterable[SearchDocument]) -> None:
    """Index documents, replacing any already indexed under the same slug."""
    postgres = connection.dialect.name == "postgresql"
    insert = _insert_postgresql if postgres else _insert_sqlite
    # Into an empty index (the first indexing of a site), building the GIN index once
    # at the end is three times faster than adding to it, and leaves it compact.
    rebuild = postgres and not connection.execute(text(_ANY_DOCUMENT)).scalar_one()
    if rebuild:
        connection.execute(text("DROP INDEX search_documents_grams"))
    indexed = 0
    for batch in _batches(documents):
        latest = {document.slug: document for document in batch}  # the last one wins
        remove_documents(connection, latest)
        rows = [_Row.of(document) for document in latest.values()]
        insert(connection, rows)
        connection.execute(
            text(
                "INSERT INTO search_texts (document_id, title, summary, body)"
                f" VALUES ({_DOCUMENT_ID}, :title, :summary, :body)"
            ),
            [
                {"slug": row.slug, "title": row.title, "summary": row.summary, "body": row.body}
                for row in rows
            ],
        )
        tags = [{"slug": row.slug, "tag": tag} for row in rows for tag in row.tags]
        if tags:
            connection.execute(
                text(f"INSERT INTO search_tags (document_id, tag) VALUES ({_DOCUMENT_ID}, :tag)"),
                tags,
            )
        indexed += len(rows)
    if rebuild:
        connection.execute(text(_GRAMS_INDEX))
    if postgres and indexed >= _ANALYZE_AFTER:
        # Until autovacuum gets to it, the planner would not know that most queries
        # want the GIN index, and would detoast every row's grams instead.
        connection.execute(text("ANALYZE search_documents"))


def remove_documents(connection: Connection, slugs: Iterable[str]) -> None:
    params = [{"slug": slug} for slug in slugs]
    if not params:
        return
    if connection.dialect.name == "sqlite":
        # FTS5 rows are tied to the document by rowid only; texts and tags go by
        # foreign key.
        for table in ("search_words", "search_grams"):
            connection.execute(
                text(
                    f"DELETE FROM {table} WHERE rowid = "
                    "(SELECT id FROM search_documents WHERE slug = :slug)"
                ),
                params,
            )
    connection.execute(text("DELETE FROM search_documents WHERE slug = :slug"), params)


def search(connection: Connection, query: SearchQuery) -> SearchResults:
    terms = _terms(query.text)
    if not terms:
        return SearchResults(total=0, hits=[])
    # The index holds search-mode words (模型 inside 大模型 too), so the query's own
    # words, in precise mode, are all there when the article uses them.
    words = dict.fromkeys(word for term in terms for word in segment(term.text))
    params: dict[str, object] = {f"p{i}": term.pattern for i, term in enumerate(terms)}
    filters = _filters(query, params)
    where = " AND ".join(filters) or "1 = 1"
    make_plan = _postgresql_plan if connection.dialect.name == "postgresql" else _sqlite_plan
    plan = make_plan(terms, list(words), params)
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
    return SearchResults(total=total, hits=_hits(connection, ranked, terms))


# -- Queries ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    text: str
    grams: list[Gram]
    pattern: str  # query_pattern(text)
    # Whether its lexemes alone (PostgreSQL's grams, without positions) find exactly
    # the documents it occurs in: one gram, or a three-character run by its trigram.
    settled: bool


def _terms(query: str) -> list[_Term]:
    terms: dict[str, _Term] = {}
    for part in query.split():
        clipped = part[:MAX_TERM_CHARS]
        pattern = query_pattern(clipped)
        if pattern and pattern not in terms:
            grams = query_grams(clipped)
            parts = segments(clipped)
            settled = len(grams) == 1 or (len(parts) == 1 and len(parts[0][0]) == 3)
            terms[pattern] = _Term(clipped, grams, pattern, settled)
            if len(terms) == MAX_TERMS:
                break
    return list(terms.values())


def _filters(query: SearchQuery, params: dict[str, object]) -> list[str]:
    filters = []
    if query.category is not None:
        filters.append("d.category = :category")
        params["category"] = _name(query.category)
    if query.tag is not None:
        filters.append(
            "EXISTS (SELECT 1 FROM search_tags t WHERE t.tag = :tag AND t.document_id = d.id)"
        )
        params["tag"] = _name(query.tag)
    if query.since is not None:
        filters.append("d.published >= :since")
        params["since"] = _microseconds(query.since)
    if query.until is not None:
        filters.append("d.published <= :until")
        params["until"] = _microseconds(query.until)
    return filters


@dataclass(frozen=True)
class _Plan:
    ctes: str  # WITH …: the documents found, and what ranks them
    tables: str  # FROM …: the documents found, as `d`
    joins: str  # what ranks them, joined to `d`
    score: str


def _title_points(terms: list[_Term], function: str) -> str:
    """1 for each term found in the title."""
    return " + ".join(
        f"CAST({function}(d.title_norm, :p{i}) > 0 AS INTEGER)" for i in range(len(terms))
    )


def _sqlite_plan(terms: list[_Term], words: list[str], params: dict[str, object]) -> _Plan:
    params["grams"] = " AND ".join(
        "(" + " + ".join(_fts_string(g.token) + ("*" if g.prefix else "") for g in term.grams) + ")"
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
    return _Plan(
        ctes,
        "FROM hits JOIN search_documents d ON d.id = hits.id",
        joins,
        f"{_title_points(terms, 'instr')} + {relevance}",
    )


def _postgresql_plan(terms: list[_Term], words: list[str], params: dict[str, object]) -> _Plan:
    lexemes = [_ts_lexeme(g.token) + (":*" if g.prefix else "") for t in terms for g in t.grams]
    lexemes += [_ts_lexeme(trigram) for term in terms for trigram in trigrams(term.text)]
    params["grams"] = " & ".join(dict.fromkeys(lexemes))
    checks = "".join(
        f" AND strpos(norm, :p{i}) > 0" for i, term in enumerate(terms) if not term.settled
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
    score = f"{_title_points(terms, 'strpos')} + {relevance}"
    return _Plan(ctes, "FROM hits d", "", score)


def _fts_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _ts_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _microseconds(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"a search date must be timezone-aware: {moment!r}")
    return (moment - _EPOCH) // timedelta(microseconds=1)


# -- Indexing -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """A document as stored: its fields cleaned, and cut to what is indexed."""

    slug: str
    key: str
    title: str
    summary: str
    body: str
    category: str | None
    published: int
    tags: tuple[str, ...]
    labels: str  # tags, category and authors, one a line

    @classmethod
    def of(cls, document: SearchDocument) -> "_Row":
        title = _clean(document.title[:MAX_TITLE_CHARS])
        summary = _clean(document.summary[:MAX_SUMMARY_CHARS])
        body = _clean(document.body[:MAX_BODY_CHARS])
        tags = tuple(dict.fromkeys(_name(tag) for tag in document.tags))
        category = None if document.category is None else _name(document.category)
        labels = "\n".join([*tags, category or "", *map(_clean, document.authors)])
        labels = labels[:MAX_LABELS_CHARS]
        return cls(
            slug=document.slug,
            key=document.key,
            title=title,
            summary=summary,
            body=body,
            category=category,
            published=_microseconds(document.published),
            tags=tags,
            labels=labels,
        )

    @property
    def columns(self) -> tuple[str, str, str, str]:
        """The four indexed columns, weighted in this order."""
        return (self.title, self.labels, self.summary, self.body)

    def document(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "key": self.key,
            "published": self.published,
            "category": self.category,
            "title_norm": normalize(self.title),
        }

    def words(self) -> list[list[str]]:
        return [segment(column, for_search=True) for column in self.columns]


def _clean(value: str) -> str:
    return _UNSTORABLE.sub("", value)


def _name(value: str) -> str:
    return _clean(value[:MAX_NAME_CHARS])


_DOCUMENT_COLUMNS = "slug, key, published, category, title_norm"
_DOCUMENT_VALUES = ":slug, :key, :published, :category, :title_norm"
_DOCUMENT_ID = "(SELECT id FROM search_documents WHERE slug = :slug)"
_ANY_DOCUMENT = "SELECT EXISTS (SELECT 1 FROM search_documents)"
# As migration 0002 creates it.
_GRAMS_INDEX = "CREATE INDEX search_documents_grams ON search_documents USING gin (grams)"
_FTS_COLUMNS = ("title", "labels", "summary", "body")


def _insert_sqlite(connection: Connection, rows: list[_Row]) -> None:
    connection.execute(
        text(f"INSERT INTO search_documents ({_DOCUMENT_COLUMNS}) VALUES ({_DOCUMENT_VALUES})"),
        [row.document() for row in rows],
    )
    words = [_fts_values(row.slug, map(" ".join, row.words())) for row in rows]
    grams = [_fts_values(row.slug, (" ".join(index_grams(c)) for c in row.columns)) for row in rows]
    for table, values in (("search_words", words), ("search_grams", grams)):
        connection.execute(
            text(
                f"INSERT INTO {table} (rowid, title, labels, summary, body)"
                f" VALUES ({_DOCUMENT_ID}, :title, :labels, :summary, :body)"
            ),
            values,
        )


def _fts_values(slug: str, columns: Iterable[str]) -> dict[str, object]:
    return {"slug": slug, **dict(zip(_FTS_COLUMNS, columns, strict=True))}


# ts_rank weighs a word's n-th occurrence by 1/n²: past the eighth, occurrences change
# a rank by under 6% and only cost detoasting.
_MAX_POSITIONS = 8


def _insert_postgresql(connection: Connection, rows: list[_Row]) -> None:
    values = []
    for row in rows:
        grams: set[str] = set()
        for column in row.columns:
            grams.update(index_grams(column))
            grams.update(trigrams(column))
        values.append(
            {
                **row.document(),
                "norm": "\n".join(normalize(column) for column in row.columns),
                "words": _weighted_tsvector(row.words()),
                # Grams are letters and digits only: nothing in them needs escaping.
                "grams": "'" + "' '".join(grams) + "'" if grams else "",
            }
        )
    connection.execute(
        text(
            f"INSERT INTO search_documents ({_DOCUMENT_COLUMNS}, norm, words, grams)"
            f" VALUES ({_DOCUMENT_VALUES}, :norm,"
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


def _batches(documents: Iterable[SearchDocument]) -> Iterator[list[SearchDocument]]:
    iterator = iter(documents)
    while batch := list(islice(iterator, _BATCH)):
        yield batch


# -- Highlighting -------------------------------------------------------------------


def _hits(
    connection: Connection, ranked: Sequence[Row[Any]], terms: list[_Term]
) -> list[SearchHit]:
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
    highlighter = _Highlighter(terms)
    hits = []
    for row in ranked:
        found = texts[row.slug]
        hits.append(
            SearchHit(
                slug=found.slug,
                score=float(row.score),
                title_html=highlighter.mark(found.title),
                snippet_html=highlighter.snippet(found.summary, found.body),
            )
        )
    return hits


class _Highlighter:
    """Finds the query's terms in text: case-insensitively, without the punctuation
    around them, and one that opens with a Latin letter or digit only where a word
    starts, as the gram index matches it."""

    def __init__(self, terms: list[_Term]) -> None:
        words = sorted({_EDGE_PUNCTUATION.sub("", term.text) for term in terms} - {""}, key=len)
        alternatives = "|".join(re.escape(word) for word in reversed(words))
        self._pattern = re.compile(alternatives, re.IGNORECASE) if words else None
        self._count = len({word.lower() for word in words})

    def matches(self, value: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
        if self._pattern is None:
            return []
        return [
            match
            for match in self._pattern.finditer(value, start, len(value) if end is None else end)
            if not (
                match.start()
                and _WORD_CHAR.match(value, match.start())
                and _WORD_CHAR.match(value, match.start() - 1)
            )
        ]

    def mark(self, value: str, start: int = 0, end: int | None = None) -> str:
        """value[start:end], escaped, whitespace collapsed, each match in <mark>."""
        end = len(value) if end is None else end
        out = []
        for match in self.matches(value, start, end):
            out.append(_escape(value[start : match.start()]))
            out.append(f"<mark>{html.escape(match[0])}</mark>")
            start = match.end()
        out.append(_escape(value[start:end]))
        return "".join(out)

    def snippet(self, summary: str, body: str) -> str:
        """About SNIPPET_CHARS characters showing the most distinct terms, from the
        summary when it shows as many as the body."""
        best: tuple[int, str, int] | None = None  # (terms shown, text, start)
        for source in (summary, body):
            window = self._best_window(source)
            if window and (best is None or window[0] > best[0]):
                best = (window[0], source, window[1])
        if best is None:
            return self._cut(summary or body, 0)
        return self._cut(best[1], best[2])

    def _best_window(self, value: str) -> tuple[int, int] | None:
        """(distinct terms, start) of the window that shows the most distinct terms."""
        matches = self.matches(value)
        best: tuple[int, int] | None = None
        for index, anchor in enumerate(matches):
            start = max(anchor.start() - _SNIPPET_LEAD, 0)
            shown = set()
            for match in islice(matches, index, None):
                if match.end() > start + SNIPPET_CHARS:
                    break
                shown.add(match[0].lower())
            if best is None or len(shown) > best[0]:
                best = (len(shown), start)
                if len(shown) == self._count:  # nothing can show more
                    break
        return best

    def _cut(self, value: str, start: int) -> str:
        end = min(start + SNIPPET_CHARS, len(value))
        start = max(end - SNIPPET_CHARS, 0)  # near the end, show a full window
        for match in self.matches(value, max(start - MAX_TERM_CHARS, 0), end + MAX_TERM_CHARS):
            if match.start() < start < match.end():  # never cut through a match
                start = match.start()
            if match.start() < end < match.end():
                end = match.end()
        while start < end and value[start].isspace():
            start += 1
        while end > start and value[end - 1].isspace():
            end -= 1
        return (
            ("…" if value[:start].strip() else "")
            + self.mark(value, start, end)
            + ("…" if value[end:].strip() else "")
        )


def _escape(value: str) -> str:
    return html.escape(_SPACES.sub(" ", value))
