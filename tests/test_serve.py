"""The served site, on SQLite and on PostgreSQL, through the application called
in-process: pages, caching, the JSON API, view counts and search."""

import asyncio
import gzip
import json
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from newsdesk.content.loader import load_file
from newsdesk.content.options import ContentOptions
from tests.asgi import InProcess, serving
from tests.beacons import send_beacon, view_token
from tests.conftest import DEMO_SITE, copy_site, run_newsdesk
from tests.server import all_articles, eventually, stored_views


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The home page `newsdesk build` makes of a copy of the demo site."""
    root = tmp_path_factory.mktemp("built")
    built = run_newsdesk(
        "build", str(copy_site(DEMO_SITE, root / "site")), "--out", str(root / "out")
    )
    assert built.returncode == 0, built.stderr
    return (root / "out" / "index.html").read_bytes()


def soup(response: httpx.Response) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.text, "html.parser")


# Pages -------------------------------------------------------------------


def test_home_page_is_the_static_builds_home_page(demo_app: InProcess, built_home: bytes) -> None:
    with demo_app.client() as client:
        served = client.get("/").content
    assert served == built_home


def test_article_page_shows_the_article_and_sends_the_view_beacon(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        first = all_articles(client)[0]
        page = soup(client.get(str(first["path"])))
    assert page.html is not None and page.html["lang"] == "zh-CN"
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == [first["title"]]
    views = page.select_one(".views[data-beacon]")
    assert views is not None
    assert views["data-beacon"] == f"/api/v1/articles/{first['slug']}/views"


def test_validators_caching_and_compression(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        page = client.get("/")
        etag = page.headers["etag"]
        assert page.headers["cache-control"] == "public, max-age=0, must-revalidate"
        assert "last-modified" in page.headers
        again = client.get("/", headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""
        since = client.get("/", headers={"if-modified-since": page.headers["last-modified"]})
        assert since.status_code == 304
        raw = client.get("/", headers={"accept-encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip"
        assert raw.content == page.content  # httpx decodes; the bytes are the same page
        # As the app sends it: a client would drop a body sent with a HEAD answer.
        head = demo_app.send_raw(b"HEAD / HTTP/1.1\r\nAccept-Encoding: identity")
        assert head.status == 200 and head.body == b""
        assert head.header("content-length") == str(len(page.content))
        css = next(link["href"] for link in soup(page).find_all("link", rel="stylesheet"))
        asset = client.get(str(css))
        assert asset.status_code == 200 and "text/css" in asset.headers["content-type"]
        assert "immutable" in asset.headers["cache-control"]


def test_gzip_body_is_real_gzip(demo_app: InProcess) -> None:
    reply = demo_app.send_raw(b"GET / HTTP/1.1\r\nAccept-Encoding: gzip")
    assert reply.header("content-encoding") == "gzip"
    assert reply.header("content-length") == str(len(reply.body))
    assert gzip.decompress(reply.body).startswith(b"<!doctype html>")


def test_missing_pages_and_hostile_paths_are_clear_4xx(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        missing = client.get("/no/such/page/")
        assert missing.status_code == 404
        assert "页面不存在" in missing.text
        assert client.post("/").status_code == 405
    # Sent as written: a client would resolve the dots before sending.
    for path in (
        b"/static/../newsdesk.toml",
        b"/static/%2e%2e/newsdesk.toml",
        b"/static/..%2fnewsdesk.toml",
        b"/../../etc/passwd",
        b"/.newsdesk/newsdesk.sqlite",
        b"/content/rust-2024-edition.md",
    ):
        reply = demo_app.send_raw(b"GET " + path + b" HTTP/1.1")
        assert reply.status == 404, path
        assert b"[site]" not in reply.body and b"root:" not in reply.body
    assert demo_app.send_raw(b"GET /%ff%fe/ HTTP/1.1").status == 400
    assert demo_app.send_raw(b"GET /" + b"a" * 5000 + b" HTTP/1.1").status in (404, 414)


def test_a_path_without_its_slash_redirects(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        response = client.get("/tags")
    assert response.status_code == 301
    assert response.headers["location"] == "/tags/"


def test_site_static_files_are_served(demo_app: InProcess) -> None:
    image = next((demo_app.site / "static").rglob("*.png"))
    path = "/" + image.relative_to(demo_app.site / "static").as_posix()
    with demo_app.client() as client:
        response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == image.read_bytes()


def test_feeds_and_sitemap_have_their_types(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        assert client.get("/feed.xml").headers["content-type"].startswith("application/rss+xml")
        assert client.get("/atom.xml").headers["content-type"].startswith("application/atom+xml")
        feed = client.get("/feed.json")
        assert feed.headers["content-type"].startswith("application/feed+json")
        assert feed.json()["version"] == "https://jsonfeed.org/version/1.1"
        assert client.get("/sitemap.xml").headers["content-type"].startswith("application/xml")


# API ---------------------------------------------------------------------


def test_cursor_pagination_visits_every_article_once(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        items = all_articles(client)
        home = soup(client.get("/"))
    slugs = [item["slug"] for item in items]
    assert len(slugs) == len(set(slugs)) >= 20
    published = [str(item["published"]) for item in items]
    assert published == sorted(published, reverse=True)
    linked = {a["href"] for a in home.select("article a")}
    assert items[0]["path"] in linked


def test_article_filters(demo_app: InProcess) -> None:
    with demo_app.client() as client:
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


def test_one_article_with_html_and_toc(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        slug = all_articles(client)[0]["slug"]
        article = client.get(f"/api/v1/articles/{slug}").json()
    assert article["slug"] == slug
    assert "<h2" in article["html"]
    assert article["toc"] and {"level", "text", "id"} <= set(article["toc"][0])
    assert all(isinstance(s, str) for s in article["related"])


def test_api_errors_are_json_with_the_right_status(demo_app: InProcess) -> None:
    with demo_app.client() as client:
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


def test_openapi_document_describes_every_endpoint(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/articles", "/articles/{slug}", "/articles/{slug}/views",
        "/articles/{slug}/views/token", "/categories", "/tags", "/authors", "/search",
        "/desk/articles", "/desk/me", "/desk/users",
    }  # fmt: skip


def test_terms_have_counts(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        categories = client.get("/api/v1/categories").json()["items"]
        authors = client.get("/api/v1/authors").json()["items"]
        listed = len(all_articles(client))
    assert sum(c["count"] for c in categories) <= listed
    assert [c["count"] for c in categories] == sorted(
        (c["count"] for c in categories), reverse=True
    )
    assert authors and all(a["url"].startswith("http://127.0.0.1:8000/authors/") for a in authors)


def test_cors_origins_come_from_the_configuration(tmp_path: Path, demo_database_url: str) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    config = site / "newsdesk.toml"
    allowed = "https://reader.example.com"
    config.write_text(
        config.read_text(encoding="utf-8") + f'\n[api]\ncors_origins = ["{allowed}"]\n',
        encoding="utf-8",
    )
    with serving(site, demo_database_url) as app, app.client() as client:
        ok = client.get("/api/v1/tags", headers={"origin": allowed})
        other = client.get("/api/v1/tags", headers={"origin": "https://evil.example"})
        preflight = client.options(
            "/api/v1/articles/x/views",
            headers={"origin": allowed, "access-control-request-method": "POST"},
        )
        # Errors too: the allowed origin can read why its request failed.
        missing = client.get("/api/v1/articles/no-such-article", headers={"origin": allowed})
        refused = client.delete("/api/v1/tags", headers={"origin": allowed})
    assert ok.headers["access-control-allow-origin"] == allowed
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404
    assert missing.headers["access-control-allow-origin"] == allowed
    assert refused.status_code == 405
    assert refused.headers["access-control-allow-origin"] == allowed
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]


# Views -------------------------------------------------------------------


def test_a_view_counts_once_per_visitor_and_bots_not_at_all(demo_app: InProcess) -> None:
    browser = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 once-test"}
    with demo_app.client() as client:
        article = all_articles(client)[-1]
        slug = article["slug"]
        before = client.get(f"/api/v1/articles/{slug}/views").json()
        first = send_beacon(client, slug, browser).json()
        second = send_beacon(client, slug, browser).json()
        bot = send_beacon(client, slug, {"user-agent": "Googlebot/2.1"}).json()
        after = client.get(f"/api/v1/articles/{slug}/views").json()
        missing = client.post("/api/v1/articles/no-such/views", headers=browser)
        no_token = client.get("/api/v1/articles/no-such/views/token")
    assert first["counted"] is True and first["views"] == before["views"] + 1
    assert second["counted"] is False and second["views"] == first["views"]
    assert bot["counted"] is False
    assert after["counted"] == before["counted"] + 1
    assert after["daily"][-1]["views"] >= 1
    assert missing.status_code == no_token.status_code == 404


def test_concurrent_beacons_are_counted_exactly(demo_app: InProcess) -> None:
    """800 beacons from 48 concurrent clients: 600 distinct visitors (each from an
    address of its own) and 200 repeats of the first 50. Every distinct visit is
    stored, not one more."""
    with demo_app.client() as client:
        slugs = [str(item["slug"]) for item in all_articles(client)[:4]]
        before = {s: client.get(f"/api/v1/articles/{s}/views").json()["counted"] for s in slugs}
        tokens = {s: view_token(client, s) for s in slugs}
    beacons = [(slugs[n % 4], n) for n in range(600)]
    beacons += [(slugs[n % 4], n) for n in range(50)] * 4

    async def send(batch: list[tuple[str, int]]) -> list[bool]:
        results = []
        for slug, visitor in batch:
            agent = f"Mozilla/5.0 concurrency {visitor}"
            peer = f"10.7.{visitor // 256}.{visitor % 256}"
            async with demo_app.async_client(peer) as client:
                response = await client.post(
                    f"/api/v1/articles/{slug}/views",
                    params={"token": tokens[slug]},
                    headers={"user-agent": agent},
                )
            assert response.status_code == 200, response.text
            results.append(response.json()["counted"])
        return results

    async def send_all() -> list[list[bool]]:
        return await asyncio.gather(*(send(beacons[n::48]) for n in range(48)))

    counted = sum(sum(r) for r in demo_app.run(send_all(), timeout=300))
    assert counted == 600
    with demo_app.client() as client:
        after = {s: client.get(f"/api/v1/articles/{s}/views").json()["counted"] for s in slugs}
    assert {s: after[s] - before[s] for s in slugs} == {s: 150 for s in slugs}
    stored = stored_views(demo_app.database_url).totals
    assert sum(stored.get(s, 0) for s in slugs) == sum(after.values())


def test_counted_views_make_an_article_hot(tmp_path: Path, demo_database_url: str) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    config = site / "newsdesk.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[hot]\nrefresh_seconds = 1\n", encoding="utf-8"
    )
    with (
        serving(site, demo_database_url, lifespan=True) as app,
        app.client() as client,
    ):
        hot = {
            i["slug"]
            for i in client.get("/api/v1/articles", params={"hot": "true"}).json()["items"]
        }
        cold = client.get("/api/v1/articles", params={"hot": "false", "limit": "100"}).json()
        # The least read article that is not hot: counted views today outweigh
        # every front matter count.
        slug = min(cold["items"], key=lambda i: i["views"])["slug"]
        assert slug not in hot
        for n in range(5):
            send_beacon(client, slug, {"user-agent": f"Mozilla/5.0 hot-{n}"})

        def is_hot() -> bool:
            found = client.get("/api/v1/articles", params={"hot": "true"}).json()["items"]
            return slug in {i["slug"] for i in found}

        eventually(is_hot, within=4.0)
        home = client.get("/").text
        assert f'href="/posts/{slug}/"' in home.split('id="hot-heading"', 1)[1].split("</aside>")[0]


# Search ------------------------------------------------------------------


def test_search_api_finds_the_right_article_first(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        found = client.get("/api/v1/search", params={"q": "Valkey"}).json()
        both = client.get("/api/v1/search", params={"q": "Rust 2024"}).json()
    assert found["items"][0]["slug"] == _slug_of(demo_app, "redis-license-valkey-fork.md")
    assert "<mark>" in found["items"][0]["title_html"] + found["items"][0]["snippet_html"]
    assert both["items"][0]["slug"] == _slug_of(demo_app, "rust-2024-edition.md")


def test_search_page_is_rendered_by_the_server(demo_app: InProcess) -> None:
    with demo_app.client() as client:
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
def test_no_query_causes_a_server_error(demo_app: InProcess, query: str) -> None:
    with demo_app.client() as client:
        api = client.get("/api/v1/search", params={"q": query})
        page = client.get("/search/", params={"q": query})
    assert api.status_code == 200, api.text
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text


def _slug_of(app: InProcess, name: str) -> str:
    article = load_file(app.site / "content" / name, ContentOptions()).article
    assert article is not None
    return article.slug


def test_search_command_gives_the_servers_results(demo_app: InProcess) -> None:
    result = run_newsdesk(
        "search",
        "Valkey",
        "--site",
        str(demo_app.site),
        "--database-url",
        demo_app.database_url,
        "--json",
    )
    assert result.returncode == 0, result.stderr
    with demo_app.client() as client:
        api = client.get("/api/v1/search", params={"q": "Valkey", "limit": "10"}).json()
    cli = json.loads(result.stdout)
    assert [i["slug"] for i in cli["items"]] == [i["slug"] for i in api["items"]]
