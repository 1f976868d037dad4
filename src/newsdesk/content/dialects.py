"""Front matter keys of Hugo, Hexo, Jekyll, Astro/Next, Pelican and CMS exports,
mapped onto the fields of the normalized article."""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from newsdesk.content import coerce
from newsdesk.content.dates import parse_date
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.known_keys import RECOGNIZED
from newsdesk.content.model import Author

# Field name -> accepted keys, in priority order. Keys are compared after
# normalize_key, so `publishDate`, `publish_date` and `publish-date` are one key.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题", "题目", "文章标题"),
    "published": (
        # The original date of a reposted article comes before the repost's own.
        "originalpublishdate",
        "publishdate",
        "pubdate",
        "publishedat",
        "pubdatetime",
        "date",
        "published",
        "created",
        "createdat",
        "createdate",
        "createtime",
        "creationdate",
        "发布日期",
        "发布时间",
        "发表日期",
        "发表时间",
        "日期",
        "创建日期",
        "创建时间",
    ),
    "updated": (
        "updatedate",
        "updateddate",
        "updated",
        "lastmod",
        "lastmodifiedat",
        "lastmodified",
        "modified",
        "modifieddate",
        "moddatetime",
        "updatedat",
        "updatetime",
        "changedate",
        # Jekyll documentation themes' date; VitePress's switch of the same name.
        "lastupdated",
        "更新日期",
        "更新时间",
        "修改日期",
        "修改时间",
        "最后更新",
    ),
    "summary": (
        "summary",
        "description",
        "excerpt",
        "abstract",
        "desc",
        "摘要",
        "简介",
        "概要",
        "导语",
        "描述",
        "内容摘要",
        "文章摘要",
    ),
    "category": ("categories", "category", "分类", "类别", "栏目", "文章分类"),
    "tags": ("tags", "tag", "标签", "文章标签", "话题"),
    "keywords": ("keywords", "关键词", "关键字"),
    "authors": ("author", "authors", "作者", "撰稿", "撰稿人"),
    "cover_image": (
        "coverimage",
        "cover",
        "image",
        "thumbnail",
        "banner",
        "heroimage",
        "featuredimage",
        "featureimage",
        "images",
        "ogimage",
        "indeximg",
        "featuredimagepreview",
        "img",
        "封面",
        "封面图",
        "封面图片",
        "头图",
        "题图",
    ),
    "sticky": ("issticky", "sticky", "top", "topmost", "pinned", "pin", "置顶"),
    "hot": ("ishot", "hot", "trending", "热门", "热点"),
    "views": ("views", "viewcount", "pageviews", "pv", "阅读量", "浏览量", "阅读数"),
    "read_minutes": (
        "readtime",
        "readingtime",
        "readminutes",
        "readingminutes",
        "阅读时间",
        "阅读时长",
        "预计阅读时间",
        "预计阅读",
    ),
    "slug": ("slug",),
    "draft": ("draft", "isdraft", "草稿"),
    "publish": ("publish", "published"),
    "hidden": ("hidden", "unlisted", "hide", "隐藏"),
    "status": ("status",),
    "source": ("source", "来源", "出处"),
}

_KEY_TO_FIELD = {key: name for name, keys in ALIASES.items() for key in keys}
# `published` is a date in most dialects and Jekyll's visibility flag when boolean.
_KEY_TO_FIELD["published"] = "published"
_KNOWN_KEYS = sorted(set(_KEY_TO_FIELD) | RECOGNIZED)
_PROVENANCE = re.compile(r"^\s*generated\s+from\s+(\S+?)\s*$", re.IGNORECASE)
_NORMALIZE = re.compile(r"[-_\s]")

Position = tuple[int, int]


def normalize_key(key: str) -> str:
    return _NORMALIZE.sub("", key.lower())


def field_of(key: str) -> str | None:
    """The model field a front matter key maps to, if any (`标签` → `tags`)."""
    return _KEY_TO_FIELD.get(normalize_key(key))


def provenance_source(text: str) -> str | None:
    """`X.md` for a provenance note `Generated from X.md`, else None."""
    match = _PROVENANCE.match(text)
    return match.group(1) if match else None


@dataclass(slots=True)
class Fields:
    """Front matter values mapped and typed; None where a field was not given."""

    title: str | None = None
    summary: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    cover_image: str | None = None
    sticky_weight: int = 0
    hot: bool = False
    views: int | None = None
    read_minutes: int | None = None
    slug: str | None = None
    draft: bool = False
    unlisted: bool = False
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    # Keys no generator is known to use and that resemble no known key: the site-wide
    # checks count them once for the whole site.
    unknown: dict[str, Position] = field(default_factory=dict)


