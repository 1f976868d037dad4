"""Loading a folder of articles: discovery, parallel reading, site-wide checks."""

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from newsdesk.content.article import Outcome, article_url, read_article
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.encoding import decode
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import Progress, map_files

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_SKIPPED_NAMES = {"_index.md", "node_modules"}
# The findings of the site-wide checks that change an article.
SLUG_COLLISION = "slug-collision"
SUMMARY_BOILERPLATE = "summary-boilerplate"


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

    Without keep_source the outcome drops the file's text and its repaired text,
    which only `fix` needs: half of what a worker process sends back.
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
        outcome.source = None
        outcome.repaired_text = None
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
    resolve_slugs(outcomes, options)
    replace_boilerplate_summaries(outcomes, options)
    return outcomes


def resolve_slugs(outcomes: list[Outcome], options: ContentOptions) -> None:
    """Slugs are unique: the first file (by path) keeps one, later ones get a suffix."""
    owners: dict[str, str] = {}
    for outcome in sorted(outcomes, key=lambda o: o.path):
        article = outcome.article
        if article is None:
            continue
        slug = article.slug
        if slug in owners:
            number = 2
            while f"{slug}-{number}" in owners:
                number += 1
            new_slug = f"{slug}-{number}"
            _add(
                outcome,
                Diagnostic(
                    SLUG_COLLISION,
                    f"slug '{slug}' is also used by {owners[slug]}; "
                    f"this article is published as '{new_slug}'",
                    fix="give one of the two articles its own 'slug:'",
                ),
            )
            article = outcome.article
            assert article is not None
            url = article_url(options, new_slug, article.published, article.category)
            outcome.article = replace(article, slug=new_slug, url=url)
            slug = new_slug
        owners[slug] = outcome.path


def replace_boilerplate_summaries(outcomes: list[Outcome], options: ContentOptions) -> None:
    """A summary that many articles share says nothing about any of them (pipelines
    reuse one description); derive those from the body instead."""
    given = [o.article for o in outcomes if o.article is not None and o.article.summary_given]
    counts = Counter(article.summary for article in given)
    for outcome in outcomes:
        article = outcome.article
        if article is None or not article.summary_given:
            continue
        repeats = counts[article.summary]
        if repeats < options.boilerplate_summary_repeats:
            continue
        outcome.article = replace(article, summary=article.derived_summary, summary_given=False)
        _add(
            outcome,
            Diagnostic(
                SUMMARY_BOILERPLATE,
                f"the same summary is used by {repeats} articles; "
                "using the article's opening text instead",
                *(outcome.summary_position or (1, 1)),
                fix="write a summary for this article, or remove the field",
            ),
        )


def _add(outcome: Outcome, diagnostic: Diagnostic) -> None:
    outcome.diagnostics.append(diagnostic)
    outcome.diagnostics.sort(key=lambda d: (d.line, d.col))
