"""The site's CSS and scripts, fingerprinted by content so they can be cached forever."""

from dataclasses import dataclass
from importlib import resources

from newsdesk.render.highlight import highlight_css
from newsdesk.site.config import SiteConfig
from newsdesk.text.digest import bytes_digest

_STATIC = resources.files("newsdesk.site") / "static"


@dataclass(frozen=True)
class Asset:
    url: str
    content: bytes


def build_assets(config: SiteConfig) -> dict[str, Asset]:
    """Assets by logical name (`site.css`, `site.js`, `search.js`, `favicon.svg`)."""
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
    assets = {}
    for name, content in sources.items():
        stem, suffix = name.rsplit(".", 1)
        fingerprint = bytes_digest(content, 6)
        assets[name] = Asset(f"/assets/{stem}.{fingerprint}.{suffix}", content)
    return assets


def _favicon(accent: str) -> str:
    """An icon in the site's accent colour: without one, every browser asks for
    /favicon.ico and logs the 404."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="6" fill="{accent}"/>'
        '<path d="M9 24V8h3.2l7.6 10.4V8H23v16h-3.2l-7.6-10.4V24z" fill="#fff"/></svg>\n'
    )
