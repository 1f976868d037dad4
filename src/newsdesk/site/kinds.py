"""Page kinds: what a page is, how the theme renders it and the type it is sent as."""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsdesk.site import feeds, seo
from newsdesk.site.catalog import Entry

if TYPE_CHECKING:
    from newsdesk.site.pages import PagePlan
    from newsdesk.site.theme import Theme

_HTML = "text/html; charset=utf-8"
_TERM_HEADINGS = {"categories": "category_title", "tags": "tag_title", "authors": "author_title"}


class PageKind(ABC):
    """A kind of page. A new kind is one subclass, planned in `pages`."""

    content_type: str

    @abstractmethod
    def render(self, theme: "Theme", plan: "PagePlan") -> bytes:
        """The page's content."""


class HtmlPage(PageKind):
    """A page made by one template, from the plan and the kind's own context."""

    content_type = _HTML
    template: str

    def context(self, theme: "Theme", plan: "PagePlan") -> dict[str, Any]:
        """What the template reads beside the plan and the page's canonical URL."""
        return {}

    def render(self, theme: "Theme", plan: "PagePlan") -> bytes:
        return theme.html(self.template, plan, self.context(theme, plan))


class ListPage(HtmlPage):
    """One page of a list of article cards."""

    template = "list.html"
    front = False  # the site's front page: the sticky and hot articles beside the latest
    term_feed = False  # links the feed of the list's term

    @property
    @abstractmethod
    def name(self) -> str:
        """The list's name in its pages' keys."""

    @abstractmethod
    def heading(self, theme: "Theme", plan: "PagePlan") -> str:
        """The list's heading."""

    def context(self, theme: "Theme", plan: "PagePlan") -> dict[str, Any]:
        return {"heading": self.heading(theme, plan)}


@dataclass(frozen=True)
class Home(ListPage):
    """The latest articles, the first page with the sticky and hot ones."""

    name = "home"
    front = True

    def heading(self, theme: "Theme", plan: "PagePlan") -> str:
        return theme.locale.text("latest")


@dataclass(frozen=True)
class TermList(ListPage):
    """The articles of one category, tag or author (`taxonomy` is the group's name)."""

    taxonomy: str
    term_feed = True

    @property
    def name(self) -> str:
        return self.taxonomy

    def heading(self, theme: "Theme", plan: "PagePlan") -> str:
        return theme.locale.text(_TERM_HEADINGS[self.taxonomy], name=plan.title)


@dataclass(frozen=True)
class MonthList(ListPage):
    """The articles published in one month (the plan's title is `year/month`)."""

    name = "month"

    def heading(self, theme: "Theme", plan: "PagePlan") -> str:
        year, month = plan.title.split("/")
        return theme.locale.text("month_title", year=int(year), month=int(month))


@dataclass(frozen=True)
class TermsIndex(HtmlPage):
    """Every term of one taxonomy: (name, slug, article count), most articles first."""

    taxonomy: str
    terms: tuple[tuple[str, str, int], ...]
    template = "terms.html"

    def context(self, theme: "Theme", plan: "PagePlan") -> dict[str, Any]:
        return {"taxonomy": self.taxonomy, "terms": self.terms}


@dataclass(frozen=True)
class ArchivesIndex(HtmlPage):
    """Every month with articles, by year."""

    template = "archives-index.html"


@dataclass(frozen=True)
class ArticlePage(HtmlPage):
    """An article's own page (the plan's only entry), linking to the articles
    published next to it and to related ones."""

    newer: Entry | None
    older: Entry | None
    related: tuple[Entry, ...]
    template = "article.html"

    def context(self, theme: "Theme", plan: "PagePlan") -> dict[str, Any]:
        entry = plan.entries[0]
        site = theme.config.site
        jsonld = seo.news_article(entry, site.title, site.language, theme.absolute)
        return {
            "entry": entry,
            "jsonld": jsonld,
            "newer": self.newer,
            "older": self.older,
            "related": self.related,
        }


@dataclass(frozen=True)
class Search(HtmlPage):
    """The search page: searched in the browser from the static index, or `served`
    with the server's results (`found`, as the API answers) for `query`."""

    served: bool = False
    query: str = ""
    found: dict[str, Any] | None = None
    template = "search.html"

    def context(self, theme: "Theme", plan: "PagePlan") -> dict[str, Any]:
        return {"served": self.served, "query": self.query, "found": self.found}


@dataclass(frozen=True)
class NotFound(HtmlPage):
    """The page sent for a URL no page has."""

    template = "not-found.html"


@dataclass(frozen=True)
class ErrorPage(HtmlPage):
    """The server's page for a failed request."""

    status: int
    message: str
    template = "error.html"

    def context(self, theme: "Theme", plan: "PagePlan") -> dict[str, Any]:
        return {"status": self.status, "message": self.message}


FeedWriter = Callable[[feeds.Channel, tuple[Entry, ...], feeds.Absolute], str]


@dataclass(frozen=True)
class Feed(PageKind):
    """A list's feed in one format, in `file` under the list's URL."""

    file: str
    content_type: str
    write: FeedWriter

    def render(self, theme: "Theme", plan: "PagePlan") -> bytes:
        site = theme.config.site
        title = f"{plan.title} · {site.title}" if plan.title else site.title
        home = theme.absolute(plan.term.url if plan.term else "/")
        channel = feeds.Channel(
            title, site.description, home, theme.absolute(plan.url), site.language
        )
        return self.write(channel, plan.entries, theme.absolute).encode()


FEEDS = (
    Feed("feed.xml", "application/rss+xml; charset=utf-8", feeds.rss),
    Feed("atom.xml", "application/atom+xml; charset=utf-8", feeds.atom),
    Feed("feed.json", "application/feed+json; charset=utf-8", feeds.json_feed),
)


@dataclass(frozen=True)
class Sitemap(PageKind):
    """The home page, every listed article and every term's list."""

    content_type = "application/xml; charset=utf-8"

    def render(self, theme: "Theme", plan: "PagePlan") -> bytes:
        catalog = theme.catalog
        urls: list[tuple[str, str | None]] = [("/", None)]
        for entry in catalog.listed:
            modified = entry.article.updated or entry.article.published
            urls.append((entry.article.url, modified.date().isoformat()))
        # By URL, not by size: a term's count changing leaves the sitemap as it is.
        terms = (term.url for group in catalog.groups.values() for term in group.values())
        urls.extend((url, None) for url in sorted(terms))
        return seo.sitemap(urls, theme.absolute).encode()


@dataclass(frozen=True)
class Robots(PageKind):
    """robots.txt: everything allowed, and where the sitemap is."""

    content_type = "text/plain; charset=utf-8"

    def render(self, theme: "Theme", plan: "PagePlan") -> bytes:
        return seo.robots(theme.absolute).encode()
