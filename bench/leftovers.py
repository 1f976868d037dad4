"""What a reader would see wrong in a built site: another generator's syntax left as
visible text, and local references to files the output does not hold.

Used by `bench/migrate_survey.py` on real blogs and by `tests/test_migration.py` on the
fixture sites, so that both count the same things the same way."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# Delimiters of Hexo/Jekyll tags, Liquid and Hugo output, kramdown attribute lists,
# markdown-it containers, table-of-contents markers, GitHub alert markers and display
# math: none of them is prose once the page is rendered. A `$$` glued to a word is a
# name (Java's generated classes, `Foo$$EnhancerByCGLIB$$1`), not math.
LEFTOVER = re.compile(
    r"\{%|\{\{|\{:|:::|\[TOC\]|\[\[toc\]\]|\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]"
    r"|(?<![\w$])\$\$",
    re.IGNORECASE,
)
CONTEXT_CHARS = 30
# Text inside these is not prose: code shows syntax on purpose, scripts and styles are
# not shown at all.
CODE_TAGS = {"pre", "code"}
HIDDEN_TAGS = {"script", "style", "template"}
# The attributes that point at a file a page needs or links to.
REFERENCE_ATTRIBUTES = {
    "img": ("src",),
    "a": ("href",),
    "video": ("src", "poster"),
    "source": ("src",),
    "audio": ("src",),
}


@dataclass(frozen=True)
class Leftover:
    text: str  # the delimiter found
    context: str  # the text around it, on one line


@dataclass(frozen=True)
class BrokenReference:
    tag: str
    target: str  # as written in the page


@dataclass
class PageScan:
    url: str
    is_article: bool  # an article's own page, not a list, archive or search page
    leftovers: list[Leftover] = field(default_factory=list)
    broken: list[BrokenReference] = field(default_factory=list)
    text: str = ""  # the text a reader sees outside <pre>/<code>
    code_text: str = ""  # the text inside <pre>/<code>

    def problems(self) -> list[str]:
        """One line per problem, naming the page."""
        lines = [f"{self.url}: leftover {x.text!r} in …{x.context}…" for x in self.leftovers]
        lines += [
            f"{self.url}: <{b.tag}> target {b.target!r} not in the output" for b in self.broken
        ]
        return lines


class _PageReader(HTMLParser):
    """Splits a page into prose text, code text and the references it makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.prose: list[str] = []
        self.code: list[str] = []
        self.references: list[tuple[str, str]] = []
        self.is_article = False
        self._code_depth = 0
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_TAGS:
            self._code_depth += 1
        elif tag in HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag == "meta" and ("property", "og:type") in attrs:
            self.is_article = self.is_article or ("content", "article") in attrs
        wanted = REFERENCE_ATTRIBUTES.get(tag, ())
        self.references += [(tag, value) for name, value in attrs if name in wanted and value]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A self-closed tag opens nothing: <code/> must not count as code.
        if tag not in CODE_TAGS and tag not in HIDDEN_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_TAGS and self._code_depth:
            self._code_depth -= 1
        elif tag in HIDDEN_TAGS and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        (self.code if self._code_depth else self.prose).append(data)


def find_leftovers(prose: str) -> list[Leftover]:
    found: list[Leftover] = []
    for match in LEFTOVER.finditer(prose):
        start = max(0, match.start() - CONTEXT_CHARS)
        around = " ".join(prose[start : match.end() + CONTEXT_CHARS].split())
        found.append(Leftover(match.group(0), around))
    return found


def is_local(target: str, site_host: str) -> bool:
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        return parts.netloc == site_host
    return not parts.scheme and not parts.netloc and not target.startswith("#")


def exists_in_output(out: Path, base_path: str, url_path: str) -> bool:
    """Whether a static host serving `out` under `base_path` answers `url_path` with a file."""
    path = unquote(url_path)
    if not path.startswith(base_path):
        return False
    target = out / path[len(base_path) :].lstrip("/")
    if path.endswith("/") or target.is_dir():
        return (target / "index.html").is_file()
    return target.is_file()


def page_url(out: Path, page: Path, base_path: str) -> str:
    relative = page.relative_to(out).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative.removesuffix("index.html")
    return base_path + relative


def scan_page(out: Path, page: Path, base_url: str) -> PageScan:
    site = urlsplit(base_url)
    base_path = site.path.rstrip("/") + "/"
    url = page_url(out, page, base_path)
    reader = _PageReader()
    reader.feed(page.read_text(encoding="utf-8", errors="replace"))
    reader.close()
    prose = "".join(reader.prose)
    scan = PageScan(
        url, reader.is_article, find_leftovers(prose), text=prose, code_text="".join(reader.code)
    )
    for tag, target in reader.references:
        if not is_local(target.strip(), site.netloc):
            continue
        resolved = urlsplit(urljoin(url, target.strip())).path
        if not exists_in_output(out, base_path, resolved):
            scan.broken.append(BrokenReference(tag, target))
    return scan


def scan_site(out: Path, base_url: str = "http://127.0.0.1:8000") -> list[PageScan]:
    """Every HTML page of a built site, scanned; `base_url` is the one it was built with."""
    return [scan_page(out, page, base_url) for page in sorted(out.rglob("*.html"))]
