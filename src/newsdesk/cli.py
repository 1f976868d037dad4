"""The `newsdesk` command: a thin layer over the library's functions."""

import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdesk import __version__
from newsdesk.build.export import build_site
from newsdesk.content.article import Outcome
from newsdesk.content.diagnostics import Diagnostic, has_errors
from newsdesk.content.fix import patches, write_atomic
from newsdesk.content.loader import load_all
from newsdesk.errors import ConfigError, NewsdeskError
from newsdesk.site.config import CONFIG_NAME, load_config, validate
from newsdesk.site.scaffold import create_article, create_site
from newsdesk.site.sources import Sources, find_config, open_sources

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)
# Below this many files a progress bar would only flicker.
PROGRESS_MIN_FILES = 50


def progress_factory(total: int, label: str) -> Callable[[int], None]:
    """A progress callback drawing a bar on the terminal until `total` is reached
    (nothing when stderr is not a terminal or the work is small)."""
    show = err.is_terminal and total >= PROGRESS_MIN_FILES
    if not show:
        return lambda done: None
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task(label, total=total)
    bar.start()
    finished = 0

    def advance(done: int) -> None:
        nonlocal finished
        finished += done
        bar.advance(task, done)
        if finished >= total:
            bar.stop()

    return advance


def _load(sources: Sources, keep_source: bool = False) -> list[Outcome]:
    options = sources.config.content_options()
    advance = progress_factory(len(sources.files), "读取文章")
    return load_all(sources.files, options, advance, keep_source)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdesk")
def cli() -> None:
    """newsdesk: a Markdown-first publishing engine for Chinese tech news."""


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--quiet", "-q", is_flag=True, help="Show errors and warnings only.")
def check(path: Path | None, fmt: str, quiet: bool) -> None:
    """Check articles; exit 1 when any has an error."""
    outcomes = _load(open_sources([path] if path else []))
    findings = [
        (o.path, d) for o in outcomes for d in o.diagnostics if not (quiet and d.severity == "info")
    ]
    if fmt == "json":
        data = [{"path": where, **d.to_json()} for where, d in findings]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for where, d in findings:
            _print_diagnostic(out, where, d)
        _summary(outcomes)
    sys.exit(1 if any(has_errors(o.diagnostics) for o in outcomes) else 0)


def _print_diagnostic(console: Console, path: str, d: Diagnostic) -> None:
    style = {"error": "red", "warning": "yellow"}.get(d.severity, "dim")
    console.print(
        f"{path}:{d.line}:{d.col}: [{style}]{d.severity}[/] {d.code} {d.message}",
        markup=True,
        soft_wrap=True,
    )


def _summary(outcomes: list[Outcome]) -> None:
    severities = Counter(d.severity for o in outcomes for d in o.diagnostics)
    loaded = sum(1 for o in outcomes if o.article is not None)
    fixable = sum(1 for o in outcomes if o.repairs)
    line = (
        f"{len(outcomes)} files: {loaded} articles, {severities['error']} errors, "
        f"{severities['warning']} warnings"
    )
    if fixable:
        line += f", {fixable} files with repairs (newsdesk fix --write applies them)"
    err.print(line, soft_wrap=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the normalized articles as JSON.")
def inspect(paths: tuple[Path, ...], as_json: bool) -> None:
    """Show the normalized article of each Markdown file."""
    outcomes = _load(open_sources(list(paths)))
    if as_json:
        data = [o.to_json() for o in outcomes]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        table = Table("path", "title", "slug", "published", "min", "repairs")
        for o in outcomes:
            a = o.article
            if a is None:
                table.add_row(o.path, "[red]unreadable[/]", "", "", "", "")
                continue
            table.add_row(
                o.path,
                a.title,
                a.slug,
                a.published.date().isoformat(),
                str(a.read_minutes),
                ", ".join(o.repairs),
            )
        out.print(table)
    sys.exit(1 if any(has_errors(o.diagnostics) for o in outcomes) else 0)


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--write", is_flag=True, help="Apply the repairs to the files.")
def fix(path: Path | None, write: bool) -> None:
    """Show the repairs as a unified diff; --write applies them."""
    outcomes = _load(open_sources([path] if path else []), keep_source=True)
    found = patches(outcomes)
    for patch in found:
        if write:
            write_atomic(Path(patch.path), patch.data)
            err.print(f"fixed {patch.path}: {', '.join(patch.repairs)}", soft_wrap=True)
        else:
            click.echo(patch.diff(), nl=False)
    if not found:
        err.print("nothing to repair")
    elif not write:
        err.print(f"{len(found)} files would change; run with --write to apply")


@cli.command()
@click.argument("site", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder.")
@click.option("--base-url", default=None, help="Absolute URL the site is published under.")
def build(site: Path, out: Path | None, base_url: str | None) -> None:
    """Build the static site into OUT (default: SITE/public).

    Articles with errors are reported and left out; the rest are published, and the
    exit status is 1 so that a pipeline notices.
    """
    config_path = find_config(site)
    if config_path is None or config_path.parent.resolve() != site.resolve():
        raise NewsdeskError(f"{site}: no {CONFIG_NAME} here; a site folder is needed to build")
    config = load_config(config_path)
    if base_url:
        config = config.with_base_url(base_url)
        validate(config, config_path)
    target = out or site / "public"
    report = build_site(site, config, target, progress_factory)
    severities: Counter[str] = Counter()
    for o in report.outcomes:
        for d in o.diagnostics:
            severities[d.severity] += 1
            if d.severity == "error":
                _print_diagnostic(err, o.path, d)
    errors, warnings = severities["error"], severities["warning"]
    err.print(
        f"built {report.articles} articles into {target}: {report.pages} files, "
        f"{report.written} written, {report.removed} removed; "
        f"{report.compiled} articles compiled, {errors} errors, {warnings} warnings",
        soft_wrap=True,
    )
    sys.exit(1 if errors else 0)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Create a new site in DIRECTORY."""
    create_site(directory)
    err.print(f"created {directory / CONFIG_NAME}; run: newsdesk check {directory}")


@cli.command()
@click.argument("title")
@click.option("--site", type=click.Path(path_type=Path), default=Path("."))
@click.option("--category", default="")
@click.option("--tag", "tags", multiple=True)
def new(title: str, site: Path, category: str, tags: tuple[str, ...]) -> None:
    """Create a new article titled TITLE in the site's content folder."""
    config_path = find_config(site)
    if config_path is None:
        raise NewsdeskError(f"{site}: no {CONFIG_NAME} here or above; run newsdesk init first")
    sources = Sources(load_config(config_path), [], config_path.parent)
    created = create_article(sources, title, category, list(tags), datetime.now())
    err.print(f"created {created}")


def main(argv: list[str] | None = None) -> Any:
    """Entry point: library errors become one readable line, never a traceback."""
    try:
        return cli.main(args=argv, prog_name="newsdesk", standalone_mode=False)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ConfigError as error:
        err.print(f"[red]error:[/] invalid {error.path}:")
        for key, message in error.problems:
            err.print(f"  {key or '(file)'}: {message}", soft_wrap=True)
        sys.exit(2)
    except NewsdeskError as error:
        err.print(f"[red]error:[/] {error}", soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # the last line of defence: no bare traceback
        if os.environ.get("NEWSDESK_DEBUG"):
            raise
        err.print(
            f"[red]internal error:[/] {type(error).__name__}: {error} "
            "(set NEWSDESK_DEBUG=1 to see the traceback)",
            soft_wrap=True,
        )
        sys.exit(70)
