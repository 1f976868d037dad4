"""Where a site keeps what newsdesk can rebuild from its files: the build cache, the
SQLite database and compiled templates."""

from pathlib import Path

STATE_DIR = ".newsdesk"


def state_folder(site: Path) -> Path:
    return site / STATE_DIR


def compiled_templates(site: Path) -> Path:
    """Templates compiled once and kept between runs (Jinja's bytecode cache)."""
    return state_folder(site) / "templates"


def image_variants(site: Path) -> Path:
    """The variants of the site's images (newsdesk.publish.variants)."""
    return state_folder(site) / "images"


def search_index_file(site: Path) -> Path:
    """The server's search index, kept between runs (newsdesk.store.search_file)."""
    return state_folder(site) / "search-index.pickle"
