"""The not-found page is always sent whole, whatever validators the client sends."""

from tests.asgi import InProcess

MISSING = "/posts/no-such-article/"


def test_a_client_holding_the_not_found_pages_etag_still_gets_the_page(
    demo_app: InProcess,
) -> None:
    with demo_app.client() as client:
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