def map_fields(
    meta: dict[str, Any], positions: dict[str, Position], zone: tzinfo
) -> tuple[Fields, list[Diagnostic]]:
    """Map parsed front matter onto Fields, with a diagnostic per unusable value."""
    fields = Fields()
    diagnostics: list[Diagnostic] = []
    chosen: dict[str, tuple[int, str, Any]] = {}
    for key, value in meta.items():
        key_text = str(key)
        if problem := coerce.nesting_problem(value):
            diagnostics.append(
                Diagnostic(
                    "invalid-value",
                    f"{key_text}: {problem}; the value is ignored",
                    *positions.get(key_text, (1, 1)),
                    fix="write the value without anchors (&, *) or deep nesting",
                )
            )
            continue
        normalized = normalize_key(key_text)
        name = _KEY_TO_FIELD.get(normalized)
        if normalized == "published" and isinstance(value, bool):
            name = "publish"
        if name is None:
            fields.extra[key_text] = value
            if normalized not in RECOGNIZED:
                where = positions.get(key_text, (1, 1))
                if typo := _typo_of(normalized):
                    diagnostics.append(_typo(key_text, typo, where))
                else:
                    fields.unknown[key_text] = where
            continue
        rank = ALIASES[name].index(normalized)
        if name not in chosen or rank < chosen[name][0]:
            chosen[name] = (rank, key_text, value)
    for name, (_, key_text, value) in chosen.items():
        where = positions.get(key_text, (1, 1))
        fields.positions[name] = where
        try:
            _ASSIGN[name](fields, value, key_text, zone)
        except ValueError as problem:
            code = "invalid-date" if name in ("published", "updated") else "invalid-value"
            diagnostics.append(
                Diagnostic(
                    code,
                    f"{key_text}: {problem}; the value is ignored",
                    *where,
                    fix=_FIX_HINTS.get(name, "correct or remove the value"),
                )
            )
    fields.tags = fields.tags or fields.keywords
    if fields.summary and (source := provenance_source(fields.summary)):
        fields.source = fields.source or source
        fields.summary = None
    return fields, diagnostics


def _typo_of(normalized: str) -> str | None:
    """The known key an unknown one is probably a misspelling of."""
    close = difflib.get_close_matches(normalized, _KNOWN_KEYS, n=1, cutoff=0.75)
    return close[0] if close else None


def _typo(key: str, known: str, where: Position) -> Diagnostic:
    shown = _display_key(known)
    return Diagnostic(
        "unknown-field",
        f"unknown field '{key}'; did you mean '{shown}'?",
        *where,
        fix=f"rename it to '{shown}'",
    )


_CAMEL_CASE = {
    key.lower(): key
    for key in [
        "publishDate",
        "pubDate",
        "updateDate",
        "updatedDate",
        "coverImage",
        "heroImage",
        "featuredImage",
        "isSticky",
        "isHot",
        "readTime",
        "readingTime",
        "viewCount",
        "isDraft",
        "lastmod",
        "originalPublishDate",
        "pubDatetime",
        "modDatetime",
        "createDate",
        "changeDate",
    ]
}


def _display_key(normalized: str) -> str:
    """A key as people write it, for a 'did you mean' hint."""
    return _CAMEL_CASE.get(normalized, normalized)


def _set_title(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.title = coerce.to_text(v)


def _set_published(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    if v is not None:
        f.published = parse_date(v, zone)


def _set_updated(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    if v is not None and not isinstance(v, bool):  # `lastUpdated: false` is a switch
        f.updated = parse_date(v, zone)


def _set_summary(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    text = coerce.to_text(v)
    f.summary = " ".join(text.split()) if text else None


def _set_category(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.category = coerce.to_category(v, space_separated=normalize_key(key) == "categories")


def _set_tags(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.tags = coerce.unique_tags(coerce.to_list(v))


def _set_keywords(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.keywords = coerce.unique_tags(coerce.to_list(v))


def _set_authors(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.authors = coerce.to_authors(v)


def _set_cover(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.cover_image = coerce.to_image(v)


def _set_sticky(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    if isinstance(v, int | float) and not isinstance(v, bool):
        f.sticky_weight = coerce.to_count(max(v, 0))
    elif isinstance(v, str) and v.strip().isdigit():
        f.sticky_weight = int(v.strip())
    else:
        f.sticky_weight = 1 if coerce.to_bool(v) else 0


def _set_hot(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.hot = coerce.to_bool(v)


def _set_views(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.views = coerce.to_count(v)


def _set_read_minutes(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    if isinstance(v, bool):  # Minimal Mistakes' switch to show the reading time
        return
    minutes = coerce.to_count(v)
    f.read_minutes = minutes if minutes > 0 else None


def _set_slug(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.slug = coerce.to_text(v)


def _set_draft(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.draft = f.draft or coerce.to_bool(v)


def _set_publish(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.draft = f.draft or not coerce.to_bool(v)


def _set_hidden(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.unlisted = coerce.to_bool(v)


def _set_status(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    """Pelican's `Status: draft | hidden | published`."""
    status = (coerce.to_text(v) or "published").lower()
    if status not in ("draft", "hidden", "published"):
        raise coerce.ValueProblem(f"{status!r} is not draft, hidden or published")
    f.draft = f.draft or status == "draft"
    f.unlisted = f.unlisted or status == "hidden"


def _set_source(f: Fields, v: Any, key: str, zone: tzinfo) -> None:
    f.source = coerce.to_text(v)


_ASSIGN: dict[str, Callable[[Fields, Any, str, tzinfo], None]] = {
    "title": _set_title,
    "published": _set_published,
    "updated": _set_updated,
    "summary": _set_summary,
    "category": _set_category,
    "tags": _set_tags,
    "keywords": _set_keywords,
    "authors": _set_authors,
    "cover_image": _set_cover,
    "sticky": _set_sticky,
    "hot": _set_hot,
    "views": _set_views,
    "read_minutes": _set_read_minutes,
    "slug": _set_slug,
    "draft": _set_draft,
    "publish": _set_publish,
    "hidden": _set_hidden,
    "status": _set_status,
    "source": _set_source,
}

_FIX_HINTS = {
    "published": "write the date as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
    "updated": "write the date as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
    "sticky": "write true, false or a number (a higher number sorts first)",
    "views": "write a whole number, such as 1250",
    "read_minutes": "write a whole number of minutes, such as 8",
}
