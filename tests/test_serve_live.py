"""A running server follows its content folder: added, edited and deleted articles
show within a second; a broken edit keeps the last good version online; a restart
on an unchanged site compiles nothing; several workers share one database."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.beacons import in_one_counting_period, send_beacon, view_token
from tests.conftest import BACKENDS, DEMO_SITE, copy_site
from tests.server import (
    Server,
    database_on,
    eventually,
    on_fresh_connections,
    page_title,
    running_server,
)

ARTICLE = """---
title: {title}
date: 2026-03-01 09:00
category: 测试
tags: [实时更新]
---

正文第一段：{body}。
"""


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A copy of the demo site served on a new database, shared by the tests that edit
    different files of it, each leaving the site as it found it or only retitled.
    (Not a copy of a database with the demo indexed: then the first edit would be the
    first compile in the server process, which the timings here do not allow for.)"""
    root = tmp_path_factory.mktemp("live")
    site = copy_site(DEMO_SITE, root / "site")
    for url in database_on(request.param, root / "store.sqlite"):
        with running_server(site, url) as running:
            yield running


def title_at(client: httpx.Client, path: str) -> str | None:
    response = client.get(path)
    return page_title(response.text) if response.status_code == 200 else None


def test_added_edited_and_deleted_articles_show_within_a_second(server: Server) -> None:
    path = server.site / "content" / "live-update.md"
    with server.client() as client:
        assert client.get("/posts/live-update/").status_code == 404
        path.write_text(ARTICLE.format(title="实时新增的文章", body="第一版"), encoding="utf-8")
        eventually(lambda: "实时新增的文章" in (title_at(client, "/posts/live-update/") or ""))
        eventually(lambda: "实时新增的文章" in client.get("/").text)

        path.write_text(ARTICLE.format(title="实时修改后的标题", body="第二版"), encoding="utf-8")
        eventually(lambda: "实时修改后的标题" in (title_at(client, "/posts/live-update/") or ""))
        api = client.get("/api/v1/articles/live-update").json()
        assert "第二版" in api["html"]
        found = client.get("/api/v1/search", params={"q": "实时修改后"}).json()
        assert [i["slug"] for i in found["items"]] == ["live-update"]

        path.unlink()
        eventually(lambda: client.get("/posts/live-update/").status_code == 404)
        gone = client.get("/api/v1/search", params={"q": "实时修改后"}).json()
        assert gone["total"] == 0


def test_a_broken_edit_keeps_the_last_good_version_online(server: Server) -> None:
    path = server.site / "content" / "rust-2024-edition.md"
    with server.client() as client:
        good = title_at(client, "/posts/rust-2024-edition/")
        assert good
        text = path.read_text(encoding="utf-8")
        path.write_text("---\ntitle: [unclosed\n" + text.split("\n", 2)[2], encoding="utf-8")
        eventually(lambda: "no longer parses" in server.output(), within=1.5)
        assert "rust-2024-edition.md" in server.output()
        assert title_at(client, "/posts/rust-2024-edition/") == good
        path.write_text(text.replace("Rust 2024", "Rust 2024 修订版", 1), encoding="utf-8")
        eventually(lambda: "修订版" in (title_at(client, "/posts/rust-2024-edition/") or ""))


def test_a_restart_on_an_unchanged_site_compiles_nothing(tmp_path: Path, database_url: str) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    with running_server(site, database_url) as first:
        assert "30 compiled" in first.output()
        with first.client() as client:
            send_beacon(client, "rust-2024-edition", {"user-agent": "Mozilla/5.0 a"})
    with running_server(site, database_url) as second:
        assert "0 compiled" in second.output()
        with second.client() as client:
            views = client.get("/api/v1/articles/rust-2024-edition/views").json()
    assert views["counted"] == 1  # counts survive restarts


def test_several_workers_serve_and_count_together(tmp_path: Path, database_url: str) -> None:
    """Readers behind a proxy the server trusts, each counted; one reader rotating its
    browser is capped, though its beacons reach either worker."""
    site = copy_site(DEMO_SITE, tmp_path / "site")
    config = site / "newsdesk.toml"
    trusted = '\n[server]\nforwarded_allow_ips = ["127.0.0.1"]\n'
    config.write_text(config.read_text(encoding="utf-8") + trusted, encoding="utf-8")
    with (
        running_server(site, database_url, "--workers", "2") as server,
        server.client() as client,
    ):
        token = view_token(client, "pgvector-intro")
        for n in range(40):
            reader = {"user-agent": f"Mozilla/5.0 worker-{n}", "x-forwarded-for": f"192.0.2.{n}"}
            response = send_beacon(client, "pgvector-intro", reader, token)
            assert response.json()["counted"] is True
        in_one_counting_period()
        rotating = [
            send_beacon(
                client,
                "pgvector-intro",
                {"user-agent": f"Mozilla/5.0 rotated-{n}", "x-forwarded-for": "198.51.100.1"},
                token,
            ).json()["counted"]
            for n in range(30)
        ]
        assert sum(rotating) == 20  # [views] per_address
        assert client.get("/api/v1/articles/pgvector-intro/views").json()["counted"] == 60
        path = site / "content" / "live-update.md"
        path.write_text(ARTICLE.format(title="多进程更新", body="两个进程"), encoding="utf-8")

        # Each request may reach either worker: every worker must have the change.
        def everywhere() -> bool:
            return all(on_fresh_connections(server, lambda c: title_at(c, "/posts/live-update/")))

        eventually(everywhere, within=2.0)


def test_dev_mode_tells_open_pages_to_reload(tmp_path: Path, database_url: str) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    with running_server(site, database_url, "--dev") as server, server.client() as client:
        page = client.get("/").text
        assert 'data-live="/_live"' in page
        with client.stream("GET", "/_live") as events:
            lines = events.iter_lines()
            assert next(lines).startswith(":")
            started = time.monotonic()
            path = site / "content" / "live-update.md"
            path.write_text(ARTICLE.format(title="开发模式", body="刷新"), encoding="utf-8")
            # Stops reading at the event: a stream that ends without it fails here.
            assert any(line == "event: change" for line in lines)
            assert time.monotonic() - started < 1.0
