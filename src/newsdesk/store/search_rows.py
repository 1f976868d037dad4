"""What the SQLite and PostgreSQL search modules share: a document as its rows are
stored, the columns of search_documents, and the plan a query's matches are ranked
by (newsdesk.store.search runs it)."""

from dataclasses import dataclass

from newsdesk.text.grams import normalize
from newsdesk.text.query import QueryTerm
from newsdesk.text.segment import segment

DOCUMENT_COLUMNS = "slug, key, published, category, title_norm"
DOCUMENT_VALUES = ":slug, :key, :published, :category, :title_norm"
DOCUMENT_ID = "(SELECT id FROM search_documents WHERE slug = :slug)"


@dataclass(frozen=True)
class IndexRow:
    """A document as stored: its fields cleaned, and cut to what is indexed."""

    slug: str
    key: str
    title: str
    summary: str
    body: str
    category: str | None
    published: int  # microseconds since the epoch
    tags: tuple[str, ...]
    labels: str  # tags, category and authors, one a line

    @property
    def columns(self) -> tuple[str, str, str, str]:
        """The four indexed columns, weighted in this order."""
        return (self.title, self.labels, self.summary, self.body)

    def document(self) -> dict[str, object]:
        """The values of DOCUMENT_COLUMNS."""
        return {
            "slug": self.slug,
            "key": self.key,
            "published": self.published,
            "category": self.category,
            "title_norm": normalize(self.title),
        }

    def words(self) -> list[list[str]]:
        return [segment(column, for_search=True) for column in self.columns]


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
