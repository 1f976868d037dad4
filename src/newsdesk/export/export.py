"""`newsdesk build`: the whole site as static files, rewriting only what changed."""

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsdesk.content.article import Outcome
from newsdesk.content.loader import discover
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import Progress, ProgressFactory, map_forked
from newsdesk.export.cache import BuildCache
from newsdesk.export.incremental import PATCH_LIMIT, compile_edits, patch_plans
from newsdesk.export.manifest import Manifest, file_paths, record
from newsdesk.export.patch_files import EditedFiles, site_tree_key
from newsdesk.export.search_outputs import (
    SearchOutputs,
    edited_outputs,
    is_search_file,
    whole_outputs,
)
from newsdesk.publish.compile import Compiled, compile_all, compile_options_key, file_keys
from newsdesk.publish.gc_pause import paused_gc
from newsdesk.publish.settle import Settled, settle
from newsdesk.publish.variants import ImageVariants
from newsdesk.render.options import RenderOptions
from newsdesk.site.assets import Asset, site_files
from newsdesk.site.catalog import Catalog
from newsdesk.site.config import SiteConfig
from newsdesk.site.local_files import links_articles, site_folders
from newsdesk.site.pages import PagePlan, plan_site
from newsdesk.site.redirects import REDIRECTS_FILE, names_old_urls, redirect_page, redirects_file
from newsdesk.site.search_index import INDEX, search_doc
from newsdesk.site.security import HOST_HEADERS_FILE, host_headers_file
from newsdesk.site.theme import Theme, theme_version
from newsdesk.store.state import compiled_templates, image_variants
from newsdesk.text.digest import digest

# Below this many pages, forking workers costs more than it saves.
_PARALLEL_PAGES = 200


@dataclass
class BuildReport:
    outcomes: list[Outcome]
    compiled: int
    articles: int
    pages: int
    written: int
    removed: int
    patched: bool = False  # only the pages showing what the edits changed were rendered


@dataclass
class _Build:
    """One build of a site into a folder: what it reads, and what the folder held."""

    root: Path
    config: SiteConfig
    folder: Path
    moment: datetime
    progress: ProgressFactory | None
    cache: BuildCache
    content: ContentOptions
    render: RenderOptions
    files: list[Path]
    keys: dict[str, str]  # each file's cache key by its path
    setup: str  # what every page depends on: configuration, theme, compile options
    own_files: list[Asset]  # the site's own files (SITE/static/)
    previous: dict[str, str]  # the outputs of the last build into the folder, by path
    missing: set[str]  # of those, the ones gone from the folder since
    edits_compiled: int = 0  # edited files compiled while trying to patch
    tree: str = ""  # tree_key(), once worked out

    def variants(self) -> ImageVariants:
        """Where the site's image variants are made and kept."""
        return ImageVariants(image_variants(self.root), self.config.images, self.progress)

    def tree_key(self) -> str:
        if not self.tree:
            self.tree = site_tree_key(self.root, self.folder)
        return self.tree

    @property
    def statics(self) -> dict[str, str]:
        """The site's own files' keys by output path."""
        return {asset.output_path: asset.key for asset in self.own_files}


@dataclass
class _Site:
    """The whole site compiled, settled and planned."""

    compiled: list[Compiled]
    fresh: int  # compiled afresh, not read from the cache
    settled: Settled
    catalog: Catalog
    theme: Theme
    plans: list[PagePlan]


def build_site(
    root: Path,
    config: SiteConfig,
    out: Path,
    progress: ProgressFactory | None = None,
    now: datetime | None = None,
) -> BuildReport:
    """Builds the site into `out`: only the pages showing edited bodies when that is
    all that changed, else the whole site, writing only the files whose content
    changes."""
    cache = BuildCache.for_site(root)
    try:
        build = _begin(root, config, out.resolve(), progress, now, cache)
        report = _patch(build)
        if report is None:
            site = _compile_and_plan(build)
            current, written, removed = _write_site(build, site)
            _record(build, site)
            report = BuildReport(
                outcomes=site.settled.outcomes(site.compiled),
                compiled=site.fresh + build.edits_compiled,
                articles=len(site.catalog.entries),
                pages=len(current),
                written=written,
                removed=removed,
            )
    finally:
        cache.close()
    return report


