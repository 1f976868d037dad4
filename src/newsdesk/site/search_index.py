"""The static site's search index: one compact JSON document the search script
scans for substrings, so any Chinese query of any length finds what contains it."""

import json

from newsdesk.site.catalog import Entry

# Fields by position keep the file small: the script reads them the same way.
FIELDS = ("url", "title", "tags", "category", "summary", "published")


def search_index(entries: list[Entry], href: str) -> str:
    """`href` is the site's base path, prefixed to every URL."""
    rows = [
        [
            href + e.article.url.lstrip("/"),
            e.article.title,
            " ".join(e.article.tags),
            e.article.category or "",
            e.article.summary,
            e.article.published.date().isoformat(),
        ]
        for e in entries
    ]
    return json.dumps({"fields": FIELDS, "rows": rows}, ensure_ascii=False, separators=(",", ":"))
