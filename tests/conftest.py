"""Shared test helpers: paths to the seeds and fixtures, and a real CLI runner."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_SITE = ROOT / "examples" / "site"


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"the seed articles are missing: {SEEDS}")
    return SEEDS


def copy_site(source: Path, target: Path) -> Path:
    """A copy of a site to build in, without its cache or output."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".newsdesk", "public"))
    return target


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
