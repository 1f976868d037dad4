"""The render layer's own options, built from the site configuration."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    """How article bodies become HTML.

    `raw_html` is for trusted sites only: raw HTML in Markdown is kept as written
    instead of being sanitized. `site_host` tells internal links from external ones.
    `language` picks the words the renderer itself puts on a page (callout titles).
    """

    raw_html: bool = False
    cjk_spacing: bool = False
    site_host: str = ""
    language: str = "zh-CN"