def _begin(
    root: Path,
    config: SiteConfig,
    folder: Path,
    progress: ProgressFactory | None,
    now: datetime | None,
    cache: BuildCache,
) -> _Build:
    files = discover(root / config.content.dir)
    content = config.content_options(root)
    render = config.render_options()
    options_key = compile_options_key(content, render)
    previous = cache.outputs(folder)
    prefix = str(folder)
    return _Build(
        root=root,
        config=config,
        folder=folder,
        moment=now or datetime.now(content.zone),
        progress=progress,
        cache=cache,
        content=content,
        render=render,
        files=files,
        keys=file_keys(files, options_key),
        setup=digest(config, options_key, theme_version()),
        own_files=site_files(root),
        previous=previous,
        missing={p for p in previous if not os.path.isfile(os.path.join(prefix, p))},
    )


def _patch(build: _Build) -> BuildReport | None:
    """When the edits since the last whole build leave the site's lists as they were,
    the pages that show what changed rendered again; None when a whole build is
    needed."""
    if build.missing:  # files gone from the folder: a whole build writes them again
        return None
    manifest = build.cache.manifest(build.folder)
    if manifest is None or manifest.resolved:
        return None
    if manifest.shows_files and manifest.tree != build.tree_key():
        return None
    sources = build.cache.sources(build.folder)
    changed = manifest.changed_files(build.setup, build.keys, sources, build.statics, build.moment)
    if changed is None or len(changed) > PATCH_LIMIT:
        return None
    if manifest.checks.history_moved(build.content.zone):
        return None
    config = build.config
    edits = compile_edits(sources, changed, build.keys, build.cache, build.content, build.render)
    build.edits_compiled = len(edits)
    if any(_resolves(manifest, compiled) for pair in edits.values() for compiled in pair):
        return None
    files = _edited_files(build, manifest)
    patch = patch_plans(
        manifest, edits, build.keys, build.cache, lambda c: _theme(config, c, build.root), files
    )
    if patch is None:
        return None
    assets = list(files.files.values()) if files else []
    unused, files_changed = files.record_uses(manifest) if files else ([], False)
    redone = _page_keys(patch.theme, patch.plans)
    redone.update((asset.output_path, asset.key) for asset in assets)
    search = edited_outputs(build.cache, build.folder, patch.search)
    removed = [path for path in unused if path in build.previous]
    if search is not None:
        redone.update(search.keys)
        removed += [p for p in build.previous if is_search_file(p) and p not in search.keys]
    stale = _stale(redone, build.previous, build.missing)
    _write_stale_pages(patch.theme, patch.plans, set(stale), build.folder, build.progress)
    _write_assets(build.folder, assets, set(stale))
    if search is not None:
        _write_search(build.folder, search, stale)
    _remove(build.folder, removed)
    build.cache.update_outputs(build.folder, {path: redone[path] for path in stale}, removed)
    build.cache.update_sources(build.folder, {path: build.keys[path] for path in edits})
    if patch.manifest_changed or files_changed:
        build.cache.update_manifest(build.folder, manifest)
    return BuildReport(
        manifest.outcomes(), len(edits), manifest.article_count,
        len(build.previous), len(stale), 0, patched=True,
    )  # fmt: skip


def _resolves(manifest: Manifest, compiled: Compiled | None) -> bool:
    """Whether this version of an article needs the whole site to be resolved: it
    links to articles by their files or names its old URLs, or it shows files where
    the site showed none (the last build kept no key of the site's files)."""
    entry = compiled.entry if compiled else None
    if entry is None:
        return False
    if names_old_urls(entry.article) or links_articles(entry):
        return True
    return bool(entry.local_refs) and not manifest.shows_files


def _edited_files(build: _Build, manifest: Manifest) -> EditedFiles | None:
    if not manifest.shows_files:
        return None
    config = build.config
    return EditedFiles(site_folders(build.root, config), config.images, build.variants())


def _compile_and_plan(build: _Build) -> _Site:
    config = build.config
    # The collector only pauses while the site is loaded: page rendering makes
    # garbage of its own, in forked workers that would inherit the pause.
    with paused_gc():
        compiled, fresh = compile_all(
            build.files,
            build.keys,
            build.content,
            build.render,
            build.cache,
            build.progress(len(build.files), "编译文章") if build.progress else None,
        )
        folders = site_folders(build.root, config)
        images = config.images
        settled = settle(compiled, build.content, build.moment, folders, images, build.variants())
        catalog = Catalog(settled.public, config.site.hot_count)
        theme = _theme(config, catalog, build.root)
        plans = plan_site(catalog, config.site.page_size, config.site.feed_items)
    return _Site(compiled, fresh, settled, catalog, theme, plans)


