"""View beacons sent as a reader's browser sends them: with the proof of a page view
that the article's page carries (or the counting server gives)."""

import time
from pathlib import Path

import httpx

from tests.asgi import Client

# httpx's client on a real server, or tests/asgi.py's in-process one.
Sender = httpx.Client | Client


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


def trust_local_proxy(site: Path) -> None:
    """Makes the site believe X-Forwarded-For from 127.0.0.1, as behind a proxy on
    the same machine: tests then send each reader's requests from an address of its
    own (see `reader_address`), under the per-address cap and rate limits."""
    config = site / "newsdesk.toml"
    trusted = '\n[server]\nforwarded_allow_ips = ["127.0.0.1"]\n'
    config.write_text(config.read_text(encoding="utf-8") + trusted, encoding="utf-8")


def reader_address(number: int) -> str:
    """The address of reader `number` (up to 2²⁴ of them), in 10.0.0.0/8."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def in_one_counting_period(window_minutes: int = 30, margin: float = 60.0) -> None:
    """Waits, when the current period of the per-address cap ends within `margin`
    seconds, until the next begins: the cap holds per period, so beacons sent across
    the boundary may count up to twice the cap."""
    period = window_minutes * 60
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.5)
