"""Emoji shortcodes (`:tada:`, `:+1:`) in prose as the emoji they name; unknown
`:words:` and text around colons (`12:30:45`, `a:b:c`) stay as written."""

import re

import emoji

from newsdesk.render.prose import map_prose

# Without a look-behind the pattern is searched for as fast as a plain string: the
# letters and digits around a match are checked on the match instead.
_SHORTCODE = re.compile(r":[a-zA-Z0-9_+\-]+:")
_WORD_CHARACTER = re.compile(r"[A-Za-z0-9]")


def render_emoji(html: str) -> str:
    """Prose is walked only when some `:word:` is an emoji's name (code such as
    `std::vector<T>::iterator` has colon-words that are none)."""
    candidates = set(_SHORTCODE.findall(html))
    if all(emoji.emojize(code, language="alias") == code for code in candidates):
        return html
    return map_prose(html, lambda text: _SHORTCODE.sub(_emoji, text))


def _emoji(match: re.Match[str]) -> str:
    """The emoji of a shortcode that stands apart from letters and digits (`a:b:c`
    holds no `:b:`)."""
    code, text = match.group(0), match.string
    before = text[match.start() - 1 : match.start()]
    after = text[match.end() : match.end() + 1]
    if _WORD_CHARACTER.match(before) or _WORD_CHARACTER.match(after):
        return code
    return str(emoji.emojize(code, language="alias"))
