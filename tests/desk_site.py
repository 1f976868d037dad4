"""A copy of the demo site with desk users and a few articles of its own (a draft, a
scheduled one, one by an author who has an account, some with hostile titles), served
in-process; and logging in to its desk as a browser does."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from argon2 import PasswordHasher

from newsdesk.store import accounts, api_tokens
from newsdesk.web.limits import TokenBuckets
from tests.asgi import Client, InProcess, serving
from tests.conftest import DEMO_SITE, Templates, copy_site

# Cheap parameters, so that twenty wrong passwords take milliseconds, not seconds.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct horse battery"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# name → role; "lin" writes one of the site's articles.
USERS = {"admin": "admin", "zhang": "editor", "lin": "author", "wang": "author"}
_CSRF_FIELD = re.compile(r'name="csrf" value="([^"]*)"')


def write_articles(content: Path, hostile: list[str]) -> None:
    """The site's own articles beside the demo's: front matter as JSON (any title
    survives it as written)."""

    def article(name: str, body: str = "正文。\n", **fields: object) -> None:
        head = json.dumps(fields, ensure_ascii=False, indent=2)
        (content / name).write_text(f"{head}\n\n{body}", encoding="utf-8")

    article("desk-draft.md", title="还没写完的草稿", date="2025-01-02", draft=True, author="lin")
    article("desk-scheduled.md", title="明天发布的文章", date="2099-01-01", author="wang")
    article("desk-mine.md", title="林的文章", date="2025-01-03", author="Lin", tags=["desk"])
    for number, payload in enumerate(hostile):
        article(
            f"desk-xss-{number:03d}.md",
            title=payload,
            date="2025-02-01",
            author=payload,
            category=payload,
            tags=[payload],
        )


def desk_site(
    root: Path, templates: Templates, backend: str, hostile: list[str]
) -> Iterator[InProcess]:
    """The site served on a copy of the indexed demo database, with USERS added."""
    site = copy_site(DEMO_SITE, root / "site")
    write_articles(site / "content", hostile)
    for url in templates.demo(backend).copy(root / "store.sqlite"):
        with serving(site, url) as app:
            with app.live.engine.begin() as connection:
                for name, role in USERS.items():
                    accounts.add_user(
                        connection, name, role, PASSWORD, START, actor=None, hasher=FAST
                    )
            app.app.desk.hasher = FAST
            # Tests log in many times from one address: the rate limit of logins is
            # tested on its own (with the configured rate, see `login_rate`).
            app.app.limits.login = TokenBuckets(10_000)
            yield app


def new_token(app: InProcess, user: str) -> str:
    with app.live.engine.begin() as connection:
        return api_tokens.create_api_token(connection, user, "test", START, actor=None)[1]


def csrf_of(page: str) -> str:
    found = _CSRF_FIELD.search(page)
    assert found is not None, page[:2000]
    return found.group(1)


def log_in(
    client: Client, name: str, password: str = PASSWORD, next_path: str = ""
) -> httpx.Response:
    """The login form fetched, then sent, as a browser sends it (same origin)."""
    form = client.get("/desk/login")
    assert form.status_code == 200
    data = {"name": name, "password": password, "csrf": csrf_of(form.text), "next": next_path}
    return client.post("/desk/login", data=data, headers={"origin": "http://127.0.0.1:8000"})


def session_cookie(client: Client) -> str:
    """The value of the session cookie the client holds for /desk."""
    jar = client.cookies.jar
    values = [c.value for c in jar if c.name == "newsdesk_session" and c.path == "/desk"]
    assert len(values) == 1, values
    return values[0] or ""


def signed_in(app: InProcess, name: str, peer: str = "127.0.0.1") -> tuple[Client, str]:
    """A client logged in as `name`, and its session's CSRF token (from the list page)."""
    client = app.client(peer)
    assert log_in(client, name).status_code == 303
    page = client.get("/desk/")
    assert page.status_code == 200
    return client, csrf_of(page.text)


@contextmanager
def login_rate(app: InProcess) -> Iterator[int]:
    """The login form limited to its configured rate per address, as in service."""
    limits = app.app.limits
    rate = app.live.config.server.login_per_minute
    relaxed, limits.login = limits.login, TokenBuckets(rate)
    try:
        yield rate
    finally:
        limits.login = relaxed
