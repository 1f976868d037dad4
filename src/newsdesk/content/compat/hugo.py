"""Hugo's shortcodes, built-in and of the Hextra, Docsy and notice themes, in their
`{{< >}}` and `{{% %}}` forms."""

import json

from newsdesk.content.compat import forms
from newsdesk.content.compat.context import Args, Context, parse_args, positional
from newsdesk.content.compat.liquid import article_path
from newsdesk.content.compat.tags import (
    BlockHandler,
    InlineHandler,
    Tag,
    pairs,
    split_edges,
    whole_tag,
)
from newsdesk.content.document import Line


def _first(args: Args, *names: str) -> str:
    return next((args[name] for name in names if args.get(name)), "")


def _figure(context: Context, tag: Tag, at: Line) -> str:
    context.did("hugo-shortcode-figure", at)
    args = parse_args(tag.args)
    source = _first(args, "src", "0")
    caption = _first(args, "caption", "title")
    alt = _first(args, "alt") or caption
    if caption:
        return forms.figure(source, alt, caption, args.get("link", ""))
    return forms.image(source, alt)


def _ref(context: Context, tag: Tag, at: Line) -> str:
    context.did("hugo-shortcode-ref", at)
    name = _first(parse_args(tag.args), "0", "path")
    return article_path(context, name, at, tag.start) or name


def _video(context: Context, tag: Tag, at: Line) -> str:
    context.did("hugo-shortcode-embed", at)
    args = parse_args(tag.args)
    video = _first(args, "id", "0")
    return forms.video(tag.name, video, args.get("title", "")) if video else ""


def _toc(context: Context, tag: Tag, at: Line) -> str:
    context.did("toc-marker", at)
    return "[TOC]"


def _card(context: Context, tag: Tag, at: Line) -> str:
    context.did("hugo-shortcode-cards", at)
    args = parse_args(tag.args)
    title = _first(args, "title", "0") or args.get("link", "")
    text = forms.link(title, args["link"]) if args.get("link") else title
    subtitle = args.get("subtitle", "")
    return f"- {text}" + (f"：{subtitle}" if subtitle else "")


def _highlight(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hugo-shortcode-highlight", at)
    language = _first(parse_args(tag.args), "0", "lang")
    return forms.fence(at, language, [item.text for item in inner])


def _callout(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hugo-shortcode-callout", at)
    args = parse_args(tag.args)
    words = positional(args)
    kind = forms.alert_kind(*words[:1], args.get("type", ""), args.get("color", ""))
    title = args.get("title", "") or (" ".join(words[1:]) if tag.name == "notice" else "")
    return forms.alert(at, kind or "NOTE", title, context.convert(inner))


def _details(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hugo-shortcode-details", at)
    args = parse_args(tag.args)
    summary = _first(args, "summary", "title", "0")
    opened = args.get("open") == "true" or args.get("closed") == "false"
    return forms.details(at, summary, context.convert(inner), opened)


def _tabs(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hugo-shortcode-tabs", at)
    labels = _labels(parse_args(tag.args).get("items", ""))
    inner = split_edges(inner)
    closing = pairs(inner)
    panes: list[tuple[str, list[Line]]] = []
    index = 0
    while index < len(inner):
        pane = whole_tag(inner[index].text)
        end = closing.get(index) if pane and pane.name == "tab" else None
        if pane is None or end is None:
            index += 1
            continue
        args = parse_args(pane.args)
        count = len(panes)
        label = _first(args, "name", "header", "title", "0") or (
            labels[count] if count < len(labels) else str(count + 1)
        )
        body = inner[index + 1 : end]
        if args.get("lang"):
            made = forms.fence(inner[index], args["lang"], [item.text for item in body])
        else:
            made = context.convert(body)
        panes.append((label, made))
        index = end + 1
    return forms.tabs(at, panes)


def _unwrap(code: str) -> BlockHandler:
    def unwrap(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
        context.did(code, at)
        return context.convert(inner)

    return unwrap


def _imgproc(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hugo-shortcode-figure", at)
    source = _first(parse_args(tag.args), "0", "src")
    caption = " ".join(item.text.strip() for item in inner if not item.blank)
    return [forms.line(at, forms.figure(source, caption, caption))]


def _pageinfo(context: Context, tag: Tag, at: Line, inner: list[Line]) -> list[Line]:
    context.did("hugo-shortcode-callout", at)
    return forms.alert(at, "NOTE", "", context.convert(inner))


def _labels(text: str) -> list[str]:
    """Hextra writes a tab list as text or as a JSON array."""
    try:
        found = json.loads(text)
    except ValueError:
        return [item.strip() for item in text.split(",")]
    return [str(item) for item in found] if isinstance(found, list) else [text]


BLOCKS: dict[str, BlockHandler] = {
    "highlight": _highlight,
    "notice": _callout,
    "callout": _callout,
    "alert": _callout,
    "hint": _callout,
    "admonition": _callout,
    "pageinfo": _pageinfo,
    "details": _details,
    "tabs": _tabs,
    "tabpane": _tabs,
    "cards": _unwrap("hugo-shortcode-cards"),
    "steps": _unwrap("hugo-shortcode-unwrapped"),
    "columns": _unwrap("hugo-shortcode-unwrapped"),
    "center": _unwrap("hugo-shortcode-unwrapped"),
    "imgproc": _imgproc,
}
INLINE: dict[str, InlineHandler] = {
    "figure": _figure,
    "ref": _ref,
    "relref": _ref,
    "youtube": _video,
    "bilibili": _video,
    "toc": _toc,
    "card": _card,
}
