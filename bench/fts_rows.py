"""What the SQLite and PostgreSQL search modules share: a document as its rows are
stored, the columns of search_documents, and the plan a query's matches are ranked
by (newsdesk.store.search runs it)."""

from dataclasses import dataclass

from fts_segment import segment
from newsdesk.store.search import IndexRow
from newsdesk.text.grams import normalize
from newsdesk.text.query import QueryTerm

DOCUMENT_COLUMNS = "slug, key, published, category, title_norm"
DOCUMENT_VALUES = ":slug, :key, :published, :category, :title_norm"
DOCUMENT_ID = "(SELECT id FROM search_documents WHERE slug = :slug)"


def document_values(row: IndexRow) -> dict[str, object]:
    """The values of DOCUMENT_COLUMNS."""
    return {
        "slug": row.slug,
        "key": row.key,
        "published": row.published,
        "category": row.category,
        "title_norm": normalize(row.title),
    }


def row_words(row: IndexRow) -> list[list[str]]:
    return [segment(column, for_search=True) for column in row.columns]


@dataclass(frozen=True)
class RankPlan:
    ctes: str  # WITH …: the documents found, and what ranks them
    tables: str  # FROM …: the documents found, as `d`
    joins: str  # what ranks them, joined to `d`
    score: str


def title_points(terms: list[QueryTerm], function: str) -> str:
    """1 for each term found in the title; `function` is the database's substring
    position function, the term's pattern bound as :p0, :p1 …"""
    return " + ".join(
        f"CAST({function}(d.title_norm, :p{i}) > 0 AS INTEGER)" for i in range(len(terms))
    )
