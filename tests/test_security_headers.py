"""Security headers on every answer of the server (pages, API, errors, files), HSTS
only over HTTPS, the same headers in the static build's `_headers` file, and pages
that need no inline script or style for the policy to hold."""

import re
from pathlib import Path

import httpx
import pytest

from newsdesk.site.security import HSTS, content_security_policy
from tests.asgi import InProcess

from .beacons import trust_local_proxy
from .conftest import DEMO_SITE, copy_site, run_newsdesk
from .server import Server, running_server

EXPECTED = {
    "content-security-policy": content_security_policy(),
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "SAMEORIGIN",
}
# Pages of every kind, the API, its errors, and the site's own files.
ANSWERS = [
    ("GET", "/", 200),
    ("GET", "/posts/rust-2024-edition/", 200),
    ("GET", "/tags/", 200),
    ("GET", "/search/?q=Rust", 200),
    ("GET", "/feed.xml", 200),
    ("GET", "/images/news/k8s-native-sidecar.png", 200),
    ("GET", "/api/v1/articles", 200),
    ("GET", "/api/v1/articles?cursor=nonsense", 400),
    ("GET", "/api/v1/no-such-endpoint", 404),
    ("GET", "/no/such/page/", 404),
    ("POST", "/", 405),
    ("GET", "/" + "x" * 9000, 414),
]


def _security(headers: httpx.Headers) -> dict[str, str]:
    return {name: headers[name] for name in EXPECTED if name in headers}


@pytest.mark.parametrize(("method", "path", "status"), ANSWERS)
def test_every_answer_carries_the_security_headers(
    demo_app: InProcess, method: str, path: str, status: int
) -> None:
    with demo_app.client() as client:
        answer = client.request(method, path)
    assert answer.status_code == status
    assert _security(answer.headers) == EXPECTED
    assert "strict-transport-security" not in answer.headers


def test_hsts_only_over_https(demo_app: InProcess) -> None:
    with demo_app.client() as client:
        page = client.get("https://news.example.com/")
        error = client.get("https://news.example.com/api/v1/no-such-endpoint")
    assert page.headers["strict-transport-security"] == HSTS
    assert error.headers["strict-transport-security"] == HSTS


def test_hsts_behind_a_trusted_proxy_that_speaks_https(
    demo_server: Server, tmp_path: Path, database_url: str
) -> None:
    """A proxy the site trusts says the reader came over HTTPS; a peer the site does
    not trust saying so is not believed."""
    site = copy_site(DEMO_SITE, tmp_path / "site")
    trust_local_proxy(site)
    with running_server(site, database_url) as proxied_server, proxied_server.client() as client:
        proxied = client.get("/", headers={"x-forwarded-proto": "https"})
        plain = client.get("/")
    with demo_server.client() as client:
        untrusted = client.get("/", headers={"x-forwarded-proto": "https"})
    assert proxied.headers["strict-transport-security"] == HSTS
    assert "strict-transport-security" not in plain.headers
    assert "strict-transport-security" not in untrusted.headers
    assert _security(plain.headers) == EXPECTED


def test_pages_need_no_inline_script_style_or_event_handler(demo_app: InProcess) -> None:
    """What the policy forbids, no page of the demo site contains (a browser would
    refuse it, see test_browser_flows)."""
    with demo_app.client() as client:
        urls = ["/", "/tags/", "/categories/", "/archives/", "/search/?q=Rust", "/no/such/"]
        urls += [item["url"] for item in client.get("/api/v1/articles?limit=100").json()["items"]]
        for url in urls:
            html = client.get(url.removeprefix("http://127.0.0.1:8000")).text
            assert not re.search(r"<[^>]+\sstyle=", html), url
            assert not re.search(r"<[^>]+\son[a-z]+=", html), url
            assert not re.search(r"<style", html), url
            # Scripts come from files; JSON-LD is data, which the policy does not run.
            for script in re.findall(r"<script[^>]*>", html):
                assert " src=" in script or 'type="application/ld+json"' in script, url


def test_the_static_build_writes_the_headers_for_static_hosts(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    config = site / "newsdesk.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[views]\napi_url = "https://count.example.com/api"\n',
        encoding="utf-8",
    )
    result = run_newsdesk("build", str(site), "--base-url", "https://news.example.com")
    assert result.returncode == 0, result.stderr
    lines = (site / "public" / "_headers").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "/*"
    headers = dict(line.strip().split(": ", 1) for line in lines[1:])
    assert headers == {
        "Content-Security-Policy": content_security_policy("https://count.example.com"),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "SAMEORIGIN",
        "Strict-Transport-Security": HSTS,
    }
    assert "connect-src 'self' https://count.example.com;" in headers["Content-Security-Policy"]


def test_a_sites_own_headers_file_wins(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    (site / "static" / "_headers").write_text("/*\n  X-Custom: yes\n", encoding="utf-8")
    result = run_newsdesk("build", str(site))
    assert result.returncode == 0, result.stderr
    written = (site / "public" / "_headers").read_text(encoding="utf-8")
    assert written == "/*\n  X-Custom: yes\n"
