"""The files beside articles and the links between them, resolved for the whole site:
each local reference an article recorded (site/local_refs.py) becomes the URL of the
file as published (under a name that changes with its content) or of the article it
names, or a warning at its place in the file.

Where a path is looked for, in order:
- relative (`arch.png`, `../img/a.png`): beside the article (Hugo page bundles), then
  in the folder named like the article (Hexo asset folders, `post.md` + `post/`);
- root-relative (`/images/a.png`): under the site's folder, then under its `static/`,
  `source/`, `assets/`, `public/` and `images/` folders (the asset roots of Hugo, Hexo
  and Jekyll), the same from each folder between the content folder and the site's
  (a blog copied whole into `content/` keeps its own roots there).
Nothing outside the site's folder is published (after following links), nor a hidden
file, a Markdown source or the site's configuration."""

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from itertools import chain
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import quote

from newsdesk.content.article import INDEX_NAMES
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.loader import MARKDOWN_SUFFIXES
from newsdesk.site.assets import SITE_FILES_DIR, Asset
from newsdesk.site.catalog import Entry
from newsdesk.site.config import ImagesSection, SiteConfig
from newsdesk.site.image_probe import RASTER_SUFFIXES, ImageInfo, probe
from newsdesk.site.local_refs import LocalRef, rewrite, split_url
from newsdesk.site.pictures import Picture, VariantStore
from newsdesk.site.published_images import PublishedImages
from newsdesk.text.digest import file_digest

MISSING_FILE = "missing-local-file"
MISSING_ARTICLE = "missing-article-link"
# Where the files beside articles are published: /files/<content hash>/<name>.
FILES_PREFIX = "/files/"
_ASSET_ROOTS = ("", SITE_FILES_DIR, "source", "assets", "public", "images")
_CONFIG_NAME = "newsdesk.toml"
# Page URLs end in a slash or .html: a link to one is not to a file.
_PAGE_SUFFIXES = ("", ".html", ".htm")
# Content hashes and shown sizes of files by (path, size, time): a live site resolves
# again on every change and should not read every image each time. Emptied when it
# holds more than this many (old versions of edited files).
_READ: dict[tuple[str, int, int], tuple[str, ImageInfo | None]] = {}
_READ_KEPT = 100_000


@dataclass
class LocalFiles:
    """What the site's local references resolved to: the published files by URL, each
    article's rewritten HTML, cover image and cover picture by its path (only those
    that changed), and the warnings by path."""

    files: dict[str, Asset] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)
    covers: dict[str, str] = field(default_factory=dict)
    pictures: dict[str, Picture] = field(default_factory=dict)
    findings: dict[str, list[Diagnostic]] = field(default_factory=dict)
    links: bool = False  # whether any page links to articles by their files
    referenced: bool = False  # whether any page refers to anything by a path
    # The URLs of the files each article's pages need published, by its path.
    uses: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def entry(self, entry: Entry) -> Entry:
        """The entry showing its resolved HTML and cover image."""
        path = entry.article.path
        if path not in self.html and path not in self.covers:
            return entry
        return entry.resolved(self.html.get(path), self.covers.get(path), self.pictures.get(path))

    def warn(self, path: str, diagnostic: Diagnostic) -> None:
        self.findings.setdefault(path, []).append(diagnostic)


@dataclass(frozen=True)
class SiteFolders:
    """Where a site is: its folder, its content folder, and the path its pages are
    published under (`/`, or `/blog/` for a base URL with a path)."""

    root: Path
    content: Path
    base_path: str = "/"


def site_folders(root: Path, config: SiteConfig) -> SiteFolders:
    return SiteFolders(root, root / config.content.dir, config.site.base_path)


