"""The site's look: the Jinja templates and what they read, rendering any page plan."""

from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from newsdesk.render.diagrams import has_diagram
from newsdesk.site import feeds, seo
from newsdesk.site.assets import Asset, build_assets
from newsdesk.site.catalog import Catalog, Entry
from newsdesk.site.config import SiteConfig
from newsdesk.site.kinds import ErrorPage, Search
from newsdesk.site.locale import Locale
from newsdesk.site.pages import PagePlan
from newsdesk.site.pictures import offered, sized
from newsdesk.text.digest import bytes_digest, digest

_WEB_SCHEMES = {"http", "https", "mailto"}
LIVE_RELOAD_PATH = "/_live"
# What a served article page holds in place of its proof of a page view, filled in
# by the server as it answers (the page is rendered once, the token changes).
VIEW_TOKEN_SLOT = "view-token-slot"


def theme_version() -> str:
    """Changes when any template or static file changes (a fetched library, in a
    folder of its own, changes the URL of its asset instead)."""
    root = resources.files("newsdesk.site")
    return bytes_digest(
        b"".join(
            item.name.encode() + item.read_bytes()
            for folder in ("templates", "static")
            for item in sorted((root / folder).iterdir(), key=lambda i: i.name)
            if item.is_file()
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
        self.base_path = config.site.base_path
        self.host = urlsplit(config.site.base_url).hostname
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
        env.filters["share"] = seo.share_image
        env.globals["cover_image"] = self.cover_image
        env.globals["card_image"] = self.card_image
        env.globals["thumbnail_image"] = self.thumbnail_image
        env.filters["date"] = self.locale.date
        env.filters["number"] = self.locale.number
        env.globals["t"] = self.locale.text
        env.globals["site"] = config.site
        env.globals["menu"] = config.menu
        env.globals["asset"] = lambda name: self.href(self.assets[name].url)
        env.globals["draws_diagrams"] = self.draws_diagrams
        env.globals["absolute"] = self.absolute
        env.globals["catalog"] = catalog
        env.globals["term_url"] = self.term_url
        env.globals["groups"] = catalog.groups
        env.globals["beacon_url"] = self.beacon_url
        # Only pages counted by their own server carry a token; the static build's
        # ask the counting server for one (site.js).
        env.globals["view_token"] = VIEW_TOKEN_SLOT if beacon == "" else ""
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

    def draws_diagrams(self, body: str) -> bool:
        """Whether a page with this body loads the diagram scripts."""
        return "diagrams.js" in self.assets and has_diagram(body)

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

    def cover_image(self, entry: Entry) -> Markup:
        """The cover at the top of an article's page: sized and offered in smaller
        versions when it is an image beside the article; loaded first."""
        url = self.cover(entry)
        img = (
            f'<img src="{escape(url)}" alt="{escape(entry.article.title)}"'
            f' fetchpriority="high" decoding="async"{self._referrer(url)}>'
        )
        shown = entry.picture
        if shown is not None:
            img = offered(sized(img, shown), shown, self.href)
        return Markup(img)

    def thumbnail(self, entry: Entry) -> str:
        """The URL of the cover's thumbnail on article lists ("" for none): cropped to
        the card's size when the cover is an image beside the article."""
        shown = entry.picture
        return self.href(shown.card) if shown is not None and shown.card else self.cover(entry)

    def card_image(self, entry: Entry) -> Markup:
        """The cover's thumbnail on an article's card."""
        cropped = entry.picture is not None and bool(entry.picture.card)
        return self.thumbnail_image(self.thumbnail(entry), cropped)

    def thumbnail_image(self, url: str, cropped: bool = False) -> Markup:
        """A card's thumbnail at `url`; `cropped`: the cover's card-size variant, whose
        size is known."""
        size = ""
        if cropped:
            images = self.config.images
            size = f' width="{images.card_width}" height="{images.card_height}"'
        return Markup(
            f'<img class="card-cover" src="{escape(url)}" alt=""{size} loading="lazy"'
            f' decoding="async"{self._referrer(url)}>'
        )

    def _referrer(self, url: str) -> str:
        return ' referrerpolicy="no-referrer"' if self.remote(url) else ""

    def remote(self, url: str) -> bool:
        """Whether the URL is another host's: its images are asked for without a
        referrer, which platforms that refuse foreign referrers (图片防盗链) require."""
        host = urlsplit(url).hostname
        return host is not None and host != self.host

    def term_url(self, kind: str, name: str) -> str | None:
        term = self.catalog.term(kind, name)
        return self.href(term.url) if term else None

    def render(self, plan: PagePlan) -> bytes:
        return plan.kind.render(self, plan)

    def html(self, template: str, plan: PagePlan, context: dict[str, Any]) -> bytes:
        """A page through `template`, which reads `context` beside the plan and the
        page's canonical URL."""
        page = self.env.get_template(template)
        return page.render(context, plan=plan, canonical=self.absolute(plan.url)).encode()

    def search_page(self, query: str, found: dict[str, Any] | None) -> bytes:
        """The server's search page: its results, in the page (`found` is the API's)."""
        return self.render(PagePlan("/search/", Search(served=True, query=query, found=found), ""))

    def error_page(self, status: int, message: str) -> bytes:
        return self.render(PagePlan("/", ErrorPage(status, message), ""))


def _bytecode_cache(folder: Path | None) -> FileSystemBytecodeCache | None:
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))
