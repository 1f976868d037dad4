"""The portable forms generator syntax becomes: Markdown and one-line HTML that
newsdesk renders and any CommonMark tool still reads."""

import html
import re

from newsdesk.content.document import Line

# Theme and generator callout classes onto the five alert markers.
ALERT_KINDS = {
    "note": "NOTE",
    "info": "NOTE",
    "default": "NOTE",
    "primary": "NOTE",
    "secondary": "NOTE",
    "light": "NOTE",
    "dark": "NOTE",
    "tip": "TIP",
    "success": "TIP",
    "hint": "TIP",
    "important": "IMPORTANT",
    "warning": "WARNING",
    "warn": "WARNING",
    "caution": "CAUTION",
    "danger": "CAUTION",
    "error": "CAUTION",
}
_BACKTICKS = re.compile(r"^\s*(`{3,})")
_IFRAME_HOSTS = {
    "youtube": "https://www.youtube-nocookie.com/embed/{}",
    "bilibili": "https://player.bilibili.com/player.html?bvid={}",
}


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def line(at: Line, text: str) -> Line:
    """A new line standing where `at` stood in the file."""
    return Line(at.no, text, at.shift)


def alert_kind(*classes: str) -> str | None:
    """The alert marker of the first class that names one."""
    return next((ALERT_KINDS[c.lower()] for c in classes if c.lower() in ALERT_KINDS), None)


def alert(at: Line, kind: str, title: str, body: list[Line]) -> list[Line]:
    """A GitHub alert with an optional title after its marker."""
    head = f"> [!{kind}] {title}".rstrip()
    return [line(at, head), *quoted(body)]


def quoted(body: list[Line], prefix: str = "> ") -> list[Line]:
    return [
        Line(b.no, (prefix + b.text) if b.text.strip() else prefix.rstrip(), b.shift - 2)
        for b in _trimmed(body)
    ]


def details(at: Line, summary: str, body: list[Line], open_: bool = False) -> list[Line]:
    opening = "<details open>" if open_ else "<details>"
    head = [line(at, opening)]
    if summary:
        head.append(line(at, f"<summary>{html.escape(summary)}</summary>"))
    return [*head, line(at, ""), *_trimmed(body), line(at, ""), line(at, "</details>")]


def fence(at: Line, language: str, body: list[str]) -> list[Line]:
    """A fenced code block, its fence longer than any backtick fence inside."""
    longest = max((len(m.group(1)) for t in body if (m := _BACKTICKS.match(t))), default=2)
    marker = "`" * max(3, longest + 1)
    texts = [f"{marker}{language}", *body, marker]
    return [line(at, text) for text in texts]


def tabs(at: Line, panes: list[tuple[str, list[Line]]]) -> list[Line]:
    """Tabs written one after another, each a bold label and its content."""
    found: list[Line] = []
    for label, body in panes:
        if found:
            found.append(line(at, ""))
        found.extend([line(at, f"**{label}**"), line(at, "")])
        found.extend(_trimmed(body))
    return found


def image(src: str, alt: str = "", title: str = "") -> str:
    titled = f' "{title.replace(chr(34), chr(39))}"' if title else ""
    return f"![{_label(alt)}]({target(src)}{titled})"


def link(text: str, destination: str, title: str = "") -> str:
    titled = f' "{title.replace(chr(34), chr(39))}"' if title else ""
    return f"[{_label(text)}]({target(destination)}{titled})"


def target(url: str) -> str:
    """A link destination CommonMark reads whole, spaces and parentheses included."""
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def img_tag(src: str, alt: str, attrs: dict[str, str]) -> str:
    extra = "".join(f' {k}="{attr(v)}"' for k, v in attrs.items() if v)
    return f'<img src="{attr(src)}" alt="{attr(alt)}"{extra}>'


def figure(src: str, alt: str, caption: str, href: str = "") -> str:
    picture = f'<img src="{attr(src)}" alt="{attr(alt)}">'
    if href:
        picture = f'<a href="{attr(href)}">{picture}</a>'
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{picture}{caption_html}</figure>"


def iframe(src: str, title: str) -> str:
    return (
        f'<iframe src="{attr(src)}" title="{attr(title)}" allowfullscreen loading="lazy"></iframe>'
    )


def video(host: str, video_id: str, title: str = "") -> str:
    return iframe(_IFRAME_HOSTS[host].format(video_id), title or video_id)


def escape_braces(text: str) -> str:
    """Braces as entities: template syntax shown as written, never read again."""
    return text.replace("{", "&#123;").replace("}", "&#125;")


def _label(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _trimmed(body: list[Line]) -> list[Line]:
    start, end = 0, len(body)
    while start < end and body[start].blank:
        start += 1
    while end > start and body[end - 1].blank:
        end -= 1
    return body[start:end]
