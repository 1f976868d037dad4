"""Articles as JSON records, the same for the API and `newsdesk search --json`."""

from typing import Any
from urllib.parse import urlsplit

from newsdesk.content.model import Author
from newsdesk.site.catalog import Entry
from newsdesk.site.search_hits import HighlightedHit
from newsdesk.site.theme import Theme

# Relative links and web ones; clients put these into pages as they are.
_LINK_SCHEMES = {"", "http", "https", "mailto"}


def article_record(entry: Entry, theme: Theme) -> dict[str, Any]:
    a = entry.article
    return {
        "slug": a.slug,
        "url": theme.absolute(a.url),
        "path": theme.href(a.url),
        "title": a.title,
        "summary": a.summary,
        "category": a.category,
        "tags": list(a.tags),
        "authors": [author_record(author) for author in a.authors],
        "published": a.published.isoformat(),
        "updated": a.updated.isoformat() if a.updated else None,
        "cover_image": theme.cover(entry) or None,
        "thumbnail": theme.thumbnail(entry) or None,
        "sticky": a.sticky,
        "hot": entry.hot,
        "views": a.views,
        "read_minutes": a.read_minutes,
    }


def search_record(entry: Entry, hit: HighlightedHit, theme: Theme) -> dict[str, Any]:
    record = article_record(entry, theme)
    record.update(title_html=hit.title_html, snippet_html=hit.snippet_html, score=hit.score)
    return record


def author_record(author: Author) -> dict[str, str]:
    """The author's fields without a link a browser would run (`javascript:`, `data:`),
    which front matter may hold."""
    record = author.to_json()
    for key in ("url", "avatar"):
        if key in record and urlsplit(record[key]).scheme.lower() not in _LINK_SCHEMES:
            del record[key]
    return record
