"""`newsdesk serve` as a real process on 127.0.0.1, over HTTP, on SQLite and on
PostgreSQL: pages, caching, the JSON API, view counts and search."""

import gzip
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from newsdesk.content.loader import load_file
from newsdesk.content.options import ContentOptions
from tests.conftest import run_newsdesk, served_demo
from tests.server import Server, all_articles, stored_views


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from served_demo(request.param, tmp_path_factory.mktemp("served"))


def soup(response: httpx.Response) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.text, "html.parser")


# Pages -------------------------------------------------------------------


def test_home_page_is_the_static_builds_home_page(server: Server, tmp_path: Path) -> None:
    built = run_newsdesk("build", str(server.site), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    with server.client() as client:
        served = client.get("/").content
    assert served == (tmp_path / "out" / "index.html").read_bytes()


def test_article_page_shows_the_article_and_sends_the_view_beacon(server: Server) -> None:
    with server.client() as client:
        first = all_articles(client)[0]
        page = soup(client.get(str(first["path"])))
    assert page.html is not None and page.html["lang"] == "zh-CN"
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == [first["title"]]
    views = page.select_one(".views[data-beacon]")
    assert views is not None
    assert views["data-beacon"] == f"/api/v1/articles/{first['slug']}/views"


def test_validators_caching_and_compression(server: Server) -> None:
    with server.client() as client:
        page = client.get("/")
        etag = page.headers["etag"]
        assert page.headers["cache-control"] == "public, max-age=0, must-revalidate"
        assert "last-modified" in page.headers
        again = client.get("/", headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""
        since = client.get("/", headers={"if-modified-since": page.headers["last-modified"]})
        assert since.status_code == 304
        raw = client.get("/", headers={"accept-encoding": "gzip"}, extensions={})
        assert raw.headers["content-encoding"] == "gzip"
        assert raw.content == page.content  # httpx decodes; the bytes are the same page
        head = client.head("/", headers={"accept-encoding": "identity"})
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["content-length"]) == len(page.content)
        css = next(link["href"] for link in soup(page).find_all("link", rel="stylesheet"))
        asset = client.get(str(css))
        assert asset.status_code == 200 and "text/css" in asset.headers["content-type"]
        assert "immutable" in asset.headers["cache-control"]


def test_gzip_body_is_real_gzip(server: Server) -> None:
    headers = {"accept-encoding": "gzip"}
    with (
        httpx.Client(base_url=server.url, headers=headers) as client,
        client.stream("GET", "/") as response,
    ):
        compressed = b"".join(response.iter_raw())
    assert gzip.decompress(compressed).startswith(b"<!doctype html>")


def test_missing_pages_and_hostile_paths_are_clear_4xx(server: Server) -> None:
    with server.client() as client:
        missing = client.get("/no/such/page/")
        assert missing.status_code == 404
        assert "页面不存在" in missing.text
        for path in (
            "/static/../newsdesk.toml",
            "/static/%2e%2e/newsdesk.toml",
            "/static/..%2fnewsdesk.toml",
            "/../../etc/passwd",
            "/.newsdesk/newsdesk.sqlite",
            "/content/rust-2024-edition.md",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "[site]" not in response.text and "root:" not in response.text
        bad = client.get("/%ff%fe/")
        assert bad.status_code == 400
        assert client.post("/").status_code == 405
        assert client.get("/" + "a" * 5000).status_code in (404, 414)


def test_a_path_without_its_slash_redirects(server: Server) -> None:
    with server.client() as client:
        response = client.get("/tags")
    assert response.status_code == 301
    assert response.headers["location"] == "/tags/"


def test_site_static_files_are_served(server: Server) -> None:
    image = next((server.site / "static").rglob("*.png"))
    path = "/" + image.relative_to(server.site / "static").as_posix()
    with server.client() as client:
        response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == image.read_bytes()


def test_feeds_and_sitemap_have_their_types(server: Server) -> None:
    with server.client() as client:
        assert client.get("/feed.xml").headers["content-type"].startswith("application/rss+xml")
        assert client.get("/atom.xml").headers["content-type"].startswith("application/atom+xml")
        feed = client.get("/feed.json")
        assert feed.headers["content-type"].startswith("application/feed+json")
        assert feed.json()["version"] == "https://jsonfeed.org/version/1.1"
        assert client.get("/sitemap.xml").headers["content-type"].startswith("application/xml")


# API ---------------------------------------------------------------------


def test_cursor_pagination_visits_every_article_once(server: Server) -> None:
    with server.client() as client:
        items = all_articles(client)
        home = soup(client.get("/"))
    slugs = [item["slug"] for item in items]
    assert len(slugs) == len(set(slugs)) >= 20
    published = [str(item["published"]) for item in items]
    assert published == sorted(published, reverse=True)
    linked = {a["href"] for a in home.select("article a")}
    assert items[0]["path"] in linked


def test_article_filters(server: Server) -> None:
    with server.client() as client:
        everything = all_articles(client)
        sticky = all_articles(client, sticky="true")
        hot = all_articles(client, hot="true")
        tags = client.get("/api/v1/tags").json()["items"]
        top = tags[0]
        tagged = all_articles(client, tag=str(top["name"]))
        by_slug = all_articles(client, tag=str(top["slug"]))
        since = all_articles(client, since="2025-06-01", sort="published")
    assert {i["slug"] for i in sticky} == {i["slug"] for i in everything if i["sticky"]}
    assert len(sticky) == 3
    assert hot and all(i["hot"] for i in hot)
    assert len(tagged) == top["count"] and all(top["name"] in i["tags"] for i in tagged)
    assert tagged == by_slug
    assert since and all(str(i["published"]) >= "2025-06-01" for i in since)
    assert [i["published"] for i in since] == sorted(i["published"] for i in since)


def test_one_article_with_html_and_toc(server: Server) -> None:
    with server.client() as client:
        slug = all_articles(client)[0]["slug"]
        article = client.get(f"/api/v1/articles/{slug}").json()
    assert article["slug"] == slug
    assert "<h2" in article["html"]
    assert article["toc"] and {"level", "text", "id"} <= set(article["toc"][0])
    assert all(isinstance(s, str) for s in article["related"])


def test_api_errors_are_json_with_the_right_status(server: Server) -> None:
    with server.client() as client:
        cases = [
            (client.get("/api/v1/articles/no-such-article"), 404),
            (client.get("/api/v1/articles", params={"limit": "0"}), 400),
            (client.get("/api/v1/articles", params={"limit": "abc"}), 400),
            (client.get("/api/v1/articles", params={"sort": "bogus"}), 400),
            (client.get("/api/v1/articles", params={"cursor": "!!!"}), 400),
            (client.get("/api/v1/articles", params={"since": "yesterday"}), 400),
            (client.get("/api/v1/articles", params={"sticky": "maybe"}), 400),
            (client.get("/api/v1/nothing"), 404),
            (client.delete("/api/v1/articles"), 405),
        ]
    for response, status in cases:
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["status"] == status and error["message"]


def test_openapi_document_describes_every_endpoint(server: Server) -> None:
    with server.client() as client:
        document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/articles", "/articles/{slug}", "/articles/{slug}/views",
        "/categories", "/tags", "/authors", "/search",
    }  # fmt: skip


def test_terms_have_counts(server: Server) -> None:
    with server.client() as client:
        categories = client.get("/api/v1/categories").json()["items"]
        authors = client.get("/api/v1/authors").json()["items"]
        listed = len(all_articles(client))
    assert sum(c["count"] for c in categories) <= listed
    assert [c["count"] for c in categories] == sorted(
        (c["count"] for c in categories), reverse=True
    )
    assert authors and all(a["url"].startswith("http://127.0.0.1:8000/authors/") for a in authors)


# Views -------------------------------------------------------------------


def test_a_view_counts_once_per_visitor_and_bots_not_at_all(server: Server) -> None:
    browser = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 once-test"}
    with server.client() as client:
        article = all_articles(client)[-1]
        slug = article["slug"]
        before = client.get(f"/api/v1/articles/{slug}/views").json()
        first = client.post(f"/api/v1/articles/{slug}/views", headers=browser).json()
        second = client.post(f"/api/v1/articles/{slug}/views", headers=browser).json()
        bot = client.post(
            f"/api/v1/articles/{slug}/views", headers={"user-agent": "Googlebot/2.1"}
        ).json()
        after = client.get(f"/api/v1/articles/{slug}/views").json()
        missing = client.post("/api/v1/articles/no-such/views", headers=browser)
    assert first["counted"] is True and first["views"] == before["views"] + 1
    assert second["counted"] is False and second["views"] == first["views"]
    assert bot["counted"] is False
    assert after["counted"] == before["counted"] + 1
    assert after["daily"][-1]["views"] >= 1
    assert missing.status_code == 404


def test_concurrent_beacons_are_counted_exactly(server: Server) -> None:
    """2,400 beacons from 48 concurrent clients: 2,000 distinct visitors and 400
    repeats of the same 100. Every distinct visit is stored, not one more."""
    with server.client() as client:
        slugs = [str(item["slug"]) for item in all_articles(client)[:4]]
        before = {s: client.get(f"/api/v1/articles/{s}/views").json()["counted"] for s in slugs}
    beacons = [(slugs[n % 4], f"load-{n}") for n in range(2000)]
    beacons += [(slugs[n % 4], f"load-{n}") for n in range(100)] * 4

    def send(batch: list[tuple[str, str]]) -> list[bool]:
        results = []
        with server.client() as client:
            for slug, visitor in batch:
                agent = f"Mozilla/5.0 concurrency {visitor}"
                response = client.post(
                    f"/api/v1/articles/{slug}/views", headers={"user-agent": agent}
                )
                assert response.status_code == 200, response.text
                results.append(response.json()["counted"])
        return results

    with ThreadPoolExecutor(48) as pool:
        counted = sum(sum(r) for r in pool.map(send, [beacons[n::48] for n in range(48)]))
    assert counted == 2000
    with server.client() as client:
        after = {s: client.get(f"/api/v1/articles/{s}/views").json()["counted"] for s in slugs}
    assert {s: after[s] - before[s] for s in slugs} == {s: 500 for s in slugs}
    stored = stored_views(server.database_url).totals
    assert sum(stored.get(s, 0) for s in slugs) == sum(after.values())


# Search ------------------------------------------------------------------


def test_search_api_finds_the_right_article_first(server: Server) -> None:
    with server.client() as client:
        found = client.get("/api/v1/search", params={"q": "Valkey"}).json()
        both = client.get("/api/v1/search", params={"q": "Rust 2024"}).json()
    assert found["items"][0]["slug"] == _slug_of(server, "redis-license-valkey-fork.md")
    assert "<mark>" in found["items"][0]["title_html"] + found["items"][0]["snippet_html"]
    assert both["items"][0]["slug"] == _slug_of(server, "rust-2024-edition.md")


def test_search_page_is_rendered_by_the_server(server: Server) -> None:
    with server.client() as client:
        page = soup(client.get("/search/", params={"q": "向量数据库"}))
    hits = page.select(".search-hits li a")
    assert hits, page.get_text()[:500]
    assert page.select_one("script[src*=search]") is None
    assert page.find("input", id="search-query")["value"] == "向量数据库"


@pytest.mark.parametrize(
    "query",
    ['"', "*", "NEAR(a b)", "a OR", "AND", "(", ")", "^x", "col:x", "-", "\\", "%", "_",
     "'; DROP TABLE x; --", "<script>alert(1)</script>", "😀", "的" * 500, "GPT-5 多模态",
     "a" * 5000],
)  # fmt: skip
def test_no_query_causes_a_server_error(server: Server, query: str) -> None:
    with server.client() as client:
        api = client.get("/api/v1/search", params={"q": query})
        page = client.get("/search/", params={"q": query})
    assert api.status_code == 200, api.text
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text


def _slug_of(server: Server, name: str) -> str:
    article = load_file(server.site / "content" / name, ContentOptions()).article
    assert article is not None
    return article.slug


def test_search_command_gives_the_servers_results(server: Server) -> None:
    result = run_newsdesk(
        "search",
        "Valkey",
        "--site",
        str(server.site),
        "--database-url",
        server.database_url,
        "--json",
    )
    assert result.returncode == 0, result.stderr
    with server.client() as client:
        api = client.get("/api/v1/search", params={"q": "Valkey", "limit": "10"}).json()
    cli = json.loads(result.stdout)
    assert [i["slug"] for i in cli["items"]] == [i["slug"] for i in api["items"]]
