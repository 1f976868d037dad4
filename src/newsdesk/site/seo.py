"""What search engines read: sitemap.xml, robots.txt and NewsArticle JSON-LD."""

from typing import Any
from xml.sax.saxutils import escape

from newsdesk.site.catalog import Entry
from newsdesk.site.feeds import Absolute, cover_url


def sitemap(urls: list[tuple[str, str | None]], absolute: Absolute) -> str:
    """`urls` are (site-relative URL, last modified ISO date or None)."""
    rows = []
    for url, modified in urls:
        lastmod = f"<lastmod>{modified}</lastmod>" if modified else ""
        rows.append(f"<url><loc>{escape(absolute(url))}</loc>{lastmod}</url>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(rows)
        + "</urlset>\n"
    )


def robots(absolute: Absolute) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {absolute('/sitemap.xml')}\n"


def share_image(entry: Entry) -> str:
    """The image social sites and search engines show for the article (site-relative
    or another site's URL; "" for none): a version of its cover at most
    [images] share_width wide, when the cover is an image beside the article."""
    if entry.picture is not None:
        return entry.picture.share
    return cover_url(entry.article)


def news_article(
    entry: Entry, site_title: str, language: str, absolute: Absolute
) -> dict[str, Any]:
    a = entry.article
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "datePublished": a.published.isoformat(),
        "dateModified": (a.updated or a.published).isoformat(),
        "mainEntityOfPage": absolute(a.url),
        "url": absolute(a.url),
        "publisher": {"@type": "Organization", "name": site_title},
        "inLanguage": language,
        "keywords": list(a.tags),
    }
    if a.authors:
        data["author"] = [{"@type": "Person", "name": x.name} for x in a.authors]
    if shared := share_image(entry):
        data["image"] = [absolute(shared)]
    if a.category:
        data["articleSection"] = a.category
    return data
