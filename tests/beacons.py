"""View beacons sent as a reader's browser sends them: with the proof of a page view
that the article's page carries (or the counting server gives)."""

from typing import Any, Protocol

import httpx


class Sender(Protocol):
    """httpx's client, or tests/asgi.py's in-process one."""

    def get(self, url: str, **options: Any) -> httpx.Response: ...

    def post(self, url: str, **options: Any) -> httpx.Response: ...


def view_token(client: Sender, slug: str) -> str:
    response = client.get(f"/api/v1/articles/{slug}/views/token")
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def send_beacon(
    client: Sender, slug: str, headers: dict[str, str] | None = None, token: str | None = None
) -> httpx.Response:
    """A beacon for `slug` with `token`, else a token just asked for."""
    proof = view_token(client, slug) if token is None else token
    return client.post(
        f"/api/v1/articles/{slug}/views", params={"token": proof}, headers=headers or {}
    )
