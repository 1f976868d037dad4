"""A real `newsdesk serve` process on 127.0.0.1 for tests, and its databases."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
import pytest
from bench.measure import free_port
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from newsdesk.store import views, visitors
from newsdesk.store.database import connect, migrate, scratch_database
from newsdesk.store.schema import view_days, view_visits

T = TypeVar("T")
TEST_DATABASE_ENV = "NEWSDESK_TEST_DATABASE_URL"
START_TIMEOUT = 90.0


@dataclass
class Server:
    url: str
    site: Path
    database_url: str
    process: subprocess.Popen[str]
    log: Path

    def client(self, **options: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **options)  # type: ignore[arg-type]

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running_server(
    site: Path, database_url: str, *options: str, port: int | None = None
) -> Iterator[Server]:
    """`newsdesk serve SITE` in a child process, ready when its home page answers."""
    server = launch(site, database_url, *options, port=port)
    try:
        wait_until_ready(server)
        yield server
    finally:
        stop(server)


def launch(site: Path, database_url: str, *options: str, port: int | None = None) -> Server:
    """`newsdesk serve SITE` started in a session of its own (so that its workers can
    be found and ended with it), without waiting for it; `stop` ends it."""
    port = port or free_port()
    log = site.parent / f"serve-{port}.log"
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NEWSDESK_DATABASE_URL", None)
    command = [sys.executable, "-m", "newsdesk", "serve", str(site), "--port", str(port)]
    command += ["--database-url", database_url, *options]
    with open(log, "w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
    return Server(f"http://127.0.0.1:{port}", site, database_url, process, log)


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    # Whatever is left of its session (workers of a server that was killed).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)


def wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"newsdesk serve exited with {server.process.returncode}:\n{server.output()}"
            )
        try:
            if httpx.get(server.url + "/", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"newsdesk serve did not answer within {START_TIMEOUT} s:\n{server.output()}")


def eventually(check: Callable[[], bool], within: float = 1.0) -> float:
    """Seconds until check() held; fails after `within` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        if check():
            return time.monotonic() - start
        time.sleep(0.02)
    raise AssertionError(f"not true within {within} s")


class Gets(Protocol):
    """A client of a real server (httpx.Client) or of the app in-process (asgi.Client)."""

    def get(self, url: str, **options: Any) -> httpx.Response: ...


def all_articles(client: Gets, limit: int = 4, **filters: str) -> list[dict[str, object]]:
    """Every article the API lists with `filters`, through its cursor, `limit` a page
    (few by default, so that the demo site takes several pages)."""
    items: list[dict[str, object]] = []
    params = {"limit": str(limit), **filters}
    while True:
        page = client.get("/api/v1/articles", params=params).json()
        items.extend(page["items"])
        if not page["next_cursor"]:
            return items
        params["cursor"] = page["next_cursor"]


def page_title(html: str) -> str:
    """The text of a page's <title>."""
    start = html.index("<title>") + len("<title>")
    return html[start : html.index("</title>")]


def on_fresh_connections(server: Server, read: Callable[[httpx.Client], T]) -> list[T]:
    """read(client) on 8 new connections: each may reach any of several workers."""
    answers = []
    for _ in range(8):
        with httpx.Client(base_url=server.url) as fresh:
            answers.append(read(fresh))
    return answers


def database_on(backend: str, sqlite_file: Path) -> Iterator[str]:
    """A new, empty database on one backend ("sqlite": at sqlite_file; "postgresql":
    a scratch database on the server at $NEWSDESK_TEST_DATABASE_URL, dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    yield from postgres_database()


def postgres_server() -> str:
    server = os.environ.get(TEST_DATABASE_ENV)
    if not server:
        pytest.fail(f"{TEST_DATABASE_ENV} is not set: point it at a PostgreSQL server")
    return server


def postgres_database() -> Iterator[str]:
    """A new database on the server at $NEWSDESK_TEST_DATABASE_URL, dropped after."""
    with scratch_database(postgres_server()) as url:
        yield url


class Template:
    """A database made once on one backend (migrated, then filled by `fill`) and copied
    for each test that needs one like it: a file copy on SQLite, CREATE DATABASE …
    TEMPLATE on PostgreSQL. Cheaper than migrating and filling a database per test."""

    def __init__(self, backend: str, folder: Path, fill: Callable[[Engine], None]):
        self.backend = backend
        self._stack = contextlib.ExitStack()
        if backend == "sqlite":
            folder.mkdir(parents=True, exist_ok=True)
            self._file = folder / "template.sqlite"
            self.url = f"sqlite:///{self._file}"
        else:
            self.url = self._stack.enter_context(
                scratch_database(postgres_server(), prefix="newsdesk_template")
            )
        try:
            with engine_at(self.url) as engine:
                migrate(engine)
                fill(engine)
        except BaseException:
            self._stack.close()
            raise

    def copy(self, sqlite_file: Path) -> Iterator[str]:
        """A new database like the template ("sqlite": at sqlite_file), dropped after."""
        if self.backend == "sqlite":
            # Every connection to the template is closed: its WAL is in the file.
            assert not self._file.with_name(self._file.name + "-wal").exists()
            shutil.copyfile(self._file, sqlite_file)
            yield f"sqlite:///{sqlite_file}"
            return
        # Not connected to the template itself: PostgreSQL copies only an unused one.
        template = make_url(self.url).database
        with scratch_database(postgres_server(), template=template) as url:
            yield url

    def close(self) -> None:
        self._stack.close()


@contextmanager
def engine_at(url: str) -> Iterator[Engine]:
    """An engine on the database at `url`, disposed of after."""
    engine = connect(url)
    try:
        yield engine
    finally:
        engine.dispose()


@dataclass
class StoredViews:
    """The view counts as stored, read from the database itself."""

    totals: dict[str, int]
    daily: dict[str, int]  # the per-day counts summed
    visits: set[tuple[str, str]]  # (visitor id, slug)
    salts: list[str]  # of every day with views

    def has(self, agent: str, slug: str, address: str = "127.0.0.1") -> bool:
        """Whether a view of `slug` by this browser at `address` was counted."""
        ids = (visitors.visitor_id(salt, address, agent) for salt in self.salts)
        return any((visitor, slug) in self.visits for visitor in ids)


def stored_views(url: str) -> StoredViews:
    # begin(), not connect(): reading a day's salt makes the site's secret when it is missing.
    with engine_at(url) as engine, engine.begin() as connection:
        totals = views.view_totals(connection)
        daily: Counter[str] = Counter()
        days = set()
        for slug, day, count in connection.execute(select(view_days)):
            daily[slug] += count
            days.add(day)
        visits = set(connection.execute(select(view_visits.c.visitor, view_visits.c.slug)).all())
        salts = [views.visitor_salt(connection, day) for day in days]
    return StoredViews(totals, dict(daily), visits, salts)
