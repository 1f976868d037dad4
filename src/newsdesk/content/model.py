"""The normalized article: what every dialect of front matter becomes."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsdesk.content.pickling import reduce_by_fields


@dataclass(frozen=True, slots=True)
class Author:
    __reduce__ = reduce_by_fields

    name: str
    bio: str = ""
    avatar: str = ""
    url: str = ""

    def to_json(self) -> dict[str, str]:
        data = {"name": self.name, "bio": self.bio}
        if self.avatar:
            data["avatar"] = self.avatar
        if self.url:
            data["url"] = self.url
        return data


@dataclass(frozen=True, slots=True)
class TocEntry:
    __reduce__ = reduce_by_fields

    level: int
    text: str
    id: str


@dataclass(frozen=True, slots=True)
class Article:
    """One publishable article, with every field derived and normalized."""

    __reduce__ = reduce_by_fields

    path: str
    slug: str
    url: str
    title: str
    summary: str
    category: str | None
    tags: tuple[str, ...]
    authors: tuple[Author, ...]
    published: datetime
    updated: datetime | None
    cover_image: str | None
    sticky_weight: int
    hot: bool
    views: int
    read_minutes: int
    cjk_chars: int
    latin_words: int
    code_lines: int
    draft: bool
    unlisted: bool
    source: str | None
    toc: tuple[TocEntry, ...]
    summary_given: bool
    derived_summary: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def author(self) -> Author | None:
        return self.authors[0] if self.authors else None

    @property
    def sticky(self) -> bool:
        return self.sticky_weight > 0

    def is_public(self, now: datetime) -> bool:
        """Drafts and articles scheduled for later are kept off the public site."""
        return not self.draft and self.published <= now

    def is_scheduled(self, now: datetime) -> bool:
        """Not a draft, and to appear on its own later."""
        return not self.draft and self.published > now

    def to_json(self) -> dict[str, Any]:
        """The article's fields of the `newsdesk inspect --json` object."""
        return {
            "path": self.path,
            "slug": self.slug,
            "url": self.url,
            "title": self.title,
            "summary": self.summary,
            "category": self.category,
            "tags": list(self.tags),
            "author": self.author.to_json() if self.author else None,
            "authors": [a.to_json() for a in self.authors],
            "published": self.published.isoformat(),
            "updated": self.updated.isoformat() if self.updated else None,
            "cover_image": self.cover_image,
            "sticky": self.sticky,
            "sticky_weight": self.sticky_weight,
            "hot": self.hot,
            "views": self.views,
            "read_minutes": self.read_minutes,
            "cjk_chars": self.cjk_chars,
            "latin_words": self.latin_words,
            "code_lines": self.code_lines,
            "draft": self.draft,
            "unlisted": self.unlisted,
            "source": self.source,
            "toc": [{"level": t.level, "text": t.text, "id": t.id} for t in self.toc],
        }
