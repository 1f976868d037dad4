"""Embedded video in sanitized bodies: an iframe stays only when it shows a player of
a known video host, over HTTPS; the Content-Security-Policy frames exactly these."""

import html as htmllib
import re
from urllib.parse import urlsplit

VIDEO_HOSTS = (
    "www.youtube-nocookie.com",
    "youtube-nocookie.com",
    "www.youtube.com",
    "player.bilibili.com",
    "player.vimeo.com",
)
# A player may run its own scripts in its own origin, show full screen and open its
# host's page in a new window; it may not navigate this page or submit its forms.
IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-presentation allow-popups"
# The browser features a player may ask for; any other (camera, payment…) it may not.
IFRAME_ALLOW = "encrypted-media; fullscreen; picture-in-picture"

_IFRAME = re.compile(r"<iframe\b([^>]*)>.*?</iframe>", re.DOTALL | re.IGNORECASE)
_SRC = re.compile(r'\ssrc="([^"]*)"')


def keep_video_iframes(html: str) -> str:
    """Iframes of sanitized HTML: those of a video host kept (a protocol-relative
    source, as bilibili's embed code writes it, made https), every other one removed."""

    def video_only(match: re.Match[str]) -> str:
        src = _SRC.search(match.group(1))
        url = htmllib.unescape(src.group(1)) if src else ""
        if url.startswith("//"):
            url = "https:" + url
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname not in VIDEO_HOSTS or src is None:
            return ""
        attributes = match.group(1).replace(src.group(0), f' src="{htmllib.escape(url)}"')
        return f"<iframe{attributes}></iframe>"

    return _IFRAME.sub(video_only, html) if "<iframe" in html else html
