"""Requests that used to go wrong: a cursor nested too deep for the JSON parser, and
trailing-slash redirects that dropped the query."""

import base64
import logging
from urllib.parse import quote

import pytest

from tests.asgi import InProcess


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Deeper than the JSON parser goes, in a URL the server accepts.
@pytest.mark.parametrize("depth", [1000, 2500])
def test_a_deeply_nested_cursor_is_a_400_and_logs_nothing(
    demo_app: InProcess, depth: int, caplog: pytest.LogCaptureFixture
) -> None:
    cursor = _cursor(b"[" * depth + b"]" * depth)
    with caplog.at_level(logging.DEBUG):
        answer = demo_app.send_raw(f"GET /api/v1/articles?cursor={cursor} HTTP/1.1".encode())
    assert answer.status == 400
    assert b"cursor" in answer.body
    assert caplog.records == []


@pytest.mark.parametrize(
    ("path", "query", "location"),
    [
        ("/search", "q=Rust", "/search/?q=Rust"),
        ("/search", "q=" + quote("人工智能"), "/search/?q=" + quote("人工智能")),
        ("/categories", "page=2&x=%20y", "/categories/?page=2&x=%20y"),
        ("/tags", "", "/tags/"),
    ],
)
def test_a_trailing_slash_redirect_keeps_the_query(
    demo_app: InProcess, path: str, query: str, location: str
) -> None:
    target = f"{path}?{query}" if query else path
    answer = demo_app.send_raw(f"GET {target} HTTP/1.1".encode())
    assert answer.status == 301
    assert answer.header("location") == location


def test_a_redirect_followed_finds_what_was_searched(demo_app: InProcess) -> None:
    with demo_app.client(follow_redirects=True) as client:
        answer = client.get("/search", params={"q": "Rust"})
    assert answer.status_code == 200
    assert str(answer.url).endswith("/search/?q=Rust")
    assert 'value="Rust"' in answer.text
