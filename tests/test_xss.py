"""Cross-site scripting: every payload of tests/xss_payloads.py in article bodies,
in every front matter field that reaches a page, in the site's settings, in search
queries and in URLs, on the statically built site and on `newsdesk serve`, opened
in Chromium. Nothing may run, and nothing from the content may become markup that
could run: a script, an `on*` attribute, a `javascript:` or `data:` URL, a frame.

`data:` URLs: the renderer keeps `data:image/png|gif|jpeg|webp` (cmark's safe mode
does, for inline images); raster images cannot run script in any context, so those
are accepted, and every other `data:` URL is a finding."""

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page

from newsdesk.site.config import load_config

from .browser import serve_folder, watched_page
from .conftest import DEMO_SITE, run_newsdesk
from .server import database_on, running_server
from .xss_payloads import INIT_SCRIPT, PAYLOADS, URL_PAYLOADS, Payload

pytestmark = pytest.mark.browser

ARTICLES = 8
GROUPS: list[tuple[Payload, ...]] = [PAYLOADS[index::ARTICLES] for index in range(ARTICLES)]
TAGS_PER_ARTICLE = 2
# Text fields hold every payload but the Markdown syntax, which only means something
# in a body.
TEXT_GROUPS = [tuple(p for p in group if not p.markdown_only) for group in GROUPS]
MARKDOWN_SLUG = "markdown-links"
SEARCH_QUERIES = ["pwn", "onerror", "script", "javascript"]
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

# What a page may hold that is the site's own: its two scripts, its JSON-LD block
# in the head, its search forms, its tag cloud weights.
CHECK_PAGE = r"""
() => {
  const found = [];
  const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "poster", "background", "codebase", "cite", "values", "to", "from", "by", "ping", "lowsrc",
    "dynsrc", "srcset", "icon", "manifest", "archive", "longdesc", "usemap"]);
  const SAFE_DATA = /^data:image\/(png|gif|jpeg|webp)[;,]/;
  const FORBIDDEN = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "style", "svg", "math", "animate", "set", "foreignobject", "template", "portal", "xmp",
    "plaintext", "noembed", "marquee", "isindex", "textarea", "select", "title"]);
  const OWN_SCRIPT = /^\/assets\/(site|search)\.[0-9a-f]+\.js$/;
  const describe = (el) => el.outerHTML.slice(0, 200);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName.toLowerCase();
    if (FORBIDDEN.has(tag) && !(tag === "title" && el.parentElement === document.head)) {
      found.push("element " + describe(el));
    }
    if (tag === "script") {
      const own = el.type === "application/ld+json"
        ? el.parentElement === document.head && !el.hasAttribute("src")
        : el.parentElement === document.head && OWN_SCRIPT.test(el.getAttribute("src") || "");
      if (!own) found.push("script " + describe(el));
    }
    if (tag === "meta" && el.hasAttribute("http-equiv")) found.push("meta " + describe(el));
    if (tag === "link" && (el.parentElement !== document.head
        || !["stylesheet", "alternate", "canonical", "icon"].includes(el.rel))) {
      found.push("link " + describe(el));
    }
    if (tag === "form" && !["search-box", "search-page"].includes(el.className)) {
      found.push("form " + describe(el));
    }
    // a bare <input> survives the sanitizer (it keeps task list checkboxes) as a
    // text box: inert, unlike an image or submit input
    if (tag === "input" && !["search", "checkbox", "text"].includes(el.type)) {
      found.push("input " + describe(el));
    }
    // the site's own buttons: the search forms, code copying, the static search's
    // "more results" (outside article text, which the sanitizer keeps buttonless)
    const own = "form.search-box, form.search-page, .highlight, button.search-more";
    if (tag === "button" && !el.closest(own)) {
      found.push("button " + describe(el));
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name === "srcdoc" || name === "autofocus"
          || name === "formaction" || name === "form") {
        found.push("attribute " + name + " on " + describe(el));
      }
      if (name === "style" && !/^--weight: \d+$/.test(attr.value)) {
        found.push("style on " + describe(el));
      }
      if (URL_ATTRIBUTES.has(name)) {
        const value = attr.value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
        if (/^(javascript|vbscript|livescript):/.test(value)
            || (value.startsWith("data:") && !SAFE_DATA.test(value))) {
          found.push("url " + name + " on " + describe(el));
        }
      }
    }
  }
  return found;
}
"""

