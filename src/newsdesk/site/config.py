"""`newsdesk.toml`: one typed schema, validated once, every error with its key path."""

import difflib
import ipaddress
import re
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pygments.styles import get_all_styles

from newsdesk.content.options import CompatOptions, ContentOptions
from newsdesk.errors import ConfigError
from newsdesk.render.options import RenderOptions

CONFIG_NAME = "newsdesk.toml"
LANGUAGES = ("zh-CN", "en")
# The content layer owns its defaults; the site's settings start from them.
_CONTENT = ContentOptions()
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


@dataclass(frozen=True)
class SiteSection:
    title: str = "新闻台"
    description: str = "中文科技新闻与博客"
    base_url: str = "http://127.0.0.1:8000"
    language: str = "zh-CN"
    timezone: str = _CONTENT.timezone
    page_size: int = 20
    hot_count: int = 5
    feed_items: int = 20

    @property
    def base_path(self) -> str:
        """The path every page is under: `/`, or `/blog/` for a base URL with a path."""
        return urlsplit(self.base_url).path.rstrip("/") + "/"


@dataclass(frozen=True)
class ContentSection:
    dir: str = "content"
    permalink: str = _CONTENT.permalink
    summary_chars: int = _CONTENT.summary_chars
    max_file_kb: int = _CONTENT.max_file_bytes // 1024
    boilerplate_summary_repeats: int = _CONTENT.boilerplate_summary_repeats


@dataclass(frozen=True)
class ReadingSection:
    cjk_chars_per_minute: int = _CONTENT.cjk_chars_per_minute
    latin_words_per_minute: int = _CONTENT.latin_words_per_minute
    code_lines_per_minute: int = _CONTENT.code_lines_per_minute


@dataclass(frozen=True)
class RenderSection:
    raw_html: bool = False
    cjk_spacing: bool = False
    code_style: str = "default"
    code_style_dark: str = "github-dark"


@dataclass(frozen=True)
class ThemeSection:
    accent: str = "#c62828"
    accent_dark: str = "#ef8a80"


@dataclass(frozen=True)
class ViewsSection:
    window_minutes: int = 30
    # Counted views of one article from one client address per window: a household
    # or office behind one NAT address stays under it in normal reading.
    per_address: int = 20
    # How long the signed proof of a page view that a beacon carries stays valid.
    token_minutes: int = 10
    # Where statically built pages send their view beacon (a running `newsdesk serve`);
    # empty: static pages send none, served pages always use their own server.
    api_url: str = ""


@dataclass(frozen=True)
class HotSection:
    days: int = 7
    half_life_days: int = 2
    refresh_seconds: int = 30


@dataclass(frozen=True)
class ApiSection:
    cors_origins: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServerSection:
    """`newsdesk serve`: whose forwarded addresses to believe, per-address rates, how
    long a client may take to send a request, and how many connections it may hold."""

    # Proxies (addresses or networks) whose X-Forwarded-For names the client; none by default.
    forwarded_allow_ips: tuple[str, ...] = ()
    search_per_minute: int = 60
    beacons_per_minute: int = 60
    # Desk login attempts (POST /desk/login) and desk API calls per client address.
    login_per_minute: int = 20
    desk_api_per_minute: int = 120
    # Seconds to send a request's headers: from connecting for the first request, from
    # its first byte for each next one.
    header_timeout: int = 10
    # Seconds to send a request's body once its headers are in.
    body_timeout: int = 30
    # Connections open at once from one address (a browser opens six; a household or
    # an office behind one NAT address several times that); 0: no limit.
    connections_per_address: int = 64
    # Connections each worker holds open at once; 0: as many as its descriptors allow.
    connections_per_worker: int = 0


@dataclass(frozen=True)
class SearchSection:
    # Low-priority processes each server worker runs searches in, one at a time each,
    # and the searches that may wait for one; more are answered 503 at once.
    processes: int = 2
    waiting: int = 32


