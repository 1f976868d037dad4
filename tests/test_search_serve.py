"""Search as the server runs it, in-process on each database: one ranking per query
whatever page is asked for, the index following edits and deletions, and a quick 503
with Retry-After once every search slot is taken; the index read back on a restart."""

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from newsdesk.store.search import SearchQuery
from newsdesk.store.search_engine import RankingKey
from newsdesk.store.state import search_index_file
from tests.asgi import InProcess, serving
from tests.conftest import DEMO_SITE, copy_site, set_language


def test_pages_of_one_query_are_cut_from_one_ranking(demo_app: InProcess) -> None:
    live = demo_app.live
    snapshot = live.snapshot
    assert snapshot is not None
    key = RankingKey.of(SearchQuery("数据"))  # not asked by any other test sharing the app
    whole = live.search(SearchQuery("数据", limit=50), snapshot)
    generation, _ = live.search_index.current
    ranking = live.searches.ranking(generation, key)
    assert ranking is not None and whole.total > 6
    pages = [
        live.search(SearchQuery("数据", limit=3, offset=offset), snapshot)
        for offset in range(0, whole.total, 3)
    ]
    assert live.searches.ranking(generation, key) is ranking  # no page searched again
    assert [e.article.slug for page in pages for e, _ in page.hits] == [
        e.article.slug for e, _ in whole.hits
    ]


def test_search_follows_edits_and_deletions(demo_database_url: str, tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    path = site / "content" / "pgvector-intro.md"
    with serving(site, demo_database_url) as app, app.client() as client:

        def slugs(query: str) -> list[str]:
            found = client.get("/api/v1/search", params={"q": query, "limit": 50}).json()
            return [item["slug"] for item in found["items"]]

        assert "pgvector-intro" in slugs("IVFFlat")
        assert slugs("量子纠缠") == []
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub("ivfflat", "量子纠缠", text, flags=re.IGNORECASE), encoding="utf-8")
        app.live.update([path])
        assert "pgvector-intro" not in slugs("IVFFlat")
        assert slugs("量子纠缠") == ["pgvector-intro"]
        path.unlink()
        app.live.update([path])
        assert slugs("量子纠缠") == []


def test_a_restart_on_the_same_articles_reads_the_saved_index(
    demo_database_url: str, tmp_path: Path
) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    saved = search_index_file(site)
    with serving(site, demo_database_url) as app, app.client() as client:
        first = client.get("/api/v1/search", params={"q": "模型", "limit": 50}).json()
    written = saved.stat().st_mtime_ns
    with serving(site, demo_database_url) as app, app.client() as client:
        again = client.get("/api/v1/search", params={"q": "模型", "limit": 50}).json()
    assert again == first and first["total"] > 0
    assert saved.stat().st_mtime_ns == written  # read, not built and written again
    path = site / "content" / "pgvector-intro.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n量子纠缠\n", encoding="utf-8")
    with serving(site, demo_database_url) as app, app.client() as client:
        found = client.get("/api/v1/search", params={"q": "量子纠缠"}).json()
    assert [item["slug"] for item in found["items"]] == ["pgvector-intro"]
    assert saved.stat().st_mtime_ns != written


@contextlib.asynccontextmanager
async def _every_slot_taken(app: InProcess) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `app` while every place among the bounded searches is held (on the
    app's event loop)."""
    bound = app.live.config.search.processes + app.live.config.search.waiting
    with contextlib.ExitStack() as held:
        for _ in range(bound):
            held.enter_context(app.app.api.search_pool.taken())
        async with app.async_client() as client:
            yield client


def test_a_search_past_the_bound_is_answered_503_at_once(demo_app: InProcess) -> None:
    async def busy() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        async with demo_app.async_client() as client:
            cached = await client.get("/api/v1/search", params={"q": "分叉"})
            assert cached.status_code == 200
        async with _every_slot_taken(demo_app) as client:
            api = await client.get("/api/v1/search", params={"q": "芯片 开源"})
            page = await client.get("/search/", params={"q": "芯片 开源"})
            again = await client.get("/api/v1/search", params={"q": "分叉"})
            return api, page, again

    api, page, again = demo_app.run(busy())
    assert api.status_code == 503 and api.headers["retry-after"] == "1"
    assert api.json()["error"]["message"] == "搜索的人太多了，请稍后再试。"
    assert page.status_code == 503 and page.headers["retry-after"] == "1"
    assert "搜索的人太多了" in page.text
    assert again.status_code == 200  # an answer kept needs no slot
    with demo_app.client() as client:
        assert client.get("/api/v1/search", params={"q": "芯片 开源"}).status_code == 200


def test_the_busy_page_speaks_the_sites_language(demo_database_url: str, tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    set_language(site, "en")
    with serving(site, demo_database_url) as app:

        async def busy() -> httpx.Response:
            async with _every_slot_taken(app) as client:
                return await client.get("/search/", params={"q": "芯片"})

        page = app.run(busy())
    assert page.status_code == 503
    assert "Search is busy right now" in page.text
