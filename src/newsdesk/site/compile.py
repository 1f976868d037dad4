"""Articles compiled once: each file read, normalized and rendered to HTML, with
the results kept in a cache keyed by the file's identity and the options."""

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from newsdesk import __version__
from newsdesk.content.article import Outcome
from newsdesk.content.loader import load_file, replace_boilerplate_summaries, resolve_slugs
from newsdesk.content.model import TocEntry
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import Progress, map_files
from newsdesk.render.markdown import render_body
from newsdesk.render.options import RenderOptions
from newsdesk.site.catalog import digest


@dataclass
class Compiled:
    """One file's outcome and, when it became an article, its rendered body.

    The article's Markdown body is dropped once rendered: pages need only the HTML.
    """

    outcome: Outcome
    html: str = ""
    toc: tuple[TocEntry, ...] = ()
    body_key: str = ""


class CompileCache(Protocol):
    def get_many(self, keys: list[str]) -> dict[str, Compiled]: ...

    def put_many(self, items: dict[str, Compiled]) -> None: ...


def file_key(path: Path, content: ContentOptions, render: RenderOptions) -> str:
    """Changes whenever the file, the options or newsdesk itself change."""
    stat = path.stat()
    where = os.path.abspath(path)
    identity = f"{__version__}|{where}|{stat.st_size}|{stat.st_mtime_ns}|{content}|{render}"
    return hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()


def compile_file(path: Path, content: ContentOptions, render: RenderOptions) -> Compiled:
    outcome = load_file(path, content, keep_source=False)
    article = outcome.article
    if article is None:
        return Compiled(outcome)
    rendered = render_body(article.body, render)
    outcome.article = replace(article, body="")
    body_key = digest(rendered.html, rendered.toc)
    return Compiled(outcome, rendered.html, rendered.toc, body_key)


def compile_all(
    paths: Iterable[Path],
    content: ContentOptions,
    render: RenderOptions,
    cache: CompileCache | None = None,
    progress: Progress | None = None,
) -> tuple[list[Compiled], int]:
    """Every file compiled (from the cache when unchanged), then the site-wide
    checks; returns the results in path order and how many were compiled afresh."""
    paths = list(paths)
    keys: list[str] = []
    for path in paths:
        try:
            keys.append(file_key(path, content, render))
        except OSError:
            keys.append("")  # unreadable: load_file reports it
    cached = cache.get_many([k for k in keys if k]) if cache else {}
    if progress and cached:
        progress(len(cached))
    missing = [(path, key) for path, key in zip(paths, keys, strict=True) if key not in cached]
    fresh = dict(
        zip(
            [key for _, key in missing],
            map_files(compile_file, [path for path, _ in missing], (content, render), progress),
            strict=True,
        )
    )
    if cache:
        cache.put_many({key: item for key, item in fresh.items() if key})
    results = [cached.get(key) or fresh[key] for key in keys]
    outcomes = [item.outcome for item in results]
    resolve_slugs(outcomes, content)
    replace_boilerplate_summaries(outcomes, content)
    return results, len(missing)
