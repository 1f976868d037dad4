"""Untrusted HTML made safe with nh3, then links and images finished."""

import re

import nh3

from newsdesk.render.embeds import IFRAME_ALLOW, IFRAME_SANDBOX, keep_video_iframes

_TAGS = set(nh3.ALLOWED_TAGS) | {
    "input",
    "section",
    "del",
    "s",
    "ins",
    "mark",
    "details",
    "summary",
    "figure",
    "figcaption",
    "video",
    "audio",
    "source",
    "iframe",
}
_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "pre": {"lang"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    "li": {"id"},
    "input": {"checked", "disabled"},
    "video": {"src", "poster", "controls", "width", "height"},
    "audio": {"src", "controls"},
    "source": {"src", "type"},
    "abbr": {"title"},
    "details": {"open"},
    "iframe": {"src", "title", "width", "height", "allowfullscreen"},
}
_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}}}
# Whatever the author wrote, a kept frame loads lazily in a sandbox.
_SET_ATTRIBUTES = {"iframe": {"sandbox": IFRAME_SANDBOX, "allow": IFRAME_ALLOW, "loading": "lazy"}}
_CLASSES = {
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "section": {"footnotes"},
}
# Relative URLs stay allowed; among absolute ones only these schemes survive, so
# `javascript:` and `data:` in any case or entity spelling are dropped.
_SCHEMES = {"http", "https", "mailto", "tel"}

_URL_ATTRIBUTE = re.compile(r'\s(?:href|src)="([^"]*)"')
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_A_TAG = re.compile(r"<a\s[^>]*>")
_HREF = re.compile(r'\shref="([^"]*)"')
_IMG_TAG = re.compile(r"<img\s[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
# The first image is the page's likely largest paint: fetched at once, before others.
_LEAD = 'loading="eager" fetchpriority="high" decoding="async"'
_LATER = 'loading="lazy" decoding="async"'
_EXTERNAL = re.compile(r"^(?:https?:)?//([^/?#:]+)", re.IGNORECASE)


def sanitize(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        tag_attribute_values=_ATTRIBUTE_VALUES,
        set_tag_attribute_values=_SET_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return keep_video_iframes(cleaned)


def urls_pass(html: str) -> bool:
    """Whether every link and image URL in html is one the sanitizer keeps as it is:
    relative, or with one of its schemes (an emptied URL counts as dropped)."""
    for match in _URL_ATTRIBUTE.finditer(html):
        url = match.group(1)
        scheme = _SCHEME.match(url)
        if not url or (scheme and scheme.group(1).lower() not in _SCHEMES):
            return False
    return True


def finish_links_and_images(html: str, site_host: str, lead_image: bool = True) -> str:
    """External links open no window handle to this site. Images load lazily but
    the first when `lead_image` (nothing above the body shows one); images of other
    hosts are asked for without a referrer, as platforms that refuse foreign
    referrers (图片防盗链) then still send them."""

    def mark_external(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if href is None or " rel=" in tag:
            return tag
        host = _EXTERNAL.match(href.group(1))
        if host is None or host.group(1).lower() == site_host:
            return tag
        return tag[:-1] + ' rel="noopener noreferrer">'

    if "<a " in html:
        html = _A_TAG.sub(mark_external, html)
    if "<img " in html:
        lead = [lead_image]

        def load(match: re.Match[str]) -> str:
            tag = match.group(0)
            attributes = _LEAD if lead[0] else _LATER
            lead[0] = False
            src = _SRC.search(tag)
            host = _EXTERNAL.match(src.group(1)) if src else None
            if host is not None and host.group(1).lower() != site_host:
                attributes += ' referrerpolicy="no-referrer"'
            return f"<img {attributes} {tag[5:]}"

        html = _IMG_TAG.sub(load, html)
    return html
