"""What search works on: an article as a search document, a query, its hits and
results, and a document cleaned and cut to what is indexed (the in-memory index
itself is newsdesk.store.search_engine)."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from newsdesk.content.model import Article


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


# Longer fields are indexed and kept up to here: 40,000 characters take over two
# hours to read, and one pasted huge page cannot take the memory of thousands.
MAX_TITLE_CHARS = 500
MAX_LABELS_CHARS = 2_000
MAX_SUMMARY_CHARS = 2_000
MAX_BODY_CHARS = 40_000
# Tags and categories are cut here when indexed and when filtered by.
MAX_NAME_CHARS = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates


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
