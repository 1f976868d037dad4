"""Loading a folder of articles: discovery, parallel reading, site-wide checks."""

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from newsdesk.content.article import Outcome, read_article
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.encoding import decode
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import Progress, map_files
from newsdesk.content.sitewide import check_site

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_SKIPPED_NAMES = {"_index.md", "node_modules"}


def discover(folder: Path) -> list[Path]:
    """Markdown files under folder, sorted; hidden files and folders skipped."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if _wanted_folder(d))
        found.extend(os.path.join(root, name) for name in files if _wanted_file(name))
    # Sorted as path parts, like Path objects sort, but without their slow comparisons.
    found.sort(key=lambda path: path.split(os.sep))
    return [Path(path) for path in found]


def is_article_path(parts: tuple[str, ...]) -> bool:
    """Whether the file at these path parts under a content folder is one that
    `discover` finds."""
    return bool(parts) and all(map(_wanted_folder, parts[:-1])) and _wanted_file(parts[-1])


def _wanted_folder(name: str) -> bool:
    return not name.startswith(".") and name not in _SKIPPED_NAMES


def _wanted_file(name: str) -> bool:
    return (
        name.lower().endswith(MARKDOWN_SUFFIXES)
        and not name.startswith(".")
        and name not in _SKIPPED_NAMES
    )


def display_path(path: Path) -> str:
    """The path relative to the working folder when inside it, as users typed it.

    Plain string work, no symlink resolution: this runs once per file.
    """
    here = os.getcwd() + os.sep
    absolute = os.path.abspath(path)
    return absolute[len(here) :] if absolute.startswith(here) else str(path)


def load_file(path: Path, options: ContentOptions, keep_source: bool = True) -> Outcome:
    """Read one file; never raises for anything the file contains.

    Without keep_source the outcome drops the file's text, its repaired text (which
    only `fix` needs) and the body (which only rendering needs).
    """
    shown = display_path(path)
    try:
        data = path.read_bytes()
        modified = datetime.fromtimestamp(path.stat().st_mtime, options.zone)
    except OSError as error:
        reason = error.strerror or str(error)
        return Outcome(shown, diagnostics=[Diagnostic("file-unreadable", f"cannot read: {reason}")])
    source, problems = decode(data, options.max_file_bytes)
    if source is None:
        return Outcome(shown, diagnostics=problems)
    outcome = read_article(shown, source, options, modified)
    if not keep_source:
        outcome.drop_text()
    outcome.diagnostics[:0] = problems
    return outcome


def load_all(
    paths: Iterable[Path],
    options: ContentOptions,
    progress: Progress | None = None,
    keep_source: bool = True,
) -> list[Outcome]:
    """Load every file (in parallel when there are many), then check the site as a
    whole: unique slugs, boilerplate summaries."""
    outcomes = map_files(load_file, list(paths), (options, keep_source), progress)
    checks = check_site(outcomes, options)
    return [checks.outcome(outcome) for outcome in outcomes]
