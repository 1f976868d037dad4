"""RSS 2.0, Atom 1.0 and JSON Feed 1.1, with each article's full content."""

import json
import re
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit
from xml.sax import saxutils

from newsdesk.content.model import Article
from newsdesk.site.catalog import Entry

GENERATOR = "newsdesk"

# XML 1.0 cannot carry most C0 control characters, not even as character
# references: one in a title or a body would make the whole feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    return saxutils.escape(_NOT_XML.sub("", text))


def quoteattr(text: str) -> str:
    return saxutils.quoteattr(_NOT_XML.sub("", text))


@dataclass(frozen=True)
class Channel:
    """What a feed says about itself, whatever its format."""

    title: str
    description: str
    site_url: str
    feed_url: str
    language: str


def rss(channel: Channel, entries: tuple[Entry, ...], absolute: "Absolute") -> str:
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
        f"<title>{escape(channel.title)}</title><link>{escape(channel.site_url)}</link>"
        f"<description>{escape(channel.description)}</description>"
        f"<language>{escape(channel.language)}</language><generator>{GENERATOR}</generator>{updated}"
        f'<atom:link href={quoteattr(channel.feed_url)} rel="self" type="application/rss+xml"/>'
        + "".join(items)
        + "</channel></rss>\n"
    )


def atom(channel: Channel, entries: tuple[Entry, ...], absolute: "Absolute") -> str:
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
            f"<id>{escape(link)}</id><published>{a.published.isoformat()}</published>"
            f"<updated>{(a.updated or a.published).isoformat()}</updated>{authors}{categories}"
            f"<summary>{escape(a.summary)}</summary>"
            f'<content type="html">{escape(entry.html)}</content></entry>'
        )
    newest = max((e.article.updated or e.article.published for e in entries), default=None)
    updated = newest.isoformat() if newest else "1970-01-01T00:00:00+00:00"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(channel.language)}>'
        f"<title>{escape(channel.title)}</title><subtitle>{escape(channel.description)}</subtitle>"
        f"<link href={quoteattr(channel.site_url)}/>"
        f'<link href={quoteattr(channel.feed_url)} rel="self" type="application/atom+xml"/>'
        f"<id>{escape(channel.feed_url)}</id><updated>{updated}</updated>"
        f"<generator>{GENERATOR}</generator>" + "".join(items) + "</feed>\n"
    )


def json_feed(channel: Channel, entries: tuple[Entry, ...], absolute: "Absolute") -> str:
    items = []
    for entry in entries:
        a = entry.article
        item: dict[str, object] = {
            "id": absolute(a.url),
            "url": absolute(a.url),
            "title": a.title,
            "summary": a.summary,
            "content_html": entry.html,
            "date_published": a.published.isoformat(),
            "tags": [name for name in ((a.category or ""), *a.tags) if name],
            "authors": [{"name": x.name} for x in a.authors],
        }
        if a.updated:
            item["date_modified"] = a.updated.isoformat()
        if cover := cover_url(a):
            item["image"] = absolute(cover)
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "description": channel.description,
        "home_page_url": channel.site_url,
        "feed_url": channel.feed_url,
        "language": channel.language,
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


_IMAGE_SCHEMES = {"http", "https"}


def cover_url(article: Article) -> str:
    """The cover image's URL, site-relative (a relative path is relative to the
    article's page) or on the web; "" for any other scheme, as front matter may hold
    a `javascript:` or `data:` URL."""
    if not article.cover_image:
        return ""
    url = urljoin(article.url, article.cover_image)
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if urlsplit(url).scheme.lower() in _IMAGE_SCHEMES else ""


class Absolute:
    """Site-relative URLs made absolute under the base URL; others kept as written."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")

    def __call__(self, url: str) -> str:
        return self.base + url if url.startswith("/") else url
