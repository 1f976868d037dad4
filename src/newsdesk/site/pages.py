"""Every page of the site as a plan (its URL, what it shows and a key that changes
whenever its output would), and the models the templates render."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from newsdesk.site.catalog import Catalog, Entry, Term
from newsdesk.site.kinds import (
    FEEDS,
    ArchivesIndex,
    ArticlePage,
    Home,
    ListPage,
    MonthList,
    NotFound,
    PageKind,
    Robots,
    Search,
    Sitemap,
    TermList,
    TermsIndex,
)
from newsdesk.text.digest import digest


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    newer_url: str | None
    older_url: str | None
    items: int  # in the whole list


@dataclass(frozen=True)
class PagePlan:
    """One output file. `kind` is what page it is; `key` fingerprints its inputs."""

    url: str
    kind: PageKind
    key: str
    title: str = ""
    entries: tuple[Entry, ...] = ()
    term: Term | None = None
    pagination: Pagination | None = None

    @property
    def output_path(self) -> str:
        """The file that holds this page, relative to the output folder."""
        path = self.url.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path


def page_url(base: str, page: int) -> str:
    return base if page == 1 else f"{base}page/{page}/"


def page_count(items: int, size: int) -> int:
    """Pages of a list of `items` at `size` a page (an empty list still has one)."""
    return max(1, -(-items // size))


def paginate(entries: list[Entry], size: int) -> Iterator[tuple[list[Entry], int, int]]:
    pages = page_count(len(entries), size)
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
    plans.extend(_lists(Home(), "/", "", latest, page_size, front_key(catalog)))
    plans.extend(plan_feeds("/", "", catalog.listed[:feed_items]))
    for taxonomy, group in catalog.groups.items():
        for term in group.values():
            listed = TermList(term.kind)
            plans.extend(_lists(listed, term.url, term.name, term.entries, page_size, (), term))
            plans.extend(plan_feeds(term.url, term.name, term.entries[:feed_items], term))
        # The menu links to every taxonomy's index, so it exists even with no terms.
        counts = tuple((t.name, t.slug, len(t.entries)) for t in group.values())
        plans.append(terms_plan(TermsIndex(taxonomy, counts)))
    for term in catalog.months.values():
        plans.extend(_lists(MonthList(), term.url, term.slug, term.entries, page_size, (), term))
    months = tuple((y, m, len(t.entries)) for (y, m), t in catalog.months.items())
    plans.append(PagePlan("/archives/", ArchivesIndex(), digest(months)))
    plans.append(PagePlan("/search/", Search(), ""))
    plans.append(PagePlan("/404.html", NotFound(), ""))
    dated = tuple((e.article.url, e.article.updated or e.article.published) for e in catalog.listed)
    plans.append(PagePlan("/sitemap.xml", Sitemap(), digest(dated, tuple(p.url for p in plans))))
    plans.append(PagePlan("/robots.txt", Robots(), ""))
    return plans


def _lists(
    kind: ListPage,
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
        pagination = Pagination(page, pages, newer, older, len(entries))
        yield list_plan(page_url(base, page), kind, title, chunk, pagination, front, term)


def list_plan(
    url: str,
    kind: ListPage,
    title: str,
    entries: Sequence[Entry],
    pagination: Pagination,
    front: tuple[Any, ...],
    term: Term | None,
) -> PagePlan:
    """One page of a list; `front`: what the site's front page shows beside it (only
    its first page shows it)."""
    page, pages = pagination.page, pagination.pages
    cards = tuple(e.card_key for e in entries)
    return PagePlan(
        url,
        kind,
        digest(kind.name, title, page, pages, pagination.items, cards, front if page == 1 else ()),
        title=title,
        entries=tuple(entries),
        term=term,
        pagination=pagination,
    )


def front_key(catalog: Catalog) -> tuple[Any, ...]:
    """What the front page shows beside its latest articles: the sticky articles'
    cards, and the hot ones' links and views."""
    return (
        tuple(e.card_key for e in catalog.sticky),
        tuple((e.link_key, e.article.views) for e in catalog.hot),
    )


def terms_plan(kind: TermsIndex) -> PagePlan:
    return PagePlan(f"/{kind.taxonomy}/", kind, digest(kind.terms))


def plan_feeds(
    base: str, title: str, entries: list[Entry], term: Term | None = None
) -> Iterator[PagePlan]:
    """The feeds of one list in every format (each holds full articles)."""
    key = digest(title, tuple(e.key for e in entries))
    for feed in FEEDS:
        yield PagePlan(
            base + feed.file,
            feed,
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
    neighbours = tuple(e.link_key if e else None for e in (newer, older, *related))
    return PagePlan(
        entry.article.url,
        ArticlePage(newer, older, tuple(related)),
        digest(entry.key, neighbours),
        title=entry.article.title,
        entries=(entry,),
    )
