"""/api/v1/articles with several filters at once: each narrows the others."""

from typing import Any

import pytest

from tests.asgi import InProcess


def slugs(app: InProcess, **filters: str) -> list[str]:
    with app.client() as client:
        page = client.get("/api/v1/articles", params={"limit": "100", **filters}).json()
    assert page["next_cursor"] is None
    return [item["slug"] for item in page["items"]]


def test_category_and_tag_together_return_only_articles_in_both(demo_app: InProcess) -> None:
    with demo_app.client() as client:
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
    assert slugs(demo_app, category=category, tag=tag) == both
    assert slugs(demo_app, tag=tag, category=category) == both
    assert slugs(demo_app, category=category) == in_category
    assert slugs(demo_app, tag=tag) == tagged


def test_an_unknown_term_among_filters_leaves_nothing(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        items: list[dict[str, Any]] = client.get("/api/v1/articles?limit=100").json()["items"]
    tag = next(tag for item in items for tag in item["tags"])
    assert slugs(demo_app, tag=tag) != []
    assert slugs(demo_app, category="没有这个分类", tag=tag) == []
