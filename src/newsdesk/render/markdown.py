"""CommonMark + GFM to HTML with cmark-gfm, then the safe, trusted post-passes.

cmark-gfm was chosen by measurement (bench/markdown.py): it passes the CommonMark
spec and is an order of magnitude faster than the pure-Python renderers.
"""

from dataclasses import dataclass

import cmarkgfm
from cmarkgfm.cmark import Options

from newsdesk.content.model import TocEntry
from newsdesk.render.highlight import highlight_code_blocks
from newsdesk.render.options import RenderOptions
from newsdesk.render.sanitize import finish_links_and_images, sanitize
from newsdesk.render.toc import add_heading_ids
from newsdesk.render.typography import space_cjk_latin

# Raw HTML is always parsed (UNSAFE) so that it can be sanitized rather than
# silently dropped; without `raw_html` nh3 removes everything dangerous.
_CMARK_OPTIONS = (
    Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_GITHUB_PRE_LANG
)


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: tuple[TocEntry, ...]


def markdown_to_html(markdown: str) -> str:
    """The renderer as configured: CommonMark with the GFM extensions and footnotes."""
    html: str = cmarkgfm.github_flavored_markdown_to_html(markdown, options=_CMARK_OPTIONS)
    return html


def render_body(markdown: str, options: RenderOptions) -> RenderedBody:
    html = markdown_to_html(markdown)
    if not options.raw_html:
        html = sanitize(html)
    html = finish_links_and_images(html, options.site_host)
    html, toc = add_heading_ids(html)
    if options.cjk_spacing:
        html = space_cjk_latin(html)
    if options.highlight:
        html = highlight_code_blocks(html)
    return RenderedBody(html=html, toc=toc)
