"""Local references in an article's HTML: the files and articles its links, images
and media point at by path rather than by URL. Compiling an article records them with
their place in the file; the site resolves them (site/local_files.py), because where
a file is published and what another article is called are the site's to say."""

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

from newsdesk.site.pictures import Picture, offered, sized, source_url, under

# The attributes that load or link a file, in the tags that carry them.
_TAG = re.compile(r"<(a|img|video|source|audio)\s[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\s(href|src|poster)="([^"]*)"', re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_EMPTY_LINK = re.compile(r"(<a\s[^>]*>)</a>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LocalRef:
    """A URL as the rendered HTML holds it, where the file on disk writes it (1-based
    line and column), and whether it is a link (`a href`) rather than something shown."""

    url: str
    line: int
    col: int
    link: bool


def is_local(url: str) -> bool:
    """A path on this site, not a URL of another one, a fragment or a query."""
    return bool(url) and not url.startswith(("#", "?", "//")) and not _SCHEME.match(url)


def split_url(url: str) -> tuple[str, str]:
    """The path as a file name (entities and percent-escapes undone) and what follows
    it (`?query#fragment`, kept as written)."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return unquote(html.unescape(url[:cut])), url[cut:]


def find_refs(rendered: str, source: str, cover: str | None = None) -> tuple[LocalRef, ...]:
    """Each local reference of the HTML once, in order, then the cover image's (from
    the front matter) when it is local, each placed at its first occurrence in the
    file's text outside fenced code (1:1 when the text does not spell it the way it
    is found)."""
    found: dict[tuple[str, bool], LocalRef] = {}
    searchable = _without_fences(source)
    if cover and is_local(cover):
        line, col = _place(searchable, cover)
        found[cover, False] = LocalRef(cover, line, col, False)
    for tag in _TAG.finditer(rendered):
        link = tag.group(1).lower() == "a"
        for attribute in _ATTRIBUTE.finditer(tag.group(0)):
            url = attribute.group(2)
            if not is_local(url) or (url, link) in found:
                continue
            line, col = _place(searchable, url)
            found[url, link] = LocalRef(url, line, col, link)
    return tuple(found.values())


def _place(text: str, url: str) -> tuple[int, int]:
    spelled = html.unescape(url)
    for form in (spelled, unquote(spelled)):
        at = text.find(form)
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            return line, at - (text.rfind("\n", 0, at) + 1) + 1
    return 1, 1


def _without_fences(text: str) -> str:
    """The text with fenced code blanked out, line breaks kept, so that a path quoted
    in code is not taken for the reference."""
    lines = text.split("\n")
    fence = ""
    for number, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            lines[number] = ""
        elif opened:
            fence = opened.group(1)
            lines[number] = ""
    return "\n".join(lines)


def rewrite(
    rendered: str,
    urls: dict[tuple[str, bool], str],
    titles: dict[str, str],
    pictures: dict[str, Picture] | None = None,
    base_path: str = "/",
) -> str:
    """The HTML with each resolved reference's URL in place (`urls`: by the URL as
    written and whether it is a link), the given title (HTML, by the new URL) as the
    text of a link that had none, and each `<img>` whose new URL has a picture sized
    (so its place is kept while it loads) and offering the picture's variants (under
    the site's `base_path`)."""
    at_base = under(base_path)

    def in_tag(tag: re.Match[str]) -> str:
        name = tag.group(1).lower()
        link = name == "a"

        def attribute(match: re.Match[str]) -> str:
            new = urls.get((match.group(2), link))
            return match.group(0) if new is None else f' {match.group(1)}="{new}"'

        rewritten = _ATTRIBUTE.sub(attribute, tag.group(0))
        if name != "img" or not pictures:
            return rewritten
        shown = pictures.get(source_url(rewritten) or "")
        return rewritten if shown is None else offered(sized(rewritten, shown), shown, at_base)

    rewritten = _TAG.sub(in_tag, rendered)
    if not titles:
        return rewritten

    def titled(match: re.Match[str]) -> str:
        href = _ATTRIBUTE.search(match.group(1))
        title = titles.get(href.group(2)) if href else None
        return match.group(0) if title is None else f"{match.group(1)}{title}</a>"

    return _EMPTY_LINK.sub(titled, rewritten)