class _Site:
    def __init__(self, folders: SiteFolders, entries: Iterable[Entry]):
        self.root = folders.root.resolve()
        # As articles' files are named (absolute, links not followed).
        self.unresolved_root = Path(os.path.abspath(folders.root))
        self.own_files = self.root / SITE_FILES_DIR
        self.bases = _bases(self.root, folders.content.resolve())
        self.base_path = folders.base_path
        self.articles = {e.source_file: e for e in entries}


def resolve_local(
    folders: SiteFolders,
    entries: list[Entry],
    images: ImagesSection | None = None,
    store: VariantStore | None = None,
) -> LocalFiles:
    """Every public entry's local references resolved; with a `store`, the images'
    variants made (as `images` says) and offered."""
    site = _Site(folders, entries)
    result = LocalFiles()
    found: list[tuple[Entry, list[_Found]]] = []
    for entry in entries:
        if not entry.local_refs:
            continue
        article_file = Path(entry.source_file)
        refs: list[_Found] = []
        result.referenced = True
        result.links = result.links or links_articles(entry)
        for ref in entry.local_refs:
            cover = not ref.link and ref.url == entry.article.cover_image
            resolved = _resolve(site, article_file, ref, cover)
            if isinstance(resolved, Diagnostic):
                result.warn(entry.article.path, resolved)
            elif resolved is not None:
                refs.append(_Found(ref, resolved, cover))
        found.append((entry, refs))
    shown = PublishedImages(images or ImagesSection(), store)
    for _, refs in found:
        for ref, resolved, cover in refs:
            if resolved.asset is not None:
                shown.add(resolved.asset, not ref.link, cover, resolved.own)
    result.files.update(shown.publish())
    for entry, refs in found:
        _rewrite(site, entry, refs, shown, result)
    return result


def _rewrite(
    site: _Site, entry: Entry, refs: list["_Found"], shown: PublishedImages, result: LocalFiles
) -> None:
    urls: dict[tuple[str, bool], str] = {}
    titles: dict[str, str] = {}
    pictures: dict[str, Picture] = {}
    path = entry.article.path
    uses: set[str] = set()
    for ref, resolved, cover in refs:
        asset = resolved.asset
        if asset is not None and not ref.link:
            for diagnostic in shown.findings(asset, ref):
                result.warn(path, diagnostic)
        if asset is not None and not shown.published(asset):
            continue  # left out: the reference stays as written
        if asset is not None:
            uses.update(shown.urls(asset))
        url = site.base_path + resolved.url.lstrip("/")
        urls[ref.url, ref.link] = url
        if resolved.title:
            titles[url] = resolved.title
        if cover:
            result.covers[path] = resolved.url  # the theme puts it under the base path
        if asset is None or ref.link:
            continue
        pictures[url] = shown.picture(asset)
        if cover:
            result.pictures[path] = pictures[url]
    if urls:
        result.html[path] = rewrite(entry.html, urls, titles, pictures, site.base_path)
    if uses:
        result.uses[path] = tuple(sorted(uses))


def links_articles(entry: Entry) -> bool:
    """Whether the entry links to other articles by their Markdown files: its page
    then shows what they are called and where they are, which only the whole site
    says. (Its files, by contrast, are the same whichever articles are around it.)"""
    return any(_is_article_link(ref) for ref in entry.local_refs)


def _is_article_link(ref: LocalRef) -> bool:
    return ref.link and split_url(ref.url)[0].lower().endswith(MARKDOWN_SUFFIXES)


class _Resolved(NamedTuple):
    url: str  # site-relative
    title: str = ""  # of a linked article, as HTML
    asset: Asset | None = None  # a file beside articles, published under a new URL
    own: str = ""  # or the site's own file's URL (its variants are published as above)


class _Found(NamedTuple):
    ref: LocalRef
    resolved: _Resolved
    cover: bool


