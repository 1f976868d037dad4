"""The static site's search index: one compact JSON document the search script
scans for substrings, so any Chinese query of any length finds what contains it.

It holds titles, tags, categories, summaries and section headings, not whole
bodies: 10,000 articles stay a few megabytes. The server searches full text."""

import json

from newsdesk.site.catalog import Entry

# Fields by position keep the file small: the script reads them the same way.
FIELDS = ("url", "title", "tags", "category", "summary", "headings", "published")


def search_index(entries: list[Entry], href: str) -> str:
    """`href` is the site's base path, prefixed to every URL."""
    rows = [
        [
            href + e.article.url.lstrip("/"),
            e.article.title,
            " ".join(e.article.tags),
            e.article.category or "",
            e.article.summary,
            " ".join(item.text for item in e.toc),
            e.article.published.date().isoformat(),
        ]
        for e in entries
    ]
    return json.dumps({"fields": FIELDS, "rows": rows}, ensure_ascii=False, separators=(",", ":"))
