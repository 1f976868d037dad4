"""Articles as JSON records, the same for the API and `newsdesk search --json`."""

from typing import Any

from newsdesk.site.catalog import Entry
from newsdesk.site.theme import Theme
from newsdesk.store.search import SearchHit


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
        "authors": [author.to_json() for author in a.authors],
        "published": a.published.isoformat(),
        "updated": a.updated.isoformat() if a.updated else None,
        "cover_image": theme.cover(entry) or None,
        "sticky": a.sticky,
        "hot": entry.hot,
        "views": a.views,
        "read_minutes": a.read_minutes,
    }


def search_record(entry: Entry, hit: SearchHit, theme: Theme) -> dict[str, Any]:
    record = article_record(entry, theme)
    record.update(title_html=hit.title_html, snippet_html=hit.snippet_html, score=hit.score)
    return record
