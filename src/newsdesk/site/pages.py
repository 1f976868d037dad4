"""Every page of the site as a plan (its URL, what it shows and a key that changes
whenever its output would), and the models the templates render."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from newsdesk.site.catalog import Catalog, Entry, Term
from newsdesk.text.digest import digest

FEED_FORMATS = ("rss", "atom", "json")
FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    newer_url: str | None
    older_url: str | None


@dataclass(frozen=True)
class PagePlan:
    """One output file. `kind` names the renderer; `key` fingerprints its inputs."""

    url: str
    kind: str
    key: str
    title: str = ""
    entries: tuple[Entry, ...] = ()
    term: Term | None = None
    pagination: Pagination | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def output_path(self) -> str:
        """The file that holds this page, relative to the output folder."""
        path = self.url.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path


def page_url(base: str, page: int) -> str:
    return base if page == 1 else f"{base}page/{page}/"


def paginate(entries: list[Entry], size: int) -> Iterator[tuple[list[Entry], int, int]]:
    pages = max(1, -(-len(entries) // size))
    for page in range(1, pages + 1):
        yield entries[(page - 1) * size : page * size], page, pages


def plan_site(catalog: Catalog, page_size: int, feed_items: int) -> list[PagePlan]:
    """Every page: the lists, feeds and indexes, then one page per article."""
    plans = plan_lists(catalog, page_size, feed_items)
    plans.extend(plan_article(catalog, entry) for entry in catalog.entries)
    return plans


def plan_lists(catalog: Catalog, page_size: int, feed_items: int) -> list[PagePlan]:
    """Every page but the articles' own (the server plans those when asked)."""
    plans: list[PagePlan] = []
    sticky_ids = {id(e) for e in catalog.sticky}
    latest = [e for e in catalog.listed if id(e) not in sticky_ids]
    front = (tuple(e.card_key for e in catalog.sticky), tuple(e.card_key for e in catalog.hot))
    plans.extend(_lists("home", "/", "", latest, page_size, front))
    plans.extend(plan_feeds("/", "", catalog.listed[:feed_items]))
    for group in catalog.groups.values():
        for term in group.values():
            plans.extend(_lists(term.kind, term.url, term.name, term.entries, page_size, (), term))
            plans.extend(plan_feeds(term.url, term.name, term.entries[:feed_items], term))
        kind = next(iter(group.values())).kind if group else ""
        if kind:
            counts = tuple((t.name, t.slug, len(t.entries)) for t in group.values())
            plans.append(
                PagePlan(f"/{kind}/", f"{kind}-index", digest(counts), extra={"kind": kind})
            )
    for term in catalog.months.values():
        plans.extend(_lists("month", term.url, term.slug, term.entries, page_size, (), term))
    months = tuple((y, m, len(t.entries)) for (y, m), t in catalog.months.items())
    plans.append(PagePlan("/archives/", "archives-index", digest(months)))
    cards = tuple(e.card_key for e in catalog.listed)
    plans.append(PagePlan("/search/", "search", ""))
    indexed = tuple(e.index_key for e in catalog.listed)
    plans.append(PagePlan("/search/index.json", "search-index", digest(indexed)))
    plans.append(PagePlan("/404.html", "not-found", ""))
    # Article URLs are part of their cards.
    plans.append(PagePlan("/sitemap.xml", "sitemap", digest(cards, tuple(p.url for p in plans))))
    plans.append(PagePlan("/robots.txt", "robots", ""))
    return plans


def _lists(
    kind: str,
    base: str,
    title: str,
    entries: list[Entry],
    size: int,
    front: tuple[Any, ...],
    term: Term | None = None,
) -> Iterator[PagePlan]:
    for chunk, page, pages in paginate(entries, size):
        newer = page_url(base, page - 1) if page > 1 else None
        older = page_url(base, page + 1) if page < pages else None
        cards = tuple(e.card_key for e in chunk)
        yield PagePlan(
            page_url(base, page),
            kind,
            digest(kind, title, page, pages, cards, front if page == 1 else ()),
            title=title,
            entries=tuple(chunk),
            term=term,
            pagination=Pagination(page, pages, newer, older),
        )


def plan_feeds(
    base: str, title: str, entries: list[Entry], term: Term | None = None
) -> Iterator[PagePlan]:
    """The feeds of one list in every format (each holds full articles)."""
    key = digest(title, tuple(e.key for e in entries))
    for form in FEED_FORMATS:
        yield PagePlan(
            base + FEED_FILES[form],
            f"feed-{form}",
            key,
            title=title,
            entries=tuple(entries),
            term=term,
        )


def plan_article(catalog: Catalog, entry: Entry) -> PagePlan:
    related = catalog.related(entry) if not entry.article.unlisted else []
    return article_plan(entry, catalog.newer(entry), catalog.older(entry), related)


def article_plan(
    entry: Entry, newer: Entry | None, older: Entry | None, related: list[Entry]
) -> PagePlan:
    """An article's page, beside the articles it links to."""
    neighbours = tuple(e.card_key if e else None for e in (newer, older, *related))
    return PagePlan(
        entry.article.url,
        "article",
        digest(entry.key, neighbours),
        title=entry.article.title,
        entries=(entry,),
        extra={"newer": newer, "older": older, "related": related},
    )
