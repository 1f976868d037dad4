"""`newsdesk build`: the whole site as static files, rewriting only what changed."""

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsdesk.content.article import Outcome
from newsdesk.content.loader import discover
from newsdesk.content.parallel import Progress, ProgressFactory, map_forked
from newsdesk.export.cache import BuildCache
from newsdesk.export.incremental import PATCH_LIMIT, compile_edits, patch_plans, record
from newsdesk.publish.compile import compile_all, compile_options_key, file_keys
from newsdesk.publish.gc_pause import paused_gc
from newsdesk.publish.settle import settle
from newsdesk.site.catalog import Catalog
from newsdesk.site.config import SiteConfig
from newsdesk.site.pages import PagePlan, plan_site
from newsdesk.site.theme import Theme, theme_version
from newsdesk.store.state import compiled_templates
from newsdesk.text.digest import digest

# Below this many pages, forking workers costs more than it saves.
_PARALLEL_PAGES = 200
_STATIC_DIR = "static"


@dataclass
class BuildReport:
    outcomes: list[Outcome]
    compiled: int
    articles: int
    pages: int
    written: int
    removed: int
    patched: bool = False  # only pages showing edited bodies were rendered again


def build_site(
    root: Path,
    config: SiteConfig,
    out: Path,
    progress: ProgressFactory | None = None,
    now: datetime | None = None,
) -> BuildReport:
    files = discover(root / config.content.dir)
    content_options = config.content_options()
    render_options = config.render_options()
    options_key = compile_options_key(content_options, render_options)
    setup = digest(config, options_key, theme_version())
    folder = out.resolve()
    moment = now or datetime.now(content_options.zone)
    cache = BuildCache.for_site(root)
    try:
        keys = file_keys(files, options_key)
        statics = _static_files(root / _STATIC_DIR)
        previous = cache.outputs(folder)
        prefix = str(folder)
        missing = {p for p in previous if not os.path.isfile(os.path.join(prefix, p))}
        manifest = cache.manifest(folder)
        changed, sources = None, {}
        if manifest is not None and not missing:
            sources = cache.sources(folder)
            changed = manifest.changed_files(setup, keys, sources, statics, moment)
        edits = {}
        if manifest is not None and changed is not None and len(changed) <= PATCH_LIMIT:
            edits = compile_edits(sources, changed, keys, cache, content_options, render_options)
            patch = patch_plans(
                manifest, edits, keys, cache, lambda catalog: _theme(config, catalog, root)
            )
            if patch is not None:
                redone = _page_keys(patch.theme, patch.plans)
                stale = _stale(redone, previous, missing)
                _write_stale_pages(patch.theme, patch.plans, set(stale), folder, progress)
                cache.update_outputs(folder, {path: redone[path] for path in stale})
                cache.update_sources(folder, {path: keys[path] for path in edits})
                return BuildReport(
                    manifest.outcomes(), len(edits), manifest.article_count,
                    len(previous), len(stale), 0, patched=True,
                )  # fmt: skip
        # The collector only pauses while the site is loaded: page rendering makes
        # garbage of its own, in forked workers that would inherit the pause.
        with paused_gc():
            compiled, fresh = compile_all(
                files,
                keys,
                content_options,
                render_options,
                cache,
                progress(len(files), "编译文章") if progress else None,
            )
            settled = settle(compiled, content_options, moment)
            catalog = Catalog(settled.public, config.site.hot_count)
            theme = _theme(config, catalog, root)
            plans = plan_site(catalog, config.site.page_size, config.site.feed_items)
        current = _page_keys(theme, plans)
        for asset in theme.assets.values():
            current[asset.url.lstrip("/")] = digest(asset.content)
        current.update(statics)
        stale = _stale(current, previous, missing)
        stale_set = set(stale)
        _write_stale_pages(theme, plans, stale_set, folder, progress)
        for asset in theme.assets.values():
            if asset.url.lstrip("/") in stale_set:
                _write(folder / asset.url.lstrip("/"), asset.content)
        for path in statics:
            if path in stale_set:
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / _STATIC_DIR / path, folder / path)
        removed = [path for path in previous if path not in current]
        for path in removed:
            (folder / path).unlink(missing_ok=True)
        cache.update_outputs(folder, {path: current[path] for path in stale}, removed)
        with paused_gc():
            manifest = record(setup, theme, statics, files, compiled, settled, catalog, plans)
        cache.save_manifest(folder, manifest, keys)
        if fresh:
            cache.prune()
    finally:
        cache.close()
    return BuildReport(
        outcomes=settled.outcomes(compiled),
        compiled=fresh + len(edits),
        articles=len(catalog.entries),
        pages=len(current),
        written=len(stale),
        removed=len(removed),
    )


def _theme(config: SiteConfig, catalog: Catalog, root: Path) -> Theme:
    beacon = config.views.api_url or None
    return Theme(config, catalog, beacon, compiled_templates=compiled_templates(root))


def _page_keys(theme: Theme, plans: list[PagePlan]) -> dict[str, str]:
    """Each page's output path and what it is built from."""
    return {plan.output_path: digest(theme.key, plan.key) for plan in plans}


def _stale(current: dict[str, str], previous: dict[str, str], missing: set[str]) -> list[str]:
    """The outputs to write: built from something new, or gone from the folder."""
    return [path for path, key in current.items() if previous.get(path) != key or path in missing]


def _write_stale_pages(
    theme: Theme,
    plans: list[PagePlan],
    stale: set[str],
    folder: Path,
    progress: ProgressFactory | None,
) -> None:
    todo = [plan for plan in plans if plan.output_path in stale]
    _write_pages(theme, todo, folder, progress(len(todo), "写入页面") if progress else None)


def _static_files(folder: Path) -> dict[str, str]:
    """The site's own static files (images, favicons), keyed by size and time."""
    found: dict[str, str] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            stat = path.stat()
            found[path.relative_to(folder).as_posix()] = digest(stat.st_size, stat.st_mtime_ns)
    return found


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _write_pages(
    theme: Theme, plans: list[PagePlan], folder: Path, progress: Progress | None
) -> None:
    def render(start: int, end: int, advance: Progress | None) -> int:
        for plan in plans[start:end]:
            _write(folder / plan.output_path, theme.render(plan))
            if advance:
                advance(1)
        return end - start

    map_forked(render, len(plans), _PARALLEL_PAGES, progress)