@dataclass(frozen=True)
class DraftSection:
    """`newsdesk draft`: the chat completions server, the prompt and the pace."""

    endpoint: str = ""
    model: str = ""
    # The key is read from this environment variable, never from a file in the site.
    api_key_env: str = "NEWSDESK_LLM_API_KEY"
    prompt: str = ""
    folder: str = "drafts"
    timeout: int = 300
    retries: int = 3
    concurrency: int = 4


@dataclass(frozen=True)
class CompatSection:
    """What a migrated site's old generator syntax refers to."""

    # The folder `{% include %}` reads, relative to the site; "": `_includes/` beside
    # the content folder or in the site, when there is one.
    includes: str = ""
    # `{{ site.X }}` values (`url` and `baseurl` default to "").
    site: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImagesSection:
    """Responsive variants of the raster images beside articles, and the limits a
    file must stay within to be decoded at all."""

    enabled: bool = True
    # Widths (pixels) of the variants a page offers; none wider than the image itself.
    widths: tuple[int, ...] = (480, 960, 1440)
    # Variant formats, best first: "webp", "avif".
    formats: tuple[str, ...] = ("webp",)
    quality: int = 80
    # The cover thumbnail on article lists, cropped to this size (twice its CSS size).
    card_width: int = 256
    card_height: int = 176
    # The cover shared on social sites (Open Graph, JSON-LD) is at most this wide.
    share_width: int = 1200
    max_pixels: int = 50_000_000
    max_file_kb: int = 30 * 1024
    # Seconds one image may take to convert.
    timeout: int = 30


@dataclass(frozen=True)
class MenuItem:
    name: str = ""
    url: str = "/"


@dataclass(frozen=True)
class SiteConfig:
    site: SiteSection = field(default_factory=SiteSection)
    content: ContentSection = field(default_factory=ContentSection)
    reading: ReadingSection = field(default_factory=ReadingSection)
    render: RenderSection = field(default_factory=RenderSection)
    theme: ThemeSection = field(default_factory=ThemeSection)
    views: ViewsSection = field(default_factory=ViewsSection)
    hot: HotSection = field(default_factory=HotSection)
    api: ApiSection = field(default_factory=ApiSection)
    server: ServerSection = field(default_factory=ServerSection)
    search: SearchSection = field(default_factory=SearchSection)
    draft: DraftSection = field(default_factory=DraftSection)
    compat: CompatSection = field(default_factory=CompatSection)
    images: ImagesSection = field(default_factory=ImagesSection)
    menu: tuple[MenuItem, ...] = ()

    def content_options(self, root: Path | None = None) -> ContentOptions:
        """The content layer's options; `root`, the site's folder, locates the content
        and includes folders that converting old generator syntax reads."""
        return ContentOptions(
            timezone=self.site.timezone,
            summary_chars=self.content.summary_chars,
            cjk_chars_per_minute=self.reading.cjk_chars_per_minute,
            latin_words_per_minute=self.reading.latin_words_per_minute,
            code_lines_per_minute=self.reading.code_lines_per_minute,
            max_file_bytes=self.content.max_file_kb * 1024,
            permalink=self.content.permalink,
            boilerplate_summary_repeats=self.content.boilerplate_summary_repeats,
            compat=self._compat_options(root),
        )

    def _compat_options(self, root: Path | None) -> CompatOptions:
        site = tuple(sorted({**dict(CompatOptions().site), **self.compat.site}.items()))
        if root is None:
            return CompatOptions(site=site)
        content = (root / self.content.dir).resolve()
        candidates = (
            [root / self.compat.includes]
            if self.compat.includes
            else [content.parent / "_includes", root / "_includes"]
        )
        includes = next((str(c.resolve()) for c in candidates if c.is_dir()), "")
        return CompatOptions(content=str(content), includes=includes, site=site)

    def render_options(self) -> RenderOptions:
        return RenderOptions(
            raw_html=self.render.raw_html,
            cjk_spacing=self.render.cjk_spacing,
            site_host=urlsplit(self.site.base_url).hostname or "",
            language=self.site.language,
        )

    def with_base_url(self, base_url: str) -> "SiteConfig":
        return replace(self, site=replace(self.site, base_url=base_url.rstrip("/")))


