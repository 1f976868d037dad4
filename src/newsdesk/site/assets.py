"""Files a site publishes beside its pages, as one model: the theme's CSS and scripts
(made in memory, fingerprinted so they can be cached forever) and the site's own
files in `SITE/static/` (on disk). The export copies them; the server serves them."""

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from newsdesk.render.highlight import highlight_css
from newsdesk.site.config import SiteConfig
from newsdesk.site.image_probe import ImageInfo
from newsdesk.text.digest import bytes_digest, digest

_STATIC = resources.files("newsdesk.site") / "static"
# Fetched by `make` (the Makefile's MERMAID_JS): without it diagrams stay code.
_MERMAID = _STATIC / "vendor" / "mermaid.min.js"
# The site's own files, published at the site's root under their own names.
SITE_FILES_DIR = "static"
# The one hidden folder a site publishes: the standard home of site-wide metadata.
_WELL_KNOWN = ".well-known"


@dataclass(frozen=True)
class Asset:
    """One published file: its URL, a key that changes when it does, and its bytes
    in memory or where to read them."""

    url: str
    key: str
    content: bytes | None = None
    source: Path | None = None
    immutable: bool = False  # its URL changes with its content
    image: ImageInfo | None = None  # a raster image's header

    @property
    def output_path(self) -> str:
        """The file that holds it, relative to the output folder."""
        return self.url.lstrip("/")

    def read(self) -> bytes:
        if self.content is not None:
            return self.content
        assert self.source is not None, "an asset has its content or a source"
        return self.source.read_bytes()


def build_assets(config: SiteConfig) -> dict[str, Asset]:
    """Assets by logical name (`site.css`, `site.js`, `search.js`, `favicon.svg`, and
    `mermaid.js` with `diagrams.js` when the install fetched mermaid)."""
    dark = f":root {{ --accent: {config.theme.accent_dark}; }}"
    theme = (
        f":root {{ --accent: {config.theme.accent}; }}\n"
        f"@media (prefers-color-scheme: dark) {{ {dark} }}\n"
    )
    css = (
        (_STATIC / "site.css").read_text(encoding="utf-8")
        + theme
        + highlight_css(config.render.code_style, config.render.code_style_dark)
    )
    sources = {
        "site.css": css.encode(),
        "site.js": (_STATIC / "site.js").read_bytes(),
        "search.js": (_STATIC / "search.js").read_bytes(),
        "favicon.svg": _favicon(config.theme.accent).encode(),
    }
    if _MERMAID.is_file():
        sources["mermaid.js"] = _MERMAID.read_bytes()
        sources["diagrams.js"] = (_STATIC / "diagrams.js").read_bytes()
    assets = {}
    for name, content in sources.items():
        stem, suffix = name.rsplit(".", 1)
        fingerprint = bytes_digest(content, 6)
        url = f"/assets/{stem}.{fingerprint}.{suffix}"
        assets[name] = Asset(url, digest(content), content=content, immutable=True)
    return assets


def site_files_folder(root: Path) -> Path:
    """Where the site's own files are, as an absolute path without links."""
    return (root / SITE_FILES_DIR).resolve()


def site_files(root: Path) -> list[Asset]:
    """The site's own files (images, favicons), keyed by size and time, in path order."""
    folder = root / SITE_FILES_DIR
    found: list[Asset] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if _published(relative) and path.is_file():
            stat = path.stat()
            key = digest(stat.st_size, stat.st_mtime_ns)
            found.append(Asset("/" + relative, key, source=path))
    return found


def site_file(folder: Path, url_path: str) -> Path | None:
    """The site's own file at this URL path, if it publishes one (`folder`: from
    site_files_folder): never a file outside it, a hidden one, or a directory."""
    relative = url_path.lstrip("/")
    if not relative or not _published(relative):
        return None
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder) or not target.is_file():
        return None
    return target


def _published(relative: str) -> bool:
    """Whether a path under the site's folder is one it publishes."""
    *folders, name = relative.split("/")
    if name.startswith(".") or any(part in ("", "..") for part in (*folders, name)):
        return False
    shown = folders[1:] if folders[:1] == [_WELL_KNOWN] else folders
    return not any(part.startswith(".") for part in shown)


def _favicon(accent: str) -> str:
    """An icon in the site's accent colour: without one, every browser asks for
    /favicon.ico and logs the 404."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="6" fill="{accent}"/>'
        '<path d="M9 24V8h3.2l7.6 10.4V8H23v16h-3.2l-7.6-10.4V24z" fill="#fff"/></svg>\n'
    )
