"""The JSON API under /api/v1: articles, taxonomies, search and views."""

import asyncio
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from newsdesk.publish.live import LiveSite
from newsdesk.publish.search import Found
from newsdesk.publish.snapshot import Snapshot
from newsdesk.site.catalog import Catalog, Entry, Term
from newsdesk.site.records import article_record, search_record
from newsdesk.store import views
from newsdesk.store.search import SearchQuery
from newsdesk.web import cursor
from newsdesk.web.beacons import Beacons
from newsdesk.web.http import JSON_TYPE, HTTPError, Reply, Request, json_body, read_body
from newsdesk.web.openapi import (
    DAILY_VIEWS_DAYS,
    DEFAULT_LIMIT,
    DEFAULT_SORT,
    MAX_LIMIT,
    MAX_OFFSET,
    SORTS,
    openapi_document,
)
from newsdesk.web.openapi_desk import with_desk
from newsdesk.web.router import Handler
from newsdesk.web.search_processes import SearchPool

MAX_QUERY = 200
# What each of SORTS orders by.
_SORTS: dict[str, Callable[[Entry], Any]] = {
    "published": lambda e: e.article.published.timestamp(),
    "updated": lambda e: (e.article.updated or e.article.published).timestamp(),
    "views": lambda e: e.article.views,
    "title": lambda e: e.article.title,
}
assert tuple(_SORTS) == SORTS, "the OpenAPI document lists other sorts than the API's"
# The articles' yes-or-no filters, in the order they are checked.
_FLAGS: dict[str, Callable[[Entry], bool]] = {
    "sticky": lambda e: e.article.sticky,
    "hot": lambda e: e.hot,
}
_TERM_FILTERS = (("category", "categories"), ("tag", "tags"), ("author", "authors"))
_NO_STORE = (b"cache-control", b"no-store")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class Api:
    def __init__(self, live: LiveSite, beacons: Beacons):
        self.live = live
        self.beacons = beacons
        self.config = live.config
        self.zone = live.content.zone
        self._openapi = json_body(with_desk(openapi_document(self.config.site.title)))
        # The whole catalog in each order asked for, sorted once per snapshot.
        self._orders: dict[str, list[Entry]] = {}
        self._orders_version = -1
        searching = self.config.search
        self.search_pool = SearchPool(searching.processes, searching.waiting, self._busy)

    # Handlers (see routes.py) ------------------------------------------------

    async def openapi(self, request: Request) -> Reply:
        return 200, [JSON_TYPE], self._openapi

    async def articles(self, request: Request) -> Reply:
        snapshot = self._snapshot()
        q = request.query
        entries = self._filtered(q, snapshot)
        sort = _sort(q)
        ordered = self._ordered(entries, snapshot, sort)
        limit = _integer(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        value_of = _SORTS[sort.removeprefix("-")]
        page, after = cursor.page(ordered, value_of, sort, limit, q.get("cursor"))
        return _ok(
            {
                "items": [article_record(e, snapshot.theme) for e in page],
                "total": len(ordered),
                "next_cursor": after,
            }
        )

    async def article(self, request: Request) -> Reply:
        snapshot = self._snapshot()
        entry = _entry(snapshot, request.params["slug"])
        data = article_record(entry, snapshot.theme)
        data["html"] = entry.html
        data["toc"] = [{"level": t.level, "text": t.text, "id": t.id} for t in entry.toc]
        data["related"] = [e.article.slug for e in snapshot.catalog.related(entry)]
        return _ok(data)

    async def views(self, request: Request) -> Reply:
        return _ok(await self._views(self._snapshot(), request.params["slug"]))

    async def count_view(self, request: Request) -> Reply:
        snapshot = self._snapshot()
        slug = request.params["slug"]
        await read_body(request)
        _entry(snapshot, slug)
        counted, total = await self.beacons.count(request, slug)
        return _ok({"slug": slug, "counted": counted, "views": snapshot.base_views[slug] + total})

    async def view_token(self, request: Request) -> Reply:
        slug = request.params["slug"]
        _entry(self._snapshot(), slug)
        return _ok(self.beacons.token(slug))

    def terms(self, group: str) -> Handler:
        """The handler listing one of the catalog's groups of terms."""

        async def terms(request: Request) -> Reply:
            snapshot = self._snapshot()
            terms: dict[str, Term] = getattr(snapshot.catalog, group)
            return _ok({"items": [_term(term, snapshot) for term in terms.values()]})

        return terms

    async def search(self, request: Request) -> Reply:
        return 200, [JSON_TYPE, _NO_STORE], await self._search_body(request, self._snapshot())

    async def not_found(self, request: Request) -> Reply:
        raise HTTPError(404, f"no such API endpoint: {request.path}")

    def _snapshot(self) -> Snapshot:
        snapshot = self.live.snapshot
        assert snapshot is not None, "the site is published before the server starts"
        return snapshot

    # Articles ------------------------------------------------------------

    def _filtered(self, q: dict[str, str], snapshot: Snapshot) -> list[Entry]:
        """The listed entries the query's filters keep (the catalog's own list when no
        filter applies, which _ordered keeps sorted)."""
        entries = _by_terms(q, snapshot.catalog)
        for name, flag in _FLAGS.items():
            if name in q:
                wanted = _boolean(q, name)
                entries = [e for e in entries if flag(e) == wanted]
        since, until = self._range(q)
        if since:
            entries = [e for e in entries if e.article.published >= since]
        if until:
            entries = [e for e in entries if e.article.published <= until]
        return entries

    def _ordered(self, entries: list[Entry], snapshot: Snapshot, sort: str) -> list[Entry]:
        """The entries in the sort's order: a total order (value, then slug), so that
        a cursor stays valid as articles come and go."""
        if sort == DEFAULT_SORT:  # the catalog's lists are kept in this order
            return entries
        whole = entries is snapshot.catalog.listed
        if whole:
            if self._orders_version != snapshot.version:
                self._orders_version, self._orders = snapshot.version, {}
            if sort in self._orders:
                return self._orders[sort]
        value_of = _SORTS[sort.removeprefix("-")]
        ordered = sorted(
            entries, key=lambda e: (value_of(e), e.article.slug), reverse=sort.startswith("-")
        )
        if whole:
            self._orders[sort] = ordered
        return ordered

    # Views ---------------------------------------------------------------

    async def _views(self, snapshot: Snapshot, slug: str) -> dict[str, Any]:
        _entry(snapshot, slug)
        today = datetime.now(self.zone).date()

        def read() -> tuple[int, list[tuple[date, int]]]:
            with self.live.engine.connect() as connection:
                total = views.view_total(connection, slug)
                return total, views.daily_views(connection, slug, DAILY_VIEWS_DAYS, today)

        total, daily = await asyncio.to_thread(read)
        return {
            "slug": slug,
            "views": snapshot.base_views[slug] + total,
            "counted": total,
            "daily": [{"date": day.isoformat(), "views": count} for day, count in daily],
        }

    # Search --------------------------------------------------------------

    async def search_results(self, request: Request, snapshot: Snapshot) -> dict[str, Any]:
        return _search_data(await self._found(request, snapshot), snapshot)

    async def _found(self, request: Request, snapshot: Snapshot) -> Found:
        query = self._search_query(request)
        found = self.live.searches.get(snapshot.version, query)
        if found is None:
            generation = self.live.search_index.current[0]
            shown = await self.search_pool.run(generation, self.live.searcher, query)
            found = self.live.found(query, shown, snapshot)
        return found

    def _busy(self) -> str:
        return self._snapshot().theme.locale.text("search_busy")

    async def _search_body(self, request: Request, snapshot: Snapshot) -> bytes:
        """The JSON of a search, made once per answer kept (popular queries repeat)."""
        found = await self._found(request, snapshot)
        if found.body is None:
            found.body = json_body(_search_data(found, snapshot))
        return found.body

    def _search_query(self, request: Request) -> SearchQuery:
        q = request.query
        since, until = self._range(q)
        return SearchQuery(
            text=q.get("q", "")[:MAX_QUERY],
            category=q.get("category") or None,
            tag=q.get("tag") or None,
            since=since,
            until=until,
            limit=_integer(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
            offset=_integer(q, "offset", 0, 0, MAX_OFFSET),
        )

    def _range(self, q: dict[str, str]) -> tuple[datetime | None, datetime | None]:
        since = self._date(q, "since", time.min)
        until = self._date(q, "until", time.max)
        return since, until

    def _date(self, q: dict[str, str], name: str, edge: time) -> datetime | None:
        value = q.get(name)
        if not value:
            return None
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), edge, self.zone)
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise HTTPError(400, f"{name} must be a date like 2026-01-31") from error
        return moment if moment.tzinfo else moment.replace(tzinfo=self.zone)


