"""Shared test helpers: paths to the fixtures and the demo site, a real CLI runner,
databases on both backends, and the demo site served (in-process and by a real
`newsdesk serve` process)."""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from newsdesk.publish.live import LiveSite
from newsdesk.site.config import CONFIG_NAME, load_config
from tests.asgi import InProcess, serving
from tests.browser import chromium
from tests.server import Server, Template, database_on, running_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_SITE = ROOT / "examples" / "site"
BACKENDS = ["sqlite", "postgresql"]


def copy_site(source: Path, target: Path) -> Path:
    """A copy of a site to build in, without its cache or output."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".newsdesk", "public"))
    return target


def set_language(site: Path, language: str) -> None:
    """The site's language in its newsdesk.toml."""
    config = site / "newsdesk.toml"
    text, count = re.subn(
        r'(?m)^language = ".*"$', f'language = "{language}"', config.read_text(encoding="utf-8")
    )
    # A config that moved the setting would otherwise leave the site in its old language unnoticed.
    assert count == 1, f"{config} sets no language"
    config.write_text(text, encoding="utf-8")


def run_newsdesk(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `newsdesk` command as a user would, in a child process (with
    `stdin` as its standard input, when given)."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NEWSDESK_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


# Databases -----------------------------------------------------------------


class Templates:
    """The databases the tests start from, each made once per test process and
    backend, then copied for each test (see `Template`)."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._made: dict[tuple[str, str], Template] = {}

    def migrated(self, backend: str) -> Template:
        """The schema, and nothing in it."""
        return self._template("migrated", backend, lambda _: None)

    def demo(self, backend: str) -> Template:
        """The demo site indexed, as `newsdesk serve` leaves it: a copy of the demo
        site served on a copy of this compiles nothing."""
        site = self._folder / "demo-site"
        if not site.exists():
            copy_site(DEMO_SITE, site)

        def index(engine: Engine) -> None:
            LiveSite(site, load_config(site / CONFIG_NAME), engine).index()

        return self._template("demo", backend, index)

    def _template(self, kind: str, backend: str, fill: Callable[[Engine], None]) -> Template:
        if (kind, backend) not in self._made:
            folder = self._folder / f"{kind}-{backend}"
            self._made[kind, backend] = Template(backend, folder, fill)
        return self._made[kind, backend]

    def close(self) -> None:
        for template in self._made.values():
            template.close()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"))
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on each backend."""
    yield from database_on(request.param, tmp_path / "store.sqlite")


@pytest.fixture(params=BACKENDS)
def store_url(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[str]:
    """A new database on each backend, with the schema made and nothing in it."""
    yield from templates.migrated(request.param).copy(tmp_path / "store.sqlite")


@pytest.fixture(params=BACKENDS)
def demo_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[str]:
    """A new database on each backend with the demo site indexed in it, for a copy of
    the demo site (`copy_site(DEMO_SITE, …)`)."""
    yield from templates.demo(request.param).copy(tmp_path / "store.sqlite")


# The demo site served -------------------------------------------------------


@pytest.fixture(scope="session", params=BACKENDS)
def demo_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[InProcess]:
    """The demo site served on each database by the app in-process (tests/asgi.py): one
    per test process and backend, shared. Tests may count views (relative to what they
    read first), not change the site."""
    root = tmp_path_factory.mktemp(f"demo-app-{request.param}")
    site = copy_site(DEMO_SITE, root / "site")
    for url in templates.demo(request.param).copy(root / "store.sqlite"):
        with serving(site, url) as app:
            yield app


@pytest.fixture(scope="module", params=BACKENDS)
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[Server]:
    """The demo site served on each database by a real `newsdesk serve` process, for
    what only a server process shows (its HTTP parser, sockets, a browser's view)."""
    yield from served_demo(templates, request.param, tmp_path_factory.mktemp("demo-server"))


def served_demo(templates: Templates, backend: str, root: Path, *options: str) -> Iterator[Server]:
    """A copy of the demo site served by a real process on one backend ("sqlite" or
    "postgresql"), with `newsdesk serve` options."""
    site = copy_site(DEMO_SITE, root / "site")
    for url in templates.demo(backend).copy(root / "store.sqlite"):
        with running_server(site, url, *options) as running:
            yield running


def served_site(site: Path, backend: str, *options: str) -> Iterator[Server]:
    """A site served on a new database on one backend (SQLite: a file beside the site)."""
    for url in database_on(backend, site.parent / "store.sqlite"):
        with running_server(site, url, *options) as running:
            yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test process."""
    with chromium() as launched:
        yield launched
