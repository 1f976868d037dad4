"""Two servers (nodes) on one PostgreSQL database, each with its own copy of the
site, as while a deploy has reached one and not the other: each serves exactly the
version of the files it has, neither's start or publish overwrites the other's,
and once their files agree again so do they."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsdesk.publish.sync import node_id
from newsdesk.store.schema import compiled_files, node_files
from tests.beacons import reader_address, send_beacon, trust_local_proxy
from tests.conftest import DEMO_SITE, copy_site
from tests.server import (
    Server,
    engine_at,
    eventually,
    page_title,
    postgres_database,
    running_server,
)

EDITED = "rust-2024-edition.md"
EDITED_URL = "/posts/rust-2024-edition/"
DELETED = "pgvector-intro.md"
DELETED_URL = "/posts/pgvector-intro/"
NEW_TITLE = "节点甲上的新版标题"
COUNTED = "ebpf-zero-instrumentation-observability"


@pytest.fixture
def database() -> Iterator[str]:
    yield from postgres_database()


def retitled(text: str) -> str:
    return re.sub(r"^title: .*$", f"title: {NEW_TITLE}", text, count=1, flags=re.M)


def title_of(server: Server, path: str) -> str | None:
    with server.client() as client:
        response = client.get(path)
    return page_title(response.text) if response.status_code == 200 else None


def found(server: Server, query: str) -> list[str]:
    """The slugs the node's search finds for `query`."""
    with server.client() as client:
        answer = client.get("/api/v1/search", params={"q": query, "limit": 50}).json()
    return [item["slug"] for item in answer["items"]]


def node_rows(url: str, name: str) -> dict[str, str]:
    """node → content hash of the file `name` as each node stored it."""
    files = node_files.c
    with engine_at(url) as engine, engine.connect() as connection:
        rows = connection.execute(
            select(files.node, files.content_hash).where(files.path == name)
        ).all()
    return {node: content_hash for node, content_hash in rows}


def compiled_count(url: str) -> int:
    with engine_at(url) as engine, engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(compiled_files)).scalar_one()


def test_two_nodes_serve_their_own_versions_then_converge(tmp_path: Path, database: str) -> None:
    site_a = copy_site(DEMO_SITE, tmp_path / "a" / "site")
    site_b = copy_site(DEMO_SITE, tmp_path / "b" / "site")
    edited_a = site_a / "content" / EDITED
    old_title = title_line(edited_a)
    edited_a.write_text(retitled(edited_a.read_text(encoding="utf-8")), encoding="utf-8")
    (site_a / "content" / DELETED).unlink()
    node_a, node_b = node_id(site_a / "content"), node_id(site_b / "content")
    assert node_a != node_b
    for site in (site_a, site_b):
        trust_local_proxy(site)

    with running_server(site_a, database) as a:
        with running_server(site_b, database) as b:
            # B started after A: A still serves its own version, B its own.
            assert NEW_TITLE in (title_of(a, EDITED_URL) or "")
            assert old_title in (title_of(b, EDITED_URL) or "")
            assert title_of(a, DELETED_URL) is None
            assert title_of(b, DELETED_URL) is not None
            versions = node_rows(database, EDITED)
            assert set(versions) == {node_a, node_b}
            assert versions[node_a] != versions[node_b]
            assert node_rows(database, DELETED).keys() == {node_b}
            # Each node's search finds its own version.
            assert found(a, NEW_TITLE) == ["rust-2024-edition"]
            assert found(b, NEW_TITLE) == []
            assert found(b, old_title) == ["rust-2024-edition"]
            assert "pgvector-intro" not in found(a, "pgvector")
            assert "pgvector-intro" in found(b, "pgvector")
            # Readers of either node count once each, and both show the sum.
            for n, node in enumerate((a, b, a, b)):
                with node.client() as client:
                    reader = {"user-agent": "Mozilla/5.0", "x-forwarded-for": reader_address(n)}
                    assert send_beacon(client, COUNTED, reader).json()["counted"] is True
            for node in (a, b):
                with node.client() as client:
                    views = client.get(f"/api/v1/articles/{COUNTED}/views").json()
                    assert views["counted"] == 4

        # A restarted after B stored its version reads its own, not B's.
        forms = compiled_count(database)
    with running_server(site_a, database) as a:
        assert "0 compiled" in a.output()
        assert NEW_TITLE in (title_of(a, EDITED_URL) or "")

        # The deploy reaches B: its files become A's, and B follows. Its two workers
        # both see the change; one compiles it, the other reads what that one stored.
        with running_server(site_b, database, "--workers", "2") as b:
            (site_b / "content" / EDITED).write_bytes(edited_a.read_bytes())
            eventually(lambda: NEW_TITLE in (title_of(b, EDITED_URL) or ""), within=5)
            eventually(lambda: b.output().count("content changed:") >= 2, within=5)
            assert b.output().count("content changed: 1 compiled") == 1, b.output()
            (site_b / "content" / DELETED).unlink()
            eventually(lambda: title_of(b, DELETED_URL) is None, within=5)
            assert NEW_TITLE in (title_of(a, EDITED_URL) or "")
            assert found(a, NEW_TITLE) == found(b, NEW_TITLE) == ["rust-2024-edition"]
            assert "pgvector-intro" not in found(b, "pgvector")
    versions = node_rows(database, EDITED)
    assert versions[node_a] == versions[node_b]
    assert node_rows(database, DELETED) == {}
    # B's old version of the edited file and the deleted file are no node's: dropped.
    assert compiled_count(database) == forms - 2


def title_line(path: Path) -> str:
    match = re.search(r"^title: (.*)$", path.read_text(encoding="utf-8"), flags=re.M)
    assert match is not None
    return match.group(1).strip().strip("\"'")