def _resolve(
    site: _Site, article_file: Path, ref: LocalRef, cover: bool = False
) -> _Resolved | Diagnostic | None:
    """Where the reference now points; None when it stays as written; a diagnostic
    when it resolves nowhere. A `cover` path is also looked for from the site's root: themes
    read front matter paths that way (`image: img/bg.jpg` in `static/img/`)."""
    path, rest = split_url(ref.url)
    if not path:
        return None
    if _is_article_link(ref):
        return _article_link(site, article_file, ref, path, rest)
    rooted = path.startswith("/")
    candidates = _candidates(site, article_file, path)
    if cover and not rooted:
        candidates = chain(candidates, _candidates(site, article_file, "/" + path))
    for candidate in candidates:
        target = _publishable(site.root, candidate)
        if target is None:
            continue
        if target.is_relative_to(site.own_files) and not candidate.is_relative_to(
            article_file.parent
        ):
            # The site publishes its own files at their own URLs already; an image's
            # variants are published beside the file's content hash.
            own = "/" + target.relative_to(site.own_files).as_posix()
            asset = (
                _asset(target)
                if not ref.link and target.suffix.lower() in RASTER_SUFFIXES
                else None
            )
            if asset is None:
                return None if rooted else _Resolved(quote(own) + rest)
            return _Resolved(quote(own) + rest, asset=asset, own=own)
        asset = _asset(target)
        return _Resolved(quote(asset.url) + rest, asset=asset)
    if ref.link and PurePosixPath(path).suffix.lower() in _PAGE_SUFFIXES:
        return None  # a page of this site (`/tags/go/`, `../2018/01/post/`), most likely
    return Diagnostic(
        MISSING_FILE,
        f"'{path}' is not a file in the site's folder; the reference is left as written",
        ref.line,
        ref.col,
        fix="put the file beside the article or in static/, or correct the path",
    )


def _article_link(
    site: _Site, article_file: Path, ref: LocalRef, path: str, rest: str
) -> _Resolved | Diagnostic:
    base = site.unresolved_root if path.startswith("/") else article_file.parent
    target = os.path.abspath(base / path.lstrip("/"))
    entry = site.articles.get(target)
    if entry is None:
        return Diagnostic(
            MISSING_ARTICLE,
            f"'{path}' is not a published article of this site; the link is left as written",
            ref.line,
            ref.col,
            fix="correct the path to the article's Markdown file, or publish that article",
        )
    fragment = rest[rest.find("#") :] if "#" in rest else ""
    return _Resolved(entry.article.url + fragment, escape(entry.article.title))


def _candidates(site: _Site, article_file: Path, path: str) -> Iterator[Path]:
    if not path.startswith("/"):
        yield article_file.parent / path
        if article_file.stem.lower() not in INDEX_NAMES:
            yield article_file.parent / article_file.stem / path
        return
    relative = path.lstrip("/")
    for base in site.bases:
        for folder in _ASSET_ROOTS:
            yield base / folder / relative


def _bases(root: Path, content: Path) -> list[Path]:
    """The site's folder, then each folder from the content folder up to it."""
    bases = [root]
    if content.is_relative_to(root):
        folder = content
        while folder != root:
            bases.append(folder)
            folder = folder.parent
    return bases


def _publishable(root: Path, candidate: Path) -> Path | None:
    """The file this path names, when the site may publish it."""
    try:
        target = candidate.resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL, a long name
        return None
    parts = target.relative_to(root).parts
    if any(part.startswith(".") for part in parts):
        return None
    name = parts[-1].lower()
    if name.endswith(MARKDOWN_SUFFIXES) or name == _CONFIG_NAME:
        return None
    return target


def _asset(target: Path) -> Asset:
    stat = target.stat()
    identity = (str(target), stat.st_size, stat.st_mtime_ns)
    read = _READ.get(identity)
    if read is None:
        if len(_READ) > _READ_KEPT:
            _READ.clear()
        read = _READ[identity] = (file_digest(target)[:16], probe(target))
    fingerprint, image = read
    url = f"{FILES_PREFIX}{fingerprint}/{target.name}"
    return Asset(url, fingerprint, source=target, immutable=True, image=image)
