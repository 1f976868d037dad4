"""/api/v1/articles with several filters at once: each narrows the others."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import served_demo
from tests.server import Server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from served_demo(request.param, tmp_path_factory.mktemp("served"))


def slugs(server: Server, **filters: str) -> list[str]:
    with server.client() as client:
        page = client.get("/api/v1/articles", params={"limit": "100", **filters}).json()
    assert page["next_cursor"] is None
    return [item["slug"] for item in page["items"]]


def test_category_and_tag_together_return_only_articles_in_both(server: Server) -> None:
    with server.client() as client:
        items: list[dict[str, Any]] = client.get("/api/v1/articles?limit=100").json()["items"]
    # A category and a tag that each have articles the other has not.
    pairs = [
        (category, tag)
        for category in {item["category"] for item in items if item["category"]}
        for tag in {tag for item in items for tag in item["tags"]}
    ]
    for category, tag in sorted(pairs):
        both = [i["slug"] for i in items if i["category"] == category and tag in i["tags"]]
        in_category = [i["slug"] for i in items if i["category"] == category]
        tagged = [i["slug"] for i in items if tag in i["tags"]]
        if both and both != in_category and both != tagged:
            break
    else:
        pytest.fail("the demo site has no category and tag that only partly overlap")
    assert slugs(server, category=category, tag=tag) == both
    assert slugs(server, tag=tag, category=category) == both
    assert slugs(server, category=category) == in_category
    assert slugs(server, tag=tag) == tagged


def test_an_unknown_term_among_filters_leaves_nothing(server: Server) -> None:
    with server.client() as client:
        items: list[dict[str, Any]] = client.get("/api/v1/articles?limit=100").json()["items"]
    tag = next(tag for item in items for tag in item["tags"])
    assert slugs(server, tag=tag) != []
    assert slugs(server, category="没有这个分类", tag=tag) == []
