"""Articles compiled once: each file read, normalized and rendered to HTML, with
the results kept in a cache keyed by the file's identity and the options."""

import os
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from newsdesk import __version__
from newsdesk.content.article import Outcome
from newsdesk.content.loader import load_file
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import Progress, map_files
from newsdesk.render.html_text import html_to_text
from newsdesk.render.markdown import render_body
from newsdesk.render.options import RenderOptions
from newsdesk.site.catalog import Entry, card_base
from newsdesk.site.local_refs import find_refs
from newsdesk.site.redirects import key_places, names_old_urls
from newsdesk.text.digest import bytes_digest, digest
from newsdesk.text.slug import slugify

# Part of every cache key: changes whenever Compiled or the HTML of a body does, so
# old entries are not read.
COMPILED_FORMAT = 10


@dataclass
class Compiled:
    """What compiling one file gave: what reading it said, and its published entry
    when it became an article (the entry's article is the outcome's)."""

    outcome: Outcome
    entry: Entry | None = None

    def shown_as(self, path: str) -> None:
        """Name the file by `path` (as typed here), when a cached result names it as it
        was typed where it was compiled."""
        if self.outcome.path == path:
            return
        article = self.outcome.article
        if article is not None:
            article = replace(article, path=path)
        self.outcome = replace(self.outcome, path=path, article=article)
        if self.entry is not None and article is not None:
            self.entry = replace(self.entry, article=article)


class CompileCache(Protocol):
    def get_many(self, keys: list[str]) -> dict[str, Compiled]: ...

    def put_many(self, items: dict[str, bytes]) -> None:
        """Store pickled Compiled objects by key."""


def compile_options_key(content: ContentOptions, render: RenderOptions) -> str:
    return digest(__version__, COMPILED_FORMAT, content, render)


def file_key(path: Path, options_key: str, cwd: str) -> str:
    """Changes whenever the file, the options or newsdesk itself change (`cwd`: the
    working folder, asked for once for many files)."""
    text = os.fspath(path)
    stat = os.stat(text)
    absolute = os.path.normpath(os.path.join(cwd, text))
    identity = f"{options_key}|{absolute}|{stat.st_size}|{stat.st_mtime_ns}"
    return bytes_digest(identity.encode(), 16)


def compile_file(
    path: Path,
    content: ContentOptions,
    render: RenderOptions,
    known_slugs: Mapping[str, str] | None = None,
) -> Compiled:
    """`known_slugs`: term slugs worked out before (transliterating a Chinese name
    loads pinyin's dictionary, which is slow to load in every worker)."""
    outcome = load_file(path, content)
    article = outcome.article
    markdown = outcome.body or ""
    source = outcome.source.text if outcome.source else ""
    outcome.drop_text()
    if article is None:
        return Compiled(outcome)
    rendered = render_body(markdown, render, lead_image=not article.cover_image)
    names = [x.name for x in article.authors]
    terms = [*([article.category] if article.category else []), *article.tags, *names]
    known = known_slugs or {}
    slugs = {name: known[name] if name in known else slugify(name) for name in terms}
    entry = Entry(
        article,
        rendered.html,
        rendered.toc,
        digest(rendered.html, rendered.toc),
        slugs,
        card_base(article),
        digest(rendered.toc),
        html_to_text(rendered.html),
        find_refs(rendered.html, source, article.cover_image),
        key_places(source) if names_old_urls(article) else (),
        os.path.abspath(path),
    )
    return Compiled(outcome, entry)


def compile_packed(
    path: Path,
    content: ContentOptions,
    render: RenderOptions,
    known_slugs: Mapping[str, str] | None = None,
) -> bytes:
    """compile_file, pickled once in the worker: the same bytes go to the cache."""
    compiled = compile_file(path, content, render, known_slugs)
    return pickle.dumps(compiled, pickle.HIGHEST_PROTOCOL)


def term_slugs(compiled: Iterable[Compiled]) -> dict[str, str]:
    """Every term slug these compiled articles worked out."""
    known: dict[str, str] = {}
    for item in compiled:
        if item.entry is not None:
            known.update(item.entry.term_slugs)
    return known


def file_keys(paths: Iterable[Path], options_key: str) -> dict[str, str]:
    """Each file's cache key by its path ("" when it cannot be read: loading it
    reports why)."""
    keys: dict[str, str] = {}
    cwd = os.getcwd()
    for path in paths:
        try:
            keys[str(path)] = file_key(path, options_key, cwd)
        except OSError:
            keys[str(path)] = ""
    return keys


def compile_all(
    paths: Iterable[Path],
    keys: dict[str, str],
    content: ContentOptions,
    render: RenderOptions,
    cache: CompileCache | None = None,
    progress: Progress | None = None,
) -> tuple[list[Compiled], int]:
    """Every file compiled (from the cache when its key is there); returns the results
    in path order and how many were compiled afresh."""
    paths = list(paths)
    ordered = [keys[str(path)] for path in paths]
    cached = cache.get_many([k for k in ordered if k]) if cache else {}
    if progress and cached:
        progress(len(cached))
    missing = [n for n, key in enumerate(ordered) if key not in cached]
    known = term_slugs(cached.values()) if missing else {}
    packed = map_files(
        compile_packed, [paths[n] for n in missing], (content, render, known), progress
    )
    if cache:
        cache.put_many(
            {ordered[n]: data for n, data in zip(missing, packed, strict=True) if ordered[n]}
        )
    fresh = {n: pickle.loads(data) for n, data in zip(missing, packed, strict=True)}
    results = [fresh[n] if n in fresh else cached[key] for n, key in enumerate(ordered)]
    return results, len(missing)
