"""kramdown: the `{:toc}` marker, attribute lists and `{::…}` extensions."""

import re

from newsdesk.content.compat import forms
from newsdesk.content.compat.context import Context
from newsdesk.content.document import Line

_TOC = re.compile(r"^\s*\{:\s*toc\s*\}\s*$")
_TOC_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S.*$")
_IAL_LINE = re.compile(r"^\s*\{:(?!:|/)[^}]*\}\s*$")
_EXTENSION_LINE = re.compile(r"^\s*\{::(\w+)[^}]*?(/?)\}\s*$")
_EXTENSION_END = re.compile(r"^\s*\{:/(\w*)\}\s*$")
_IMAGE_LINE = re.compile(
    r'^\s*!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)(?:\s+"(?P<title>[^"]*)")?\)\s*$'
)
_ATTRIBUTE = re.compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
# What a kramdown attribute list may set on an image that Markdown cannot.
_IMAGE_ATTRIBUTES = ("width", "height", "title")


def match(context: Context, lines: list[Line], index: int, written: list[Line]) -> int | None:
    current = lines[index]
    text = current.text
    if _TOC.match(text):
        context.did("kramdown-toc", current)
        while written and _TOC_ITEM.match(written[-1].text):
            written.pop()  # the `* TOC` list the marker stands for
        written.append(forms.line(current, "[TOC]"))
        return index + 1
    if _IAL_LINE.match(text):
        context.did("kramdown-ial", current)
        image = _IMAGE_LINE.match(written[-1].text) if written else None
        attrs = _attributes(text)
        if image is not None and any(attrs.get(key) for key in ("width", "height")):
            written[-1] = forms.line(written[-1], _image_tag(image, attrs))
        return index + 1
    extension = _EXTENSION_LINE.match(text)
    if extension is None:
        return None
    context.did("kramdown-extension", current)
    name = extension.group(1)
    if extension.group(2) or name == "options":
        return index + 1
    end = next(
        (
            n
            for n in range(index + 1, len(lines))
            if (m := _EXTENSION_END.match(lines[n].text)) and m.group(1) in ("", name)
        ),
        None,
    )
    if end is None:
        return index + 1
    if name == "nomarkdown":
        written.extend(lines[index + 1 : end])
    return end + 1


def inline(context: Context, found: re.Match[str], at: Line) -> str:
    """An image with a span attribute list, an extension, or an attribute list."""
    if found["image"] is not None:
        context.did("kramdown-ial", at)
        attrs = _attributes(found["imageial"])
        if any(attrs.get(key) for key in ("width", "height")):
            return _image_tag(found, attrs)
        return found["image"]
    if found["kext"] is not None:
        context.did("kramdown-extension", at)
        return found["kinner"] if found["kext"] == "nomarkdown" and found["kinner"] else ""
    if found["ial"].strip() == "toc":
        context.did("kramdown-toc", at)
        return "[TOC]"
    context.did("kramdown-ial", at)
    return ""


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1): next(g for g in m.group(2, 3, 4) if g is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


def _image_tag(image: re.Match[str], attrs: dict[str, str]) -> str:
    kept = {key: attrs.get(key, "") for key in _IMAGE_ATTRIBUTES}
    kept["title"] = kept["title"] or (image["title"] or "")
    alt = attrs.get("alt") or image["alt"]
    return forms.img_tag(image["src"], alt, kept)
