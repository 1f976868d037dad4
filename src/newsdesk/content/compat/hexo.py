"""Hexo's tag plugins and its themes' (NexT, Butterfly, Fluid, …) callout tags."""

import re
from pathlib import PurePosixPath

from newsdesk.content.compat import forms
from newsdesk.content.compat.context import Context, parse_args, positional
from newsdesk.content.compat.liquid import article_path
from newsdesk.content.compat.tags import BlockHandler, InlineHandler, Tag
from newsdesk.content.document import Line

_NUMBER = re.compile(r"^\d+(?:px|%)?$")
_TITLE_ALT = re.compile(r'"([^"]*)"(?:\s+"([^"]*)")?')
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|\.{1,2}/|#)", re.IGNORECASE)


def _asset(context: Context, name: str) -> str:
    """A file of the post's Hexo asset folder (`slug.md` beside `slug/`), relative
    to the post's file."""
    return f"{PurePosixPath(context.file).stem}/{name}"


def _title_alt(words: list[str], args: str) -> tuple[str, str]:
    """Hexo's `"title text" "alt text"` (often wrapped whole in single quotes) or a
    title of plain words."""
    text = " ".join(words)
    if quoted := _TITLE_ALT.fullmatch(text):
        return quoted.group(1), quoted.group(2) or ""
    if '"' in args and len(words) == 2:
        return words[0], words[1]
    return text, ""


def _asset_img(context: Context, tag: Tag, at: Line) -> str:
    context.did("hexo-asset-img", at)
    words = positional(parse_args(tag.args))
    if not words:
        return ""
    source, rest = _asset(context, words[0]), words[1:]
    sizes = [w for w in rest[:2] if _NUMBER.match(w)]
    title, alt = _title_alt(rest[len(sizes) :], tag.args)
    if sizes:
        attrs = dict(zip(("width", "height"), sizes, strict=False))
        return forms.img_tag(source, alt or title, {**attrs, "title": title})
    return forms.image(source, alt or title, title if alt else "")


def _target_and_title(tag: Tag) -> tuple[str, str]:
    """A link tag's target and its title (Hexo's `true`/`false` escape flag left out)."""
    words = positional(parse_args(tag.args)) or [""]
    return words[0], " ".join(word for word in words[1:] if word not in ("true", "false"))


def _asset_link(context: Context, tag: Tag, at: Line) -> str:
    context.did("hexo-asset-link", at)
    name, title = _target_and_title(tag)
    return forms.link(title or name, _asset(context, name)) if name else ""


def _asset_path(context: Context, tag: Tag, at: Line) -> str:
    context.did("hexo-asset-link", at)
    words = positional(parse_args(tag.args))
    return _asset(context, words[0]) if words else ""


def _post_link(context: Context, tag: Tag, at: Line) -> str:
    context.did("hexo-post-link", at)
    name, title = _target_and_title(tag)
    if not name:
        return ""
    found = article_path(context, name, at, tag.start)
    return (title or name) if found is None else forms.link(title, found)


def _post_path(context: Context, tag: Tag, at: Line) -> str:
    context.did("hexo-post-link", at)
    words = positional(parse_args(tag.args))
    if not words:
        return ""
    return article_path(context, words[0], at, tag.start) or words[0]


def _img(context: Context, tag: Tag, at: Line) -> str:
    context.did("hexo-img", at)
    words = positional(parse_args(tag.args))
    where = next((n for n, w in enumerate(words) if _URL.match(w) or "." in w), None)
    if where is None:
        return ""
    source, rest = words[where], words[where + 1 :]
    sizes = [w for w in rest[:2] if _NUMBER.match(w)]
    title, alt = _title_alt(rest[len(sizes) :], tag.args)
    alt_text = alt or title
    if sizes:
        attrs = dict(zip(("width", "height"), sizes, strict=False))
        return forms.img_tag(source, alt_text, {**attrs, "title": title})
    if title:
        return forms.figure(source, alt_text, title)
    return forms.image(source)


def _link(context: Context, tag: Tag, at: Line) -> str:
    words = positional(parse_args(tag.args))
    if len(words) == 1 and words[0].endswith((".md", ".markdown")):  # Jekyll's form
        context.did("liquid-post-url", at)
        return article_path(context, words[0], at, tag.start) or words[0]
    context.did("hexo-link", at)
    where = next((n for n, w in enumerate(words) if _URL.match(w)), None)
    if where is None:
        return " ".join(words)
    title = " ".join(w for w in words[where + 1 :] if w not in ("true", "false"))
    return forms.link(" ".join(words[:where]) or words[where], words[where], title)


def _iframe(context: Context, tag: Tag, at: Line) -> str:
    context.did("hexo-embed", at)
    words = positional(parse_args(tag.args))
    return forms.iframe(words[0], words[0]) if words else ""


def _youtube(context: Context, tag: Tag, at: Line) -> str:
    context.did("hexo-embed", at)
    words = positional(parse_args(tag.args))
    return forms.video("youtube", words[0]) if words else ""


def _codeblock(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hexo-codeblock", at)
    language = next((w[5:] for w in tag.args.split() if w.startswith("lang:")), "")
    return forms.fence(at, language, [item.text for item in inner])


def _blockquote(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hexo-blockquote", at)
    body = context.convert(inner)
    if tag.name == "pullquote" or not tag.args:
        return forms.quoted(body)
    words = tag.args.split()
    where = next((n for n, w in enumerate(words) if w.startswith(("http://", "https://"))), None)
    credit = " ".join(words if where is None else words[:where])
    if where is not None:
        shown = " ".join(words[where + 1 :]) or words[where]
        credit = f"{credit} {forms.link(shown, words[where])}".strip()
    return [*forms.quoted(body), forms.line(at, ">"), forms.line(at, f"> —— {credit}")]


def _note(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hexo-note", at)
    default = "TIP" if tag.name == "tip" else "NOTE"
    kind = forms.alert_kind(*tag.args.split()) or default
    return forms.alert(at, kind, "", context.convert(inner))


def _spoiler(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hexo-spoiler", at)
    words = positional(parse_args(tag.args))
    title = ",".join(words).strip() if tag.name == "hideToggle" else " ".join(words)
    return forms.details(at, title.split(",")[0].strip(), context.convert(inner))


BLOCKS: dict[str, BlockHandler] = {
    "codeblock": _codeblock,
    "code": _codeblock,
    "blockquote": _blockquote,
    "quote": _blockquote,
    "pullquote": _blockquote,
    "note": _note,
    "tip": _note,
    "spoiler": _spoiler,
    "hideToggle": _spoiler,
    "fold": _spoiler,
    "folding": _spoiler,
}
INLINE: dict[str, InlineHandler] = {
    "asset_img": _asset_img,
    "asset_image": _asset_img,
    "asset_link": _asset_link,
    "asset_path": _asset_path,
    "post_link": _post_link,
    "post_path": _post_path,
    "img": _img,
    "image": _img,
    "link": _link,
    "iframe": _iframe,
    "youtube": _youtube,
}
