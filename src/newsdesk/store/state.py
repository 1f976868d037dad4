"""Where a site keeps what newsdesk can rebuild from its files: the build cache, the
SQLite database and compiled templates."""

from pathlib import Path

STATE_DIR = ".newsdesk"


def state_folder(site: Path) -> Path:
    return site / STATE_DIR


def compiled_templates(site: Path) -> Path:
    """Templates compiled once and kept between runs (Jinja's bytecode cache)."""
    return state_folder(site) / "templates"