def _search_data(found: Found, snapshot: Snapshot) -> dict[str, Any]:
    items = [search_record(entry, hit, snapshot.theme) for entry, hit in found.hits]
    return {"query": found.query.text, "total": found.total, "items": items}


def _ok(data: dict[str, Any]) -> Reply:
    return 200, [JSON_TYPE, _NO_STORE], json_body(data)


def _entry(snapshot: Snapshot, slug: str) -> Entry:
    entry = snapshot.by_slug.get(slug)
    if entry is None:
        raise HTTPError(404, f"no article with slug {slug!r}")
    return entry


def _term(term: Term, snapshot: Snapshot) -> dict[str, Any]:
    return {
        "name": term.name,
        "slug": term.slug,
        "count": len(term.entries),
        "url": snapshot.theme.absolute(term.url),
    }


def _by_terms(q: dict[str, str], catalog: Catalog) -> list[Entry]:
    """The listed entries in every term the query names; filters combine, each
    narrowing the others."""
    entries = catalog.listed
    for name, group in _TERM_FILTERS:
        if q.get(name):
            term = _find_term(getattr(catalog, group), q[name])
            found = term.entries if term else []
            if entries is catalog.listed:
                entries = found
            else:
                chosen = {id(e) for e in found}
                entries = [e for e in entries if id(e) in chosen]
    return entries


def _sort(q: dict[str, str]) -> str:
    sort = q.get("sort", DEFAULT_SORT)
    if sort.removeprefix("-") not in _SORTS:
        choices = ", ".join(f"{name}, -{name}" for name in _SORTS)
        raise HTTPError(400, f"unknown sort {sort!r}; choose one of {choices}")
    return sort


def _find_term(group: dict[str, Term], value: str) -> Term | None:
    return group.get(value) or next((t for t in group.values() if t.slug == value), None)


def _boolean(q: dict[str, str], name: str) -> bool:
    value = q[name].lower()
    if value not in _BOOLEANS:
        raise HTTPError(400, f"{name} must be true or false")
    return _BOOLEANS[value]


def _integer(q: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    value = q.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise HTTPError(400, f"{name} must be a whole number from {low} to {high}")
    return int(value)
