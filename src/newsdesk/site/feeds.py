"""RSS 2.0, Atom 1.0 and JSON Feed 1.1, with each article's full content."""

import json
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from newsdesk.site.catalog import Entry

GENERATOR = "newsdesk"


def _time(moment: datetime) -> str:
    return moment.isoformat()


def rss(title: str, description: str, site_url: str, feed_url: str, language: str,
        entries: tuple[Entry, ...], absolute: "Absolute") -> str:  # fmt: skip
    items = []
    for entry in entries:
        a = entry.article
        link = absolute(a.url)
        categories = "".join(
            f"<category>{escape(name)}</category>" for name in ((a.category or ""), *a.tags) if name
        )
        author = f"<dc:creator>{escape(a.author.name)}</dc:creator>" if a.author else ""
        items.append(
            f"<item><title>{escape(a.title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="true">{escape(link)}</guid>'
            f"<pubDate>{format_datetime(a.published)}</pubDate>{author}{categories}"
            f"<description>{escape(a.summary)}</description>"
            f"<content:encoded>{escape(entry.html)}</content:encoded></item>"
        )
    newest = entries[0].article.published if entries else None
    updated = f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>" if newest else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(site_url)}</link>"
        f"<description>{escape(description)}</description>"
        f"<language>{escape(language)}</language><generator>{GENERATOR}</generator>{updated}"
        f'<atom:link href={quoteattr(feed_url)} rel="self" type="application/rss+xml"/>'
        + "".join(items)
        + "</channel></rss>\n"
    )


def atom(title: str, description: str, site_url: str, feed_url: str, language: str,
         entries: tuple[Entry, ...], absolute: "Absolute") -> str:  # fmt: skip
    items = []
    for entry in entries:
        a = entry.article
        link = absolute(a.url)
        authors = "".join(f"<author><name>{escape(x.name)}</name></author>" for x in a.authors)
        categories = "".join(
            f"<category term={quoteattr(name)}/>" for name in ((a.category or ""), *a.tags) if name
        )
        items.append(
            f"<entry><title>{escape(a.title)}</title><link href={quoteattr(link)}/>"
            f"<id>{escape(link)}</id><published>{_time(a.published)}</published>"
            f"<updated>{_time(a.updated or a.published)}</updated>{authors}{categories}"
            f"<summary>{escape(a.summary)}</summary>"
            f'<content type="html">{escape(entry.html)}</content></entry>'
        )
    newest = max((e.article.updated or e.article.published for e in entries), default=None)
    updated = _time(newest) if newest else "1970-01-01T00:00:00+00:00"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(language)}>'
        f"<title>{escape(title)}</title><subtitle>{escape(description)}</subtitle>"
        f"<link href={quoteattr(site_url)}/>"
        f'<link href={quoteattr(feed_url)} rel="self" type="application/atom+xml"/>'
        f"<id>{escape(feed_url)}</id><updated>{updated}</updated>"
        f"<generator>{GENERATOR}</generator>" + "".join(items) + "</feed>\n"
    )


def json_feed(title: str, description: str, site_url: str, feed_url: str, language: str,
              entries: tuple[Entry, ...], absolute: "Absolute") -> str:  # fmt: skip
    items = []
    for entry in entries:
        a = entry.article
        item: dict[str, object] = {
            "id": absolute(a.url),
            "url": absolute(a.url),
            "title": a.title,
            "summary": a.summary,
            "content_html": entry.html,
            "date_published": _time(a.published),
            "tags": [name for name in ((a.category or ""), *a.tags) if name],
            "authors": [{"name": x.name} for x in a.authors],
        }
        if a.updated:
            item["date_modified"] = _time(a.updated)
        if a.cover_image:
            item["image"] = absolute(a.cover_image)
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "description": description,
        "home_page_url": site_url,
        "feed_url": feed_url,
        "language": language,
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


class Absolute:
    """Site-relative URLs made absolute under the base URL; others kept as written."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")

    def __call__(self, url: str) -> str:
        return self.base + url if url.startswith("/") else url
