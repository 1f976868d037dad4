"""The `newsdesk` command: a thin layer over the library's functions."""

import json
import logging
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdesk import __version__
from newsdesk.cli_accounts import token, user
from newsdesk.content.article import Outcome
from newsdesk.content.diagnostics import Diagnostic, has_errors
from newsdesk.content.fix import patches, write_atomic
from newsdesk.content.loader import display_path, load_all
from newsdesk.content.parallel import Progress as ProgressCallback
from newsdesk.content.tally import SEVERITY_ORDER, tally
from newsdesk.errors import ConfigError, InputError, NewsdeskError
from newsdesk.export.cache import BuildCache
from newsdesk.export.export import build_site
from newsdesk.publish.compile import compile_all, compile_options_key, file_keys
from newsdesk.publish.settle import settle
from newsdesk.site.config import CONFIG_NAME, SiteConfig, load_config, validate
from newsdesk.site.inputs import Inputs, find_config, open_inputs
from newsdesk.site.local_files import SiteFolders, site_folders
from newsdesk.site.migration import recognise
from newsdesk.site.scaffold import create_article, create_site, write_migrated_config

# The server's modules (database, uvicorn, segmenter) load only for the commands that
# use them: every other command starts in a fraction of the time.
if TYPE_CHECKING:
    from newsdesk.publish.live import LiveSite

err = Console(stderr=True, highlight=False, emoji=False)
out = Console(highlight=False, emoji=False)
# Below this many files a progress bar would only flicker.
PROGRESS_MIN_FILES = 50
# Locations `check --summary` shows of each code.
SUMMARY_EXAMPLES = 3


def progress_factory(total: int, label: str, minimum: int = PROGRESS_MIN_FILES) -> ProgressCallback:
    """A progress callback drawing a bar on the terminal until `total` is reached
    (nothing when stderr is not a terminal or there are fewer than `minimum` items)."""
    show = err.is_terminal and total >= minimum
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


def _load(inputs: Inputs, keep_source: bool = False) -> list[Outcome]:
    options = inputs.config.content_options(inputs.root)
    advance = progress_factory(len(inputs.files), "读取文章")
    return load_all(inputs.files, options, advance, keep_source)


def _checked(inputs: Inputs, path: Path) -> list[Outcome]:
    """Each file's outcome with what the site-wide checks found, the local references
    of the public articles among it (finding those renders the bodies)."""
    config = inputs.config
    options = config.content_options(inputs.root)
    if inputs.root:
        folders = site_folders(inputs.root, config)
    else:
        folder = path if path.is_dir() else path.parent
        folders = SiteFolders(folder, folder)
    render = config.render_options()
    advance = progress_factory(len(inputs.files), "读取文章")
    # A site's files are compiled through its build cache: a check after a build (or
    # another check) renders only what changed since.
    cache = _build_cache(inputs.root)
    try:
        keys = file_keys(inputs.files, compile_options_key(options, render))
        compiled, _ = compile_all(inputs.files, keys, options, render, cache, advance)
    finally:
        if cache is not None:
            cache.close()
    for item, file in zip(compiled, inputs.files, strict=True):
        item.shown_as(display_path(file))
    settled = settle(compiled, options, datetime.now(options.zone), folders)
    return settled.outcomes(compiled)


def _build_cache(root: Path | None) -> BuildCache | None:
    """The site's build cache; none for loose files or where it cannot be kept (a
    read-only folder): checking needs no cache."""
    if root is None:
        return None
    try:
        return BuildCache.for_site(root)
    except (OSError, sqlite3.Error):
        return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdesk")
def cli() -> None:
    """newsdesk: a Markdown-first publishing engine for Chinese tech news."""


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--quiet", "-q", is_flag=True, help="Show errors and warnings only.")
@click.option(
    "--summary",
    is_flag=True,
    help="One line per diagnostic code: severity, count, files and the first "
    f"{SUMMARY_EXAMPLES} locations; with --format json, an object "
    "{files, articles, severities, codes: [{code, severity, count, files, examples}]}.",
)
def check(path: Path | None, fmt: str, quiet: bool, summary: bool) -> None:
    """Check articles; exit 1 when any has an error."""
    outcomes = _checked(open_inputs([path] if path else []), path or Path.cwd())
    findings = [
        (o.path, d) for o in outcomes for d in o.diagnostics if not (quiet and d.severity == "info")
    ]
    if summary:
        _print_tally(outcomes, findings, fmt)
    elif fmt == "json":
        data = [{"path": where, **d.to_json()} for where, d in findings]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for where, d in findings:
            _print_diagnostic(out, where, d)
        _summary(outcomes)
    sys.exit(1 if any(has_errors(o.diagnostics) for o in outcomes) else 0)


