"""GitHub alerts (`> [!TIP] optional title`) as callouts: a labelled note with a
visible title, the given one or the marker's word in the site's language."""

import html as htmllib
import re

from newsdesk.render.html_text import inline_text
from newsdesk.render.labels import label

# The marker opens the quote's first paragraph; the rest of its line is the title.
_ALERT = re.compile(
    r"<blockquote>\n<p>\[!(note|tip|important|warning|caution)\][ \t]*(.*?)(\n|</p>\n)",
    re.IGNORECASE,
)
_QUOTE_TAG = re.compile(r"<(/?)blockquote>")


def render_callouts(html: str, language: str) -> str:
    """Every blockquote that starts with an alert marker, as an `<aside>` callout."""
    if "[!" not in html:
        return html
    parts: list[str] = []
    position = 0
    for match in _ALERT.finditer(html):
        if match.start() < position:
            continue  # inside a callout already made, which handled its own quotes
        end = _closing_quote(html, match.end())
        if end is None:
            continue
        kind = match.group(1).lower()
        title = match.group(2).strip() or htmllib.escape(label(language, kind))
        # A title alone on its line ends the paragraph only when the body follows.
        rest = "<p>" if match.group(3) == "\n" else ""
        body = render_callouts(rest + html[match.end() : end], language)
        parts += [
            html[position : match.start()],
            f'<aside class="callout callout-{kind}" role="note"'
            f' aria-label="{htmllib.escape(inline_text(title), quote=True)}">\n'
            f'<p class="callout-title">{title}</p>\n{body}</aside>',
        ]
        position = end + len("</blockquote>")
    return "".join(parts) + html[position:] if parts else html


def _closing_quote(html: str, start: int) -> int | None:
    """Where the blockquote open before `start` closes, nested quotes counted."""
    depth = 1
    for tag in _QUOTE_TAG.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if not depth:
            return tag.start()
    return None