def _write_site(build: _Build, site: _Site) -> tuple[dict[str, str], int, int]:
    """Writes the pages and assets whose content changed and removes what the site no
    longer has; returns every output's key by path, how many were written and how
    many removed."""
    folder = build.folder
    current = _page_keys(site.theme, site.plans)
    assets = [
        *site.theme.assets.values(),
        *build.own_files,
        *site.settled.local.files.values(),
    ]
    assets.extend(_host_headers(build, site.theme, assets))
    current.update((asset.output_path, asset.key) for asset in assets)
    assets.extend(_redirect_pages(build, site, current))
    current.update((asset.output_path, asset.key) for asset in assets)
    paths = file_paths(build.files, site.compiled)
    theme = site.theme
    docs = {
        paths[e.article.path]: search_doc(e, theme.base_path, theme.thumbnail(e))
        for e in site.catalog.listed
    }
    search = whole_outputs(build.cache, folder, docs, build.previous, build.missing)
    current.update(search.keys)
    stale = _stale(current, build.previous, build.missing)
    stale_set = set(stale)
    _write_stale_pages(site.theme, site.plans, stale_set, folder, build.progress)
    _write_assets(folder, assets, stale_set)
    removed = [path for path in build.previous if path not in current]
    _write_search(folder, search, stale)
    _remove(folder, removed)
    build.cache.update_outputs(folder, {path: current[path] for path in stale}, removed)
    return current, len(stale), len(removed)


def _write_assets(folder: Path, assets: list[Asset], stale: set[str]) -> None:
    for asset in assets:
        if asset.output_path not in stale:
            continue
        if asset.source is not None:
            (folder / asset.output_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.source, folder / asset.output_path)
        else:
            _write(folder / asset.output_path, asset.read())


def _write_search(folder: Path, search: SearchOutputs, stale: list[str]) -> None:
    """Writes the stale search files, the index last: a reader never sees it name a
    file not written yet."""
    for path in sorted((p for p in stale if p in search.files), key=lambda p: p == INDEX):
        _write(folder / path, search.files[path])


def _remove(folder: Path, paths: list[str]) -> None:
    for path in paths:
        (folder / path).unlink(missing_ok=True)


def _record(build: _Build, site: _Site) -> None:
    """What a later build needs to patch this one, and the cache pruned of what this
    build did not use."""
    with paused_gc():
        site_options = build.config.site
        manifest = record(
            build.setup, site.theme, build.statics, build.files, site.compiled, site.settled,
            site.catalog, site.plans, site_options.page_size, site_options.feed_items,
        )  # fmt: skip
    if manifest.shows_files:
        manifest.tree = build.tree_key()
    build.cache.save_manifest(build.folder, manifest, build.keys)
    if site.fresh:
        build.cache.prune()


def _redirect_pages(build: _Build, site: _Site, current: dict[str, str]) -> list[Asset]:
    """A page at each old URL that sends its reader to the article, where no page or
    file of the site is (else a warning), and the `_redirects` file, unless the site
    has its own."""
    pages: list[Asset] = []
    redirects = site.settled.redirects
    targets: dict[str, str] = {}
    label = site.theme.locale.text("moved")
    for old, new in redirects.targets.items():
        path = old.lstrip("/") + ("index.html" if old.endswith("/") else "")
        if path in current:
            named_by, clash = redirects.page_clash(old)
            site.settled.checks.findings.setdefault(named_by, []).append(clash)
            continue
        targets[old] = new
        content = redirect_page(site.theme.base_path + new.lstrip("/"), label)
        pages.append(Asset("/" + path, digest(content), content=content))
    if targets and REDIRECTS_FILE not in current:
        content = redirects_file(targets)
        pages.append(Asset("/" + REDIRECTS_FILE, digest(content), content=content))
    return pages


def _host_headers(build: _Build, theme: Theme, assets: list[Asset]) -> list[Asset]:
    """The `_headers` file that gives the pages the server's security headers on static
    hosts that read one (and SVG files their sandbox), unless the site publishes its own."""
    if any(asset.output_path == HOST_HEADERS_FILE for asset in build.own_files):
        return []
    svg = [theme.href(a.url) for a in assets if a.url.lower().endswith(".svg") and a.source]
    site = build.config.site
    content = host_headers_file(site.base_url, build.config.views.api_url, svg).encode()
    return [Asset("/" + HOST_HEADERS_FILE, digest(content), content=content)]


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