def _print_tally(outcomes: list[Outcome], findings: list[tuple[str, Diagnostic]], fmt: str) -> None:
    tallies = tally(findings, SUMMARY_EXAMPLES)
    if fmt == "json":
        severities = Counter(d.severity for _, d in findings)
        data = {
            "files": len(outcomes),
            "articles": sum(1 for o in outcomes if o.article is not None),
            "severities": {name: severities[name] for name in SEVERITY_ORDER},
            "codes": [t.to_json() for t in tallies],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    code_width = max((len(t.code) for t in tallies), default=0)
    count_width = max((len(str(t.count)) for t in tallies), default=0)
    for t in tallies:
        style = {"error": "red", "warning": "yellow"}.get(t.severity, "dim")
        places = ", ".join(f"{path}:{d.line}:{d.col}" for path, d in t.examples)
        more = t.count - len(t.examples)
        out.print(
            f"[{style}]{t.severity:<7}[/] {escape(t.code):<{code_width}} "
            f"{t.count:>{count_width}} in {len(t.files)} files: {escape(places)}"
            + (f" (+{more} more)" if more else ""),
            markup=True,
            soft_wrap=True,
        )
    _summary(outcomes)


def _print_diagnostic(console: Console, path: str, d: Diagnostic) -> None:
    style = {"error": "red", "warning": "yellow"}.get(d.severity, "dim")
    console.print(
        f"{path}:{d.line}:{d.col}: [{style}]{d.severity}[/] {d.code} {d.message}",
        markup=True,
        soft_wrap=True,
    )


def _severities(outcomes: Iterable[Outcome], errors_to: Console | None = None) -> Counter[str]:
    """The outcomes' diagnostics counted by severity; the errors printed to `errors_to`."""
    severities: Counter[str] = Counter()
    for o in outcomes:
        for d in o.diagnostics:
            severities[d.severity] += 1
            if errors_to is not None and d.severity == "error":
                _print_diagnostic(errors_to, o.path, d)
    return severities


def _summary(outcomes: list[Outcome]) -> None:
    severities = _severities(outcomes)
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
    outcomes = _load(open_inputs(list(paths)))
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
    outcomes = _load(open_inputs([path] if path else []), keep_source=True)
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
    config = _site_config(site, base_url)
    target = out or site / "public"
    report = build_site(site, config, target, progress_factory)
    severities = _severities(report.outcomes, err)
    errors, warnings = severities["error"], severities["warning"]
    err.print(
        f"built {report.articles} articles into {target}: {report.pages} files, "
        f"{report.written} written, {report.removed} removed; "
        f"{report.compiled} articles compiled, {errors} errors, {warnings} warnings",
        soft_wrap=True,
    )
    sys.exit(1 if errors else 0)


def _site_config(site: Path, base_url: str | None) -> SiteConfig:
    config_path = find_config(site)
    if config_path is None or config_path.parent.resolve() != site.resolve():
        raise NewsdeskError(f"{site}: no {CONFIG_NAME} here; give the site's folder")
    config = load_config(config_path)
    if base_url:
        config = config.with_base_url(base_url)
        validate(config, config_path)
    return config


def _live_site(site: Path, config: SiteConfig, database: str | None, dev: bool) -> "LiveSite":
    """The site indexed into its database, with a progress bar and its diagnostics."""
    from newsdesk.publish.live import LiveSite
    from newsdesk.store.database import database_url, open_store

    engine = open_store(database_url(site, database))
    live = LiveSite(site, config, engine, live_reload=dev)
    # LiveSite logs each file that fails to compile, for the changes it sees while
    # serving; those of the first index are printed here, with the rest.
    with _unlogged(logging.getLogger("newsdesk")):
        report = live.index(progress_factory)
    _severities(live.outcomes(), err)
    err.print(
        f"indexed {report.files} files: {report.compiled} compiled, {report.removed} removed, "
        f"{report.errors} with errors",
        soft_wrap=True,
    )
    return live


@contextmanager
def _unlogged(logger: logging.Logger) -> Iterator[None]:
    def drop(_: logging.LogRecord) -> bool:
        return False

    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


@cli.command()
@click.argument("site", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--database-url",
    default=None,
    help="Database URL (default: $NEWSDESK_DATABASE_URL, else SQLite in SITE/.newsdesk/).",
)
@click.option("--base-url", default=None, help="Absolute URL the site is served under.")
@click.option("--dev", is_flag=True, help="Reload open pages in the browser when content changes.")
def serve(
    site: Path,
    host: str,
    port: int,
    workers: int,
    database_url: str | None,
    base_url: str | None,
    dev: bool,
) -> None:
    """Serve SITE: pages, the JSON API, view counts and search, updated as files change."""
    config = _site_config(site, base_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    live = _live_site(site, config, database_url, dev)
    from newsdesk.web.server import listen, run

    sock = listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    err.print(
        f"serving http://{shown}:{sock.getsockname()[1]}/ with {workers} worker(s) (Ctrl-C stops)"
    )
    run(live, sock, workers)


@cli.command("search")
@click.argument("query")
@click.option("--site", type=click.Path(path_type=Path), default=Path("."), help="The site folder.")
@click.option("--database-url", default=None, help="Database URL, as for serve.")
@click.option("--category", default=None)
@click.option("--tag", default=None)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search_command(
    query: str,
    site: Path,
    database_url: str | None,
    category: str | None,
    tag: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Search the site's articles as the server does (indexing changed files first)."""
    config = _site_config(site, None)
    live = _live_site(site, config, database_url, False)
    from newsdesk.render.html_text import html_to_text
    from newsdesk.site.records import search_record
    from newsdesk.store.search import SearchQuery

    found = live.search(SearchQuery(text=query, category=category, tag=tag, limit=limit))
    total, hits = found.total, found.hits
    snapshot = live.snapshot
    assert snapshot is not None
    if as_json:
        items = [search_record(entry, hit, snapshot.theme) for entry, hit in hits]
        out.print_json(
            json.dumps({"query": query, "total": total, "items": items}, ensure_ascii=False)
        )
        return
    if not hits:
        err.print("no articles found")
        return
    err.print(f"{total} articles found")
    for number, (entry, hit) in enumerate(hits, 1):
        out.print(
            f"{number:>2}. {entry.article.title}  {snapshot.theme.href(entry.article.url)}",
            soft_wrap=True,
            markup=False,
        )
        out.print(f"    {html_to_text(hit.snippet_html)}", soft_wrap=True, markup=False)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Create a new site in DIRECTORY, or publish the Hexo, Jekyll, Hugo or VitePress
    blog that DIRECTORY holds where it is (its files are left as they are)."""
    found = recognise(directory) if directory.is_dir() else None
    if found is None:
        create_site(directory)
        err.print(f"created {directory / CONFIG_NAME}; run: newsdesk check {directory}")
        return
    write_migrated_config(directory, found)
    err.print(f"recognised a {found.generator} blog; its articles are in {found.content_dir}")
    for note in found.notes:
        err.print(f"  {note}", soft_wrap=True, markup=False)
    err.print(
        f"created {directory / CONFIG_NAME}; run: newsdesk check {directory} --summary",
        soft_wrap=True,
    )


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
    inputs = Inputs(load_config(config_path), [], config_path.parent)
    created = create_article(inputs, title, category, list(tags), datetime.now())
    err.print(f"created {created}")


@cli.command()
@click.argument("notes", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--site", type=click.Path(path_type=Path), default=Path("."), help="The site folder.")
@click.option(
    "--endpoint", default=None, help="Chat completions API base, e.g. http://127.0.0.1:8080/v1."
)
@click.option("--model", default=None, help="The model to ask.")
@click.option("--prompt", "prompt_file", type=click.Path(path_type=Path), default=None)
@click.option("--force", is_flag=True, help="Draft drafted notes again (never an edited draft).")
@click.option("--dry-run", is_flag=True, help="Print the prompts; ask no model, write nothing.")
def draft(
    notes: tuple[Path, ...],
    site: Path,
    endpoint: str | None,
    model: str | None,
    prompt_file: Path | None,
    force: bool,
    dry_run: bool,
) -> None:
    """Turn daily notes (Markdown or text) into draft articles through a chat model."""
    from newsdesk.publish.draft import draft_job, draft_notes, find_notes, prompts

    config_path = find_config(site)
    if config_path is None:
        raise NewsdeskError(f"{site}: no {CONFIG_NAME} here or above; run newsdesk init first")
    overrides = {"endpoint": endpoint, "model": model}
    job = draft_job(config_path, overrides, prompt_file, force, os.environ, not dry_run)
    found = find_notes(list(notes))
    if not found:
        raise InputError("no notes (.md or .txt) found")
    if dry_run:
        for note, prompt in prompts(found, job):
            out.print(f"===== {note} =====", markup=False)
            out.print(prompt, markup=False, highlight=False, soft_wrap=True)
        return
    advance = progress_factory(len(found), "起草", minimum=2)
    results = draft_notes(found, job, advance)
    for result in results:
        if result.status == "drafted":
            shown = f"{result.note} → {result.draft}: {result.message}"
            out.print(shown, markup=False, soft_wrap=True)
        elif result.status == "failed":
            err.print(f"[red]{result.note}:[/] {escape(result.message)}", soft_wrap=True)
        else:
            err.print(f"{result.note}: {result.message}", markup=False, soft_wrap=True)
    counts = Counter(result.status for result in results)
    err.print(
        f"{len(results)} notes: {counts['drafted']} drafted, {counts['skipped']} already drafted, "
        f"{counts['kept']} kept (edited), {counts['failed']} failed",
        soft_wrap=True,
    )
    sys.exit(1 if counts["failed"] else 0)


cli.add_command(user)
cli.add_command(token)


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
        err.print(f"[red]error:[/] {escape(str(error))}", soft_wrap=True)
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
