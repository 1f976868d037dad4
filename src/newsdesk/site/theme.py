"""Page plans rendered to bytes: HTML through the Jinja templates, feeds, sitemap."""

from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup

from newsdesk.site import feeds, seo
from newsdesk.site.assets import Asset, build_assets
from newsdesk.site.catalog import Catalog, Entry
from newsdesk.site.config import SiteConfig
from newsdesk.site.locale import Locale
from newsdesk.site.pages import PagePlan
from newsdesk.site.search_index import search_index
from newsdesk.text.digest import bytes_digest, digest

_FEEDS = {"feed-rss": feeds.rss, "feed-atom": feeds.atom, "feed-json": feeds.json_feed}
_WEB_SCHEMES = {"http", "https", "mailto"}
LIVE_RELOAD_PATH = "/_live"
_LIST_HEADINGS = {"categories": "category_title", "tags": "tag_title", "authors": "author_title"}


def theme_version() -> str:
    """Changes when any template or static file changes."""
    root = resources.files("newsdesk.site")
    return bytes_digest(
        b"".join(
            item.name.encode() + item.read_bytes()
            for folder in ("templates", "static")
            for item in sorted((root / folder).iterdir(), key=lambda i: i.name)
        )
    )


class Theme:
    """Renders any page of one catalog under one configuration."""

    def __init__(
        self,
        config: SiteConfig,
        catalog: Catalog,
        beacon: str | None = None,
        live_reload: bool = False,
        compiled_templates: Path | None = None,
    ):
        """`beacon` is the origin of the server that counts views ("" for the page's
        own); None sends no beacon. `live_reload` makes pages reload on change.
        `compiled_templates`: a folder to keep compiled templates in between runs
        (compiling them is a noticeable part of a server's start)."""
        self.config = config
        self.catalog = catalog
        self.locale = Locale(config.site.language)
        self.assets: dict[str, Asset] = build_assets(config)
        self.absolute = feeds.Absolute(config.site.base_url)
        self.base_path = urlsplit(config.site.base_url).path.rstrip("/") + "/"
        self.key = digest(
            config, theme_version(), {n: a.url for n, a in self.assets.items()}, beacon, live_reload
        )
        env = Environment(
            loader=PackageLoader("newsdesk.site", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=StrictUndefined,
            bytecode_cache=_bytecode_cache(compiled_templates),
        )
        env.filters["href"] = self.href
        env.filters["cover"] = self.cover
        env.filters["date"] = self.locale.date
        env.filters["number"] = self.locale.number
        env.globals["t"] = self.locale.text
        env.globals["site"] = config.site
        env.globals["menu"] = config.menu
        env.globals["asset"] = lambda name: self.href(self.assets[name].url)
        env.globals["absolute"] = self.absolute
        env.globals["catalog"] = catalog
        env.globals["term_url"] = self.term_url
        env.globals["groups"] = catalog.groups
        env.globals["beacon_url"] = self.beacon_url
        env.globals["live_reload_url"] = self.href(LIVE_RELOAD_PATH) if live_reload else ""
        self.beacon = beacon
        self.env = env
        # An article's card appears in about seven lists (home, tags, category,
        # author, month): rendered once, reused by every list page.
        self._card_macro = env.get_template("macros.html").module.card  # type: ignore[attr-defined]
        self._cards: dict[tuple[int, int], Markup] = {}
        env.globals["card"] = self.card

    def card(self, entry: Entry, level: int = 2) -> Markup:
        key = (id(entry), level)
        found = self._cards.get(key)
        if found is None:
            found = self._cards[key] = self._card_macro(entry, level)
        return found

    def beacon_url(self, slug: str) -> str:
        if self.beacon is None:
            return ""
        path = f"/api/v1/articles/{quote(slug, safe='')}/views"
        return self.beacon.rstrip("/") + path if self.beacon else self.href(path)

    def href(self, url: str) -> str:
        """A site-relative URL under the site's base path; other URLs only when their
        scheme is a web one (a front matter value may hold `javascript:`)."""
        if url.startswith("/") and not url.startswith("//"):
            return self.base_path + url.lstrip("/")
        return url if urlsplit(url).scheme.lower() in _WEB_SCHEMES else ""

    def cover(self, entry: Entry) -> str:
        """The cover image's URL under the site's base path."""
        return self.href(feeds.cover_url(entry.article))

    def term_url(self, kind: str, name: str) -> str | None:
        term = self.catalog.term(kind, name)
        return self.href(term.url) if term else None

    def render(self, plan: PagePlan) -> bytes:
        if plan.kind in _FEEDS:
            return self._feed(plan).encode()
        if plan.kind == "sitemap":
            return seo.sitemap(self._sitemap_urls(), self.absolute).encode()
        if plan.kind == "robots":
            return seo.robots(self.absolute).encode()
        if plan.kind == "search-index":
            return search_index(self.catalog.listed, self.base_path).encode()
        return self._html(plan).encode()

    def _html(self, plan: PagePlan) -> str:
        context: dict[str, Any] = {"plan": plan, "canonical": self.absolute(plan.url)}
        if plan.kind == "article":
            entry = plan.entries[0]
            template = "article.html"
            context["entry"] = entry
            context["jsonld"] = seo.news_article(
                entry, self.config.site.title, self.config.site.language, self.absolute
            )
            context.update(plan.extra)
        elif plan.kind.endswith("-index"):
            template = f"{plan.kind}.html" if plan.kind == "archives-index" else "terms.html"
            context["kind"] = plan.extra.get("kind", "")
        elif plan.kind == "search":
            template = "search.html"
            context.update(served=False, query="", found=None)
        elif plan.kind == "not-found":
            template = "not-found.html"
        else:
            template = "list.html"
            context["heading"] = self._list_heading(plan)
        return self.env.get_template(template).render(context)

    def search_page(self, query: str, found: dict[str, Any] | None) -> str:
        """The server's search page: its results, in the page (`found` is the API's)."""
        context = {
            "plan": PagePlan("/search/", "search", ""),
            "canonical": self.absolute("/search/"),
            "served": True,
            "query": query,
            "found": found,
        }
        return self.env.get_template("search.html").render(context)

    def error_page(self, status: int, message: str) -> str:
        context = {
            "plan": PagePlan("/", "error", ""),
            "canonical": self.absolute("/"),
            "status": status,
            "message": message,
        }
        return self.env.get_template("error.html").render(context)

    def _list_heading(self, plan: PagePlan) -> str:
        if plan.kind == "home":
            return self.locale.text("latest")
        if plan.kind == "month":
            year, month = plan.title.split("/")
            return self.locale.text("month_title", year=int(year), month=int(month))
        return self.locale.text(_LIST_HEADINGS[plan.kind], name=plan.title)

    def _feed(self, plan: PagePlan) -> str:
        site = self.config.site
        title = f"{plan.title} · {site.title}" if plan.title else site.title
        home = self.absolute(plan.term.url if plan.term else "/")
        channel = feeds.Channel(
            title, site.description, home, self.absolute(plan.url), site.language
        )
        return _FEEDS[plan.kind](channel, plan.entries, self.absolute)

    def _sitemap_urls(self) -> list[tuple[str, str | None]]:
        urls: list[tuple[str, str | None]] = [("/", None)]
        for entry in self.catalog.listed:
            modified = entry.article.updated or entry.article.published
            urls.append((entry.article.url, modified.date().isoformat()))
        for group in self.catalog.groups.values():
            urls.extend((term.url, None) for term in group.values())
        return urls


def _bytecode_cache(folder: Path | None) -> FileSystemBytecodeCache | None:
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))