# What the page shows of the content, to compare with what was written.
READ_PAGE = r"""
() => {
  const text = (selector) => [...document.querySelectorAll(selector)].map((e) => e.textContent);
  const meta = (selector) => {
    const el = document.querySelector(selector);
    return el ? el.getAttribute("content") : null;
  };
  const ld = document.querySelector('script[type="application/ld+json"]');
  return {
    title: (document.querySelector("title") || {}).textContent,
    h1: text("h1"),
    description: meta('meta[name="description"]'),
    og_title: meta('meta[property="og:title"]'),
    tags: text(".tag-list li"),
    authors: text(".author-box h2"),
    bios: text(".author-box p"),
    cards: text(".card-title a"),
    search_value: (document.querySelector("#search-query") || {}).value,
    hits: [...document.querySelectorAll("#search-results a")].map((a) => a.getAttribute("href")),
    jsonld: ld ? ld.textContent : null,
  };
}
"""


def plain(text: str) -> str:
    """Whitespace collapsed, as a field reads once normalized and shown."""
    return " ".join(text.split())


def joined(group: tuple[Payload, ...]) -> str:
    return " ".join(p.text for p in group)


@dataclass
class Written:
    """One article as written into the site, to compare the pages with."""

    slug: str
    title: str
    summary: str
    category: str
    tags: list[str]
    author: str
    bio: str
    cover: str
    body: str

    def front_matter(self, index: int) -> dict[str, Any]:
        return {
            "title": self.title,
            "slug": self.slug,
            "date": f"2024-03-{index + 1:02d} 08:00:00",
            "updated": f"2024-04-{index + 1:02d} 08:00:00",
            "summary": self.summary,
            "category": self.category,
            "tags": self.tags,
            "author": {
                "name": self.author,
                "bio": self.bio,
                "url": URL_PAYLOADS[index],
                "avatar": URL_PAYLOADS[(index + 1) % len(URL_PAYLOADS)],
            },
            "cover": self.cover,
        }


