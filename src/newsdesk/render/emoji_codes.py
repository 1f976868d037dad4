"""Emoji shortcodes (`:tada:`, `:+1:`) in prose as the emoji they name; unknown
`:words:` and text around colons (`12:30:45`, `a:b:c`) stay as written."""

import re

import emoji

from newsdesk.render.prose import map_prose

# A shortcode stands apart from letters and digits: `a:b:c` holds no `:b:`.
_SHORTCODE = re.compile(r"(?<![A-Za-z0-9]):[a-z0-9_+\-]+:(?![A-Za-z0-9])", re.IGNORECASE)


def render_emoji(html: str) -> str:
    if _SHORTCODE.search(html) is None:
        return html
    return map_prose(html, lambda text: _SHORTCODE.sub(_emoji, text))


def _emoji(match: re.Match[str]) -> str:
    code = match.group(0)
    return str(emoji.emojize(code, language="alias"))
