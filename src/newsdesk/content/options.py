"""The content layer's own options, built from the site configuration."""

from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class CompatOptions:
    """What converting an old generator's syntax needs from the site: its folders
    (absolute, "" when unknown) and the values of `{{ site.X }}`; `url` and `baseurl`
    are empty unless the site gives them, so that `{{ site.url }}/a.png` becomes the
    root-relative `/a.png`."""

    # Left out of the repr, which keys compiled articles: nodes serving one site from
    # different folders share them (what a conversion writes is relative to the article).
    content: str = field(default="", repr=False)
    includes: str = field(default="", repr=False)
    site: tuple[tuple[str, str], ...] = (("baseurl", ""), ("url", ""))


@dataclass(frozen=True)
class ContentOptions:
    """How articles are read and what is derived from them.

    Reading rates: Chinese readers take in roughly 300–500 characters a minute
    of general prose; technical articles, dense with terms and numbers, sit at the
    low end, so 300. Latin-script words in Chinese tech writing are mostly names
    and terms read by non-native readers: 200 a minute. Code is skimmed, not read:
    20 lines a minute (3 seconds a line).
    """

    timezone: str = "Asia/Shanghai"
    summary_chars: int = 120
    cjk_chars_per_minute: int = 300
    latin_words_per_minute: int = 200
    code_lines_per_minute: int = 20
    max_file_bytes: int = 1024 * 1024
    permalink: str = "/posts/:slug/"
    boilerplate_summary_repeats: int = 3
    compat: CompatOptions = field(default_factory=CompatOptions)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