_POSITIVE = (
    "site.page_size",
    "site.hot_count",
    "site.feed_items",
    "content.summary_chars",
    "content.max_file_kb",
    "content.boilerplate_summary_repeats",
    "reading.cjk_chars_per_minute",
    "reading.latin_words_per_minute",
    "reading.code_lines_per_minute",
    "views.window_minutes",
    "views.per_address",
    "views.token_minutes",
    "server.search_per_minute",
    "server.beacons_per_minute",
    "server.login_per_minute",
    "server.desk_api_per_minute",
    "hot.days",
    "hot.half_life_days",
    "hot.refresh_seconds",
    "server.header_timeout",
    "server.body_timeout",
    "draft.timeout",
    "draft.concurrency",
    "search.processes",
    "images.card_width",
    "images.card_height",
    "images.share_width",
    "images.max_pixels",
    "images.max_file_kb",
    "images.timeout",
)
IMAGE_FORMATS = ("webp", "avif")


def load_config(path: Path) -> SiteConfig:
    """Read and validate a newsdesk.toml; ConfigError lists every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), [("", f"cannot read: {error}")]) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [("", f"invalid TOML: {error}")]) from error
    problems: list[tuple[str, str]] = []
    config = _build(SiteConfig, data, "", problems)
    if problems:
        raise ConfigError(str(path), problems)
    assert isinstance(config, SiteConfig)
    validate(config, path)
    return config


def validate(config: SiteConfig, path: Path) -> None:
    """Check values that a type alone cannot (also after a command-line override)."""
    problems: list[tuple[str, str]] = []
    _check_values(config, problems)
    if problems:
        raise ConfigError(str(path), problems)


def _build(kind: type, data: Any, prefix: str, problems: list[tuple[str, str]]) -> Any:
    if not isinstance(data, dict):
        problems.append((prefix.rstrip("."), "expected a table"))
        return kind()
    hints = get_type_hints(kind)
    names = [f.name for f in fields(kind)]
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{prefix}{key}"
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append((where, f"unknown setting{hint}"))
            continue
        expected = hints[key]
        if isinstance(expected, type) and is_dataclass(expected):
            values[key] = _build(expected, value, f"{where}.", problems)
        elif get_origin(expected) is tuple and get_args(expected)[0] in (str, int):
            values[key] = _build_values(get_args(expected)[0], value, where, problems)
        elif get_origin(expected) is tuple:
            values[key] = _build_list(get_args(expected)[0], value, where, problems)
        elif get_origin(expected) is dict:
            values[key] = _build_text_table(value, where, problems)
        elif _matches(value, expected):
            values[key] = value
        else:
            problems.append((where, f"expected {_type_name(expected)}, found {value!r}"))
    return kind(**values)


def _build_list(kind: type, data: Any, where: str, problems: list[tuple[str, str]]) -> Any:
    if not isinstance(data, list):
        problems.append((where, "expected a list of tables ([[...]])"))
        return ()
    return tuple(_build(kind, item, f"{where}[{n}].", problems) for n, item in enumerate(data))


def _build_values(
    kind: type, data: Any, where: str, problems: list[tuple[str, str]]
) -> tuple[Any, ...]:
    if not isinstance(data, list) or not all(_matches(item, kind) for item in data):
        named = "text values" if kind is str else "whole numbers"
        problems.append((where, f"expected a list of {named}"))
        return ()
    return tuple(data)


def _build_text_table(data: Any, where: str, problems: list[tuple[str, str]]) -> dict[str, str]:
    if not isinstance(data, dict) or not all(isinstance(item, str) for item in data.values()):
        problems.append((where, "expected a table of text values"))
        return {}
    return dict(data)


def _matches(value: Any, expected: type) -> bool:
    if expected is int:  # TOML's true is not a number, though Python's bool is an int
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _type_name(expected: Any) -> str:
    return {str: "text", int: "a whole number", bool: "true or false"}.get(expected, "a value")


def _check_values(config: SiteConfig, problems: list[tuple[str, str]]) -> None:
    for key in _POSITIVE:
        section, name = key.split(".")
        if getattr(getattr(config, section), name) <= 0:
            problems.append((key, "must be greater than 0"))
    try:
        ZoneInfo(config.site.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(("site.timezone", f"unknown time zone {config.site.timezone!r}"))
    if config.site.language not in LANGUAGES:
        choices = ", ".join(LANGUAGES)
        problems.append(("site.language", f"unsupported language; choose one of {choices}"))
    if urlsplit(config.site.base_url).scheme not in ("http", "https"):
        problems.append(("site.base_url", "must start with http:// or https://"))
    for key in ("accent", "accent_dark"):
        if not _COLOUR.fullmatch(getattr(config.theme, key)):
            problems.append((f"theme.{key}", "expected a colour like #c62828"))
    for number, item in enumerate(config.menu):
        if not item.name:
            problems.append((f"menu[{number}].name", "a menu item needs a name"))
    styles = set(get_all_styles())
    for key in ("code_style", "code_style_dark"):
        if getattr(config.render, key) not in styles:
            problems.append((f"render.{key}", "unknown Pygments style"))
    if config.views.api_url and urlsplit(config.views.api_url).scheme not in ("http", "https"):
        problems.append(("views.api_url", "must start with http:// or https://"))
    for number, origin in enumerate(config.api.cors_origins):
        if origin != "*" and urlsplit(origin).scheme not in ("http", "https"):
            problems.append(
                (f"api.cors_origins[{number}]", "expected * or an origin like https://example.com")
            )
    for number, proxy in enumerate(config.server.forwarded_allow_ips):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            problems.append(
                (
                    f"server.forwarded_allow_ips[{number}]",
                    "expected an address or network like 10.0.0.0/8",
                )
            )
    for key in ("connections_per_address", "connections_per_worker"):
        if getattr(config.server, key) < 0:
            problems.append((f"server.{key}", "must be 0 (no limit) or more"))
    _check_draft(config.draft, problems)
    _check_search(config.search, problems)
    _check_images(config.images, problems)
    if ":slug" not in config.content.permalink:
        problems.append(("content.permalink", "must contain :slug"))
    # A `..` segment would put pages outside the output folder of `newsdesk build`.
    if any(part in (".", "..") for part in re.split(r"[/\\]", config.content.permalink)):
        problems.append(
            ("content.permalink", "must not contain . or .. segments; write it like /posts/:slug/")
        )


def _check_search(search: SearchSection, problems: list[tuple[str, str]]) -> None:
    if search.waiting < 0:
        problems.append(("search.waiting", "must be 0 or more"))


def _check_images(images: ImagesSection, problems: list[tuple[str, str]]) -> None:
    if not images.widths or any(width <= 0 for width in images.widths):
        problems.append(("images.widths", "expected widths greater than 0, like [480, 960, 1440]"))
    if any(name not in IMAGE_FORMATS for name in images.formats):
        problems.append(("images.formats", f"expected some of {', '.join(IMAGE_FORMATS)}"))
    if not 1 <= images.quality <= 100:
        problems.append(("images.quality", "must be from 1 to 100"))


def _check_draft(draft: DraftSection, problems: list[tuple[str, str]]) -> None:
    if draft.retries < 0:
        problems.append(("draft.retries", "must be 0 or more"))
    if draft.endpoint and urlsplit(draft.endpoint).scheme not in ("http", "https"):
        problems.append(("draft.endpoint", "must start with http:// or https://"))
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", draft.api_key_env):
        problems.append(("draft.api_key_env", "expected the name of an environment variable"))
    if any(part in ("", ".", "..") for part in re.split(r"[/\\]", draft.folder)) and draft.folder:
        problems.append(("draft.folder", "must be a folder inside the content folder, like drafts"))