def written_articles() -> list[Written]:
    """Each article holds one group of payloads in each text field (the groups
    rotated between fields) and every payload in its body."""
    body = "\n\n".join(p.text for p in PAYLOADS)
    articles = []
    for index in range(ARTICLES):

        def group(offset: int, index: int = index) -> tuple[Payload, ...]:
            return TEXT_GROUPS[(index + offset) % ARTICLES]

        tags = group(3)
        size = -(-len(tags) // TAGS_PER_ARTICLE)
        articles.append(
            Written(
                # the slug is a payload too: it must come out as a safe slug
                slug=joined(group(6)),
                title=joined(group(0)),
                summary=joined(group(1)),
                category=joined(group(2)).split(",")[0].split("，")[0].split("、")[0],
                tags=[joined(tags[at : at + size]) for at in range(0, len(tags), size)],
                author=joined(group(4)),
                bio=joined(group(5)),
                cover=URL_PAYLOADS[index],
                body=body,
            )
        )
    return articles


def markdown_only_body() -> str:
    """Markdown payloads with no `<` at all: the renderer's path without the sanitizer."""
    return "\n\n".join(p.text for p in PAYLOADS if p.markdown_only and "<" not in p.text)


def site_settings() -> str:
    """The demo site's settings with payloads in the site's own strings and menu."""
    settings = (DEMO_SITE / "newsdesk.toml").read_text(encoding="utf-8")
    breakouts = [p for p in PAYLOADS if p.category == "template and json breakout"]
    title = joined(tuple(breakouts[:4]))
    description = joined(tuple(breakouts[4:]))
    settings = re.sub(r"(?m)^title = .*$", lambda _: f"title = {json.dumps(title)}", settings)
    settings = re.sub(
        r"(?m)^description = .*$", lambda _: f"description = {json.dumps(description)}", settings
    )
    menu = "".join(
        f"\n[[menu]]\nname = {json.dumps(p.text)}\nurl = {json.dumps(url)}\n"
        for p, url in zip(PAYLOADS[:3], URL_PAYLOADS[:3], strict=True)
    )
    return settings + menu


@dataclass
class Site:
    root: Path
    articles: list[Written]
    title: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("xss") / "site"
    (root / "content").mkdir(parents=True)
    settings = site_settings()
    (root / "newsdesk.toml").write_text(settings, encoding="utf-8")
    articles = written_articles()
    for index, article in enumerate(articles):
        front = json.dumps(article.front_matter(index), ensure_ascii=False, indent=1)
        (root / "content" / f"payloads-{index}.md").write_text(
            f"{front}\n\n{article.body}\n", encoding="utf-8"
        )
    (root / "content" / f"{MARKDOWN_SLUG}.md").write_text(
        "---\ntitle: Markdown 链接\ndate: 2024-02-01\ncategory: Markdown\n---\n\n"
        + markdown_only_body()
        + "\n",
        encoding="utf-8",
    )
    title = load_config(root / "newsdesk.toml").site.title
    return Site(root, articles, title)


@dataclass
class Findings:
    """Everything wrong on every page, gathered so one run reports all of it."""

    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def add(self, where: str, found: list[str]) -> None:
        self.problems.extend(f"{where}: {item}" for item in found)


def ran(page: Page) -> list[str]:
    """What the payloads recorded, in the page and in every frame it has."""
    recorded: list[str] = []
    for frame in page.frames:
        try:
            recorded.extend(frame.evaluate("window.__xss || []"))
        except Exception as error:  # a frame that navigated away while read
            recorded.append(f"frame {frame.url[:80]} unreadable: {error}")
    return recorded


@dataclass
class Browsing:
    """One watched Chromium page with the recording init script, reused page after page."""

    page: Page
    dialogs: list[str]
    findings: Findings

    def open(self, url: str, wait_for: str | None = None) -> dict[str, Any]:
        self.page.goto(url, wait_until="load")
        if wait_for:
            self.page.wait_for_selector(wait_for, state="attached", timeout=15_000)
        # scripts that fire on focus or on animation begin right after load
        self.page.wait_for_timeout(100)
        self.inspect(url)
        shown: dict[str, Any] = self.page.evaluate(READ_PAGE)
        return shown

    def inspect(self, where: str) -> None:
        self.findings.pages += 1
        self.findings.add(where, [f"ran: {item}" for item in ran(self.page)])
        self.findings.add(where, self.page.evaluate(CHECK_PAGE))
        self.findings.add(where, [f"dialog: {d}" for d in self.dialogs])
        self.dialogs.clear()

    def check_html(self, where: str, fragment: str) -> None:
        """HTML that is not a page (a feed's or the API's article content), in a page."""
        self.page.set_content(
            f"<!doctype html><html><head></head><body>{fragment}</body></html>",
            wait_until="load",
        )
        self.page.wait_for_timeout(100)
        self.inspect(where)


@pytest.fixture
def browsing(browser: Browser) -> Iterator[Browsing]:
    with watched_page(browser) as watched:
        watched.page.add_init_script(INIT_SCRIPT)
        yield Browsing(watched.page, watched.dialogs, Findings())


def site_paths(client: httpx.Client) -> list[str]:
    """Every page of the sitemap, the index pages and the 404 page."""
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    paths = [urlsplit(loc.text or "").path for loc in sitemap.findall("s:url/s:loc", namespace)]
    return [*paths, "/tags/", "/categories/", "/authors/", "/archives/", "/404.html"]


def check_article_page(site: Site, written: Written, shown: dict[str, Any]) -> list[str]:
    """The page shows the front matter as the text it was, nothing less."""
    wrong = []
    expected = {
        "h1": [plain(written.title)],
        "title": plain(f"{written.title} · {site.title}"),
        "og_title": plain(f"{written.title} · {site.title}"),
        "description": plain(written.summary),
        "tags": [plain(f"#{tag}") for tag in written.tags],
        "authors": [plain(written.author)],
        "bios": [plain(written.bio)],
    }
    for key, value in expected.items():
        got = shown[key]
        got = [plain(item) for item in got] if isinstance(got, list) else plain(got or "")
        if got != value:
            wrong.append(f"{key} shows {got!r:.300}, written {value!r:.300}")
    wrong.extend(check_jsonld(written, shown["jsonld"]))
    return wrong


def check_jsonld(written: Written, raw: str | None) -> list[str]:
    if raw is None:
        return ["no JSON-LD block"]
    if "<" in raw:
        return [f"JSON-LD holds a raw '<' that could close its script: {raw[:200]}"]
    data = json.loads(raw)
    wrong = []
    if plain(data["headline"]) != plain(written.title):
        wrong.append(f"JSON-LD headline {data['headline']!r:.200}")
    if [plain(a["name"]) for a in data.get("author", [])] != [plain(written.author)]:
        wrong.append(f"JSON-LD author {data.get('author')!r:.200}")
    for image in data.get("image", []):
        wrong.extend(unsafe_url("JSON-LD image", image))
    return wrong


def unsafe_url(where: str, url: str | None) -> list[str]:
    """A URL handed to readers and clients must be a web one or relative."""
    if url is None:
        return []
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("", "http", "https", "mailto"):
        return []
    return [f"{where} is a {scheme}: URL: {url!r:.120}"]


def browse_site(site: Site, base: str, client: httpx.Client, browsing: Browsing) -> set[str]:
    """Opens every page and checks what it shows, then the feeds; returns the paths of
    the articles that hold payloads."""
    by_title = {plain(w.title): w for w in site.articles}
    articles = 0
    payload_paths = set()
    for path in site_paths(client):
        shown = browsing.open(base + path)
        if path.startswith("/posts/"):
            articles += 1
            headline = json.loads(shown["jsonld"])["headline"] if shown["jsonld"] else ""
            written = by_title.get(plain(headline))
            if written is not None:
                payload_paths.add(path)
                browsing.findings.add(path, check_article_page(site, written, shown))
            elif headline != "Markdown 链接":
                browsing.findings.add(path, [f"an article not written: {headline!r:.200}"])
        elif is_archive(path) and not (shown["h1"] and shown["cards"]):
            browsing.findings.add(path, ["the archive shows no heading or no article"])
    if articles != len(site.articles) + 1:
        browsing.findings.add(base, [f"{articles} article pages, {len(site.articles) + 1} written"])
    check_feeds(site, client, browsing)
    return payload_paths


def is_archive(path: str) -> bool:
    """A tag's, a category's or an author's page (with its feeds)."""
    return path.startswith(("/tags/", "/categories/", "/authors/")) and path.count("/") == 3


def check_feeds(site: Site, client: httpx.Client, browsing: Browsing) -> None:
    """Every feed parses, says each title as written, and carries content that holds
    nothing that could run."""
    titles = {plain(w.title) for w in site.articles}
    feed_folders = ["/"] + [path for path in site_paths(client) if is_archive(path)]
    contents: set[str] = set()
    atom = "{http://www.w3.org/2005/Atom}"
    encoded = "{http://purl.org/rss/1.0/modules/content/}encoded"
    for folder in feed_folders:
        for name in ("feed.xml", "atom.xml", "feed.json"):
            url = folder + name
            response = client.get(url)
            if response.status_code != 200:
                browsing.findings.add(url, [f"status {response.status_code}"])
                continue
            try:
                if name == "feed.json":
                    feed = json.loads(response.content)
                    items = [(i["title"], i["content_html"]) for i in feed["items"]]
                    for item in feed["items"]:
                        browsing.findings.add(url, unsafe_url("image", item.get("image")))
                elif name == "feed.xml":
                    root = ElementTree.fromstring(response.content)
                    items = [
                        (i.findtext("title") or "", i.findtext(encoded) or "")
                        for i in root.iter("item")
                    ]
                else:
                    root = ElementTree.fromstring(response.content)
                    items = [
                        (e.findtext(f"{atom}title") or "", e.findtext(f"{atom}content") or "")
                        for e in root.iter(f"{atom}entry")
                    ]
            except (ElementTree.ParseError, json.JSONDecodeError, KeyError) as error:
                browsing.findings.add(url, [f"not a well-formed feed: {error}"])
                continue
            if not items:
                browsing.findings.add(url, ["no items"])
            shown = {plain(title) for title, _ in items} - {"Markdown 链接"}
            # XML 1.0 cannot carry C0 controls, so the XML feeds leave them out
            expected = titles if name == "feed.json" else {NOT_XML.sub("", t) for t in titles}
            if not shown <= expected:
                browsing.findings.add(url, [f"titles not as written: {shown - expected}"])
            contents.update(content for _, content in items)
    for number, content in enumerate(sorted(contents)):
        browsing.check_html(f"feed content #{number}", content)


def check_search_pages(base: str, browsing: Browsing, served: bool, paths: set[str]) -> None:
    """Queries made of payloads, and queries that find every article (`paths`), whose
    results show the payloads in titles and snippets."""
    queries = [*SEARCH_QUERIES, *(joined(group) for group in TEXT_GROUPS)]
    wait_for = None if served else "#search-results p"
    for query in queries:
        url = f"{base}/search/?q={quote(query)}"
        shown = browsing.open(url, wait_for)
        if plain(shown["search_value"] or "") != plain(query.strip()):
            browsing.findings.add(url, [f"the search box says {shown['search_value']!r:.200}"])
        if query in SEARCH_QUERIES:
            missing = paths - set(shown["hits"])
            if missing:
                browsing.findings.add(url, [f"{len(missing)} articles not found by {query!r}"])


def test_raw_html_is_off_by_default(site: Site) -> None:
    """The option that keeps raw HTML is for trusted sites only: off unless set, and
    neither the demo site nor this one sets it."""
    assert load_config(site.root / "newsdesk.toml").render.raw_html is False
    assert "raw_html" not in (DEMO_SITE / "newsdesk.toml").read_text(encoding="utf-8")


def test_static_site_runs_no_payload(site: Site, browsing: Browsing, tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = run_newsdesk("build", str(site.root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    with serve_folder(out) as base, httpx.Client(base_url=base, timeout=30) as client:
        paths = browse_site(site, base, client, browsing)
        check_search_pages(base, browsing, False, paths)
    assert browsing.findings.problems == [], "\n".join(browsing.findings.problems)


def test_served_site_runs_no_payload(site: Site, browsing: Browsing, tmp_path: Path) -> None:
    """Pages do not depend on the database: SQLite is enough here."""
    # A SQLite database needs no clean-up: the generator may run to its end at once.
    (database_url,) = database_on("sqlite", tmp_path / "store.sqlite")
    with running_server(site.root, database_url) as server, server.client() as client:
        browse_site(site, server.url, client, browsing)
    assert browsing.findings.problems == [], "\n".join(browsing.findings.problems)


def test_served_search_and_api_run_no_payload(
    site: Site, browsing: Browsing, database_url: str
) -> None:
    """Search and the API answer from the database: on both backends."""
    with running_server(site.root, database_url) as server, server.client() as client:
        listing = client.get("/api/v1/articles", params={"limit": 50}).json()["items"]
        paths = {item["path"] for item in listing if item["slug"] != MARKDOWN_SLUG}
        check_search_pages(server.url, browsing, True, paths)
        check_urls_and_api(server.url, client, browsing)
    assert browsing.findings.problems == [], "\n".join(browsing.findings.problems)


def check_urls_and_api(base: str, client: httpx.Client, browsing: Browsing) -> None:
    """Payloads in paths and query strings, and the API's JSON for them."""
    for group in TEXT_GROUPS:
        text = joined(group)
        for path in (
            f"/{quote(text, safe='')}",
            f"/posts/{quote(text, safe='')}/",
            f"/?q={quote(text)}",
            f"/api/v1/search?q={quote(text)}",
            f"/api/v1/articles/{quote(text, safe='')}",
        ):
            browsing.open(base + path)
    for query in SEARCH_QUERIES:
        response = client.get("/api/v1/search", params={"q": query, "limit": 50})
        check_json_response(f"/api/v1/search?q={query}", response, browsing)
        for item in response.json()["items"]:
            browsing.findings.add(f"search {query}", check_record(item))
            for key in ("title_html", "snippet_html"):
                bare = re.sub(r"</?mark>", "", item[key])
                if "<" in bare or ">" in bare:
                    browsing.findings.add(f"search {query}", [f"{key} not escaped: {bare:.200}"])
    listing = client.get("/api/v1/articles", params={"limit": 50})
    check_json_response("/api/v1/articles", listing, browsing)
    for item in listing.json()["items"]:
        browsing.findings.add("/api/v1/articles", check_record(item))
        detail = client.get(f"/api/v1/articles/{item['slug']}")
        check_json_response(f"/api/v1/articles/{item['slug']}", detail, browsing)
        browsing.check_html(f"API html of {item['slug']}", detail.json()["html"])


def check_json_response(where: str, response: httpx.Response, browsing: Browsing) -> None:
    kind = response.headers.get("content-type", "")
    if response.status_code != 200 or not kind.startswith("application/json"):
        browsing.findings.add(where, [f"status {response.status_code}, type {kind}"])


def check_record(item: dict[str, Any]) -> list[str]:
    """URLs in an article's record are put into pages by API clients."""
    found = unsafe_url("cover_image", item.get("cover_image"))
    found += unsafe_url("path", item.get("path"))
    for author in item.get("authors", []):
        found += unsafe_url("author url", author.get("url"))
        found += unsafe_url("author avatar", author.get("avatar"))
    return found
