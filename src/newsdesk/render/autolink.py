"""Bare URLs in Chinese text: GFM's autolink runs on into the CJK words after it."""

import html as htmllib
import re

from newsdesk.text.cjk import CJK_CLASS

_AUTOLINK = re.compile(r'<a href="([^"]*)">((?:https?://|www\.)[^<]*)</a>')
# Chinese text and full-width punctuation never belong to a URL written in prose.
_URL_END = re.compile(f"[{CJK_CLASS}\u3000-\u303f\uff00-\uffef“”‘’…—]")


def trim_cjk_autolinks(html: str) -> str:
    """`https://example.org/x。见下文` links only `https://example.org/x`."""

    def trimmed(match: re.Match[str]) -> str:
        text = match.group(2)
        end = _URL_END.search(text)
        if end is None:
            return match.group(0)
        url, rest = text[: end.start()], text[end.start() :]
        if not url:
            return match.group(0)
        target = htmllib.unescape(url)
        if target.startswith("www."):
            target = "http://" + target
        return f'<a href="{htmllib.escape(target)}">{url}</a>{rest}'

    return _AUTOLINK.sub(trimmed, html) if "<a href=" in html else html
