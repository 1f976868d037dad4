"""Shared test helpers: paths to the seeds and fixtures, and a real CLI runner."""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser import chromium
from tests.server import Server, database_on, running_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_SITE = ROOT / "examples" / "site"


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


def run_newsdesk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `newsdesk` command as a user would, in a child process."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NEWSDESK_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on each backend."""
    yield from database_on(request.param, tmp_path / "store.sqlite")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test process."""
    with chromium() as launched:
        yield launched


def served_demo(backend: str, root: Path, *options: str) -> Iterator[Server]:
    """A copy of the demo site served on one backend ("sqlite" or "postgresql"),
    with `newsdesk serve` options."""
    yield from served_site(copy_site(DEMO_SITE, root / "site"), backend, *options)


def served_site(site: Path, backend: str, *options: str) -> Iterator[Server]:
    """A site served on a new database on one backend (SQLite: a file beside the site)."""
    for url in database_on(backend, site.parent / "store.sqlite"):
        with running_server(site, url, *options) as running:
            yield running
