"""The not-found page is always sent whole, whatever validators the client sends."""

from collections.abc import Iterator

import pytest

from tests.conftest import served_demo
from tests.server import Server

MISSING = "/posts/no-such-article/"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from served_demo(request.param, tmp_path_factory.mktemp("served"))


def test_a_client_holding_the_not_found_pages_etag_still_gets_the_page(server: Server) -> None:
    with server.client() as client:
        first = client.get(MISSING)
        assert first.status_code == 404 and first.content
        validators = [
            {"if-none-match": first.headers["etag"]},
            {"if-none-match": "*"},
            {"if-modified-since": first.headers["last-modified"]},
        ]
        for headers in validators:
            again = client.get(MISSING, headers=headers)
            assert again.status_code == 404, headers
            assert again.content == first.content, headers
