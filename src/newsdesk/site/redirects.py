"""Old URLs of articles that keep working: Hugo's `aliases`, jekyll-redirect-from's
`redirect_from`, and a `permalink` or Hugo `url` the old generator published the
article under. The
server answers them with a permanent redirect; the static build writes a small page
that sends the reader on (and a `_redirects` file for hosts that read one)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.model import Article
from newsdesk.site.catalog import Entry

REDIRECT_CLASH = "redirect-clash"
# The front matter keys that name an article's old URLs.
_KEYS = ("aliases", "redirect_from", "permalink", "url")
_KEY_LINE = re.compile(
    r"^[ \t]*[\"']?(aliases|redirect_from|permalink|url)[\"']?[ \t]*[:=]",
    re.MULTILINE | re.IGNORECASE,
)
REDIRECTS_FILE = "_redirects"


@dataclass
class Redirects:
    """Canonical URLs by old URL, and what could not become a redirect, by path."""

    targets: dict[str, str] = field(default_factory=dict)
    findings: dict[str, list[Diagnostic]] = field(default_factory=dict)
    # Who named each old URL: the article's path, the key and where the key is.
    named: dict[str, tuple[str, str, tuple[int, int]]] = field(default_factory=dict)

    def page_clash(self, old: str) -> tuple[str, Diagnostic]:
        """The warning for an old URL that a page of the site has, and whose it is."""
        path, key, place = self.named[old]
        return path, Diagnostic(
            REDIRECT_CLASH,
            f"{key}: '{old}' is a page of this site; no redirect is made",
            *place,
            fix=f"remove '{old}' from '{key}'",
        )


def find_redirects(entries: Iterable[Entry]) -> Redirects:
    """Every old URL of these articles that no article is published at, the first
    article by path keeping one that two name."""
    ordered = sorted(entries, key=lambda e: e.article.path)
    canonical = {e.article.url: e.article.path for e in ordered}
    found = Redirects()
    for entry in ordered:
        article = entry.article
        places = {key.lower(): (line, col) for key, line, col in entry.key_places}
        extra = _old_url_values(article)
        for key in _KEYS:
            for old in _urls(extra.get(key)):
                if old == article.url:
                    continue
                named = found.named.get(old)
                taken = canonical.get(old) or (named[0] if named else None)
                if taken is not None:
                    found.findings.setdefault(article.path, []).append(
                        Diagnostic(
                            REDIRECT_CLASH,
                            f"{key}: '{old}' is already the URL of {taken}; no redirect is made",
                            *places.get(key, (1, 1)),
                            fix=f"remove '{old}' from '{key}' of one of the two articles",
                        )
                    )
                    continue
                found.targets[old] = article.url
                found.named[old] = (article.path, key, places.get(key, (1, 1)))
    return found


def key_places(source: str) -> tuple[tuple[str, int, int], ...]:
    """Where the file writes each key that names old URLs (the first time), as
    (key, line, column): front matter comes first, so the first is the key."""
    places: dict[str, tuple[str, int, int]] = {}
    for match in _KEY_LINE.finditer(source):
        key = match.group(1)
        if key not in places:
            line = source.count("\n", 0, match.start(1)) + 1
            col = match.start(1) - (source.rfind("\n", 0, match.start(1)) + 1) + 1
            places[key] = (key, line, col)
    return tuple(places.values())


def names_old_urls(article: Article) -> bool:
    return any(_urls(value) for value in _old_url_values(article).values())


def _old_url_values(article: Article) -> dict[str, object]:
    """The values of the keys naming old URLs, by key in lower case (Hugo writes
    `URL`); a `url` only when it is a path of the site (elsewhere it names a source)."""
    found: dict[str, object] = {}
    for key, value in article.extra.items():
        lowered = key.lower()
        if lowered not in _KEYS:
            continue
        if lowered == "url" and not (isinstance(value, str) and _site_path(value.strip())):
            continue
        found[lowered] = value
    return found


def _site_path(value: str) -> bool:
    return value.startswith("/") and not value.startswith("//")


def _urls(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [_normal(v.strip()) for v in values if isinstance(v, str) and v.strip()]


def _normal(url: str) -> str:
    """A site path with a leading slash; a path of the old site's that ends in a
    folder name (`2018/01/post`) names the folder's page."""
    path = "/" + url.lstrip("/")
    last = path.rsplit("/", 1)[-1]
    return path if not last or "." in last else path + "/"


def redirect_page(target: str, label: str) -> bytes:
    """A page that sends its reader to `target` with no script: a refresh at once,
    the canonical link for search engines and a link for the reader."""
    href = escape(target)
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        f'<meta name="robots" content="noindex"><link rel="canonical" href="{href}">'
        f'<meta http-equiv="refresh" content="0; url={href}"><title>{escape(label)}</title>'
        f'</head><body><p><a href="{href}">{escape(label)}</a></p></body></html>\n'
    ).encode()


def redirects_file(targets: dict[str, str]) -> bytes:
    """The `_redirects` lines (Netlify, Cloudflare Pages): old, new, 301."""
    return "".join(f"{old} {new} 301\n" for old, new in sorted(targets.items())).encode()
