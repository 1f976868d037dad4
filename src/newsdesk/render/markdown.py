"""CommonMark + GFM to HTML with cmark-gfm, then the safe, trusted post-passes.

cmark-gfm was chosen by measurement (bench/markdown.py): 624 of the 652 CommonMark
spec examples (the rest are GFM's deliberate differences and spec changes since
0.29) and about 15 times faster than the pure-Python renderers.
"""

from dataclasses import dataclass

import cmarkgfm
from cmarkgfm.cmark import Options

from newsdesk.content.model import TocEntry
from newsdesk.render.autolink import trim_cjk_autolinks
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


# GFM's tagfilter is left out: it only escapes a few tags, while nh3 removes every
# unsafe one, and a trusted site (`raw_html`) wants its iframes and videos kept.
_EXTENSIONS = ["table", "strikethrough", "autolink", "tasklist"]


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: tuple[TocEntry, ...]


def markdown_to_html(markdown: str) -> str:
    """The renderer as configured: CommonMark with the GFM extensions and footnotes."""
    html: str = cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=_CMARK_OPTIONS, extensions=_EXTENSIONS
    )
    return html


def render_body(markdown: str, options: RenderOptions) -> RenderedBody:
    # Every body goes through the one sanitizer, so that its URL policy holds for
    # every article (cmark's own safe mode keeps `data:` images and other schemes).
    html = markdown_to_html(markdown)
    if not options.raw_html:
        html = sanitize(html)
    html = trim_cjk_autolinks(html)
    html = finish_links_and_images(html, options.site_host)
    html, toc = add_heading_ids(html)
    if options.cjk_spacing:
        html = space_cjk_latin(html)
    return RenderedBody(html=highlight_code_blocks(html), toc=toc)
