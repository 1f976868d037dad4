"""CommonMark + GFM to HTML with cmark-gfm, then the safe, trusted post-passes.

cmark-gfm was chosen by measurement (bench/markdown.py, figures in bench/README.md):
it passes nearly every CommonMark spec example (the rest are GFM's deliberate
differences and spec changes since 0.29) and is much faster than the pure-Python
renderers.
"""

from dataclasses import dataclass

import cmarkgfm
from cmarkgfm.cmark import Options

from newsdesk.content.model import TocEntry
from newsdesk.render.autolink import trim_cjk_autolinks
from newsdesk.render.callouts import render_callouts
from newsdesk.render.emoji_codes import render_emoji
from newsdesk.render.highlight import highlight_code_blocks
from newsdesk.render.math import extract_math, restore_math
from newsdesk.render.options import RenderOptions
from newsdesk.render.sanitize import finish_links_and_images, sanitize, urls_pass
from newsdesk.render.toc import add_heading_ids, place_toc_marker
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


def markdown_to_html(markdown: str, *, keep_raw_html: bool = True) -> str:
    """The renderer as configured: CommonMark with the GFM extensions and footnotes.

    Without `keep_raw_html`, cmark's own safe mode omits raw HTML.
    """
    options = _CMARK_OPTIONS if keep_raw_html else _CMARK_OPTIONS & ~Options.CMARK_OPT_UNSAFE
    html: str = cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=options, extensions=_EXTENSIONS
    )
    return html


def render_body(markdown: str, options: RenderOptions, lead_image: bool = True) -> RenderedBody:
    """Each pass after cmark first looks for its syntax and costs nothing without it.
    `lead_image`: the body's first image is the first of the page (no cover above)."""
    markdown, formulas = extract_math(markdown)
    html = markdown_to_html(markdown) if options.raw_html else _safe_html(markdown)
    html = restore_math(html, formulas)
    html = trim_cjk_autolinks(html)
    html = render_callouts(html, options.language)
    html = finish_links_and_images(html, options.site_host, lead_image)
    html = render_emoji(html)
    html, toc = add_heading_ids(html)
    html = place_toc_marker(html, toc, options.language)
    if options.cjk_spacing:
        html = space_cjk_latin(html)
    return RenderedBody(html=highlight_code_blocks(html), toc=toc)


def _safe_html(markdown: str) -> str:
    """The body with nothing its author could make run. Without a "<" there is no
    raw HTML to clean: cmark's safe mode output is kept when every URL in it is one
    the sanitizer keeps (most articles; the sanitizer is a tenth of a build's time)."""
    if "<" not in markdown:
        html = markdown_to_html(markdown, keep_raw_html=False)
        if urls_pass(html):
            return html
    return sanitize(markdown_to_html(markdown))
