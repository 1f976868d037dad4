"""Fenced code highlighted by Pygments into CSS classes, with light and dark styles."""

import html as htmllib
import re
from functools import cache

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_CODE_BLOCK = re.compile(r'<pre lang="([^"]*)"><code>(.*?)</code></pre>', re.DOTALL)
_FORMATTER = HtmlFormatter(nowrap=True)


@cache
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def highlight_code_blocks(html: str) -> str:
    """Every `<pre lang=...>` block with a known language gets highlighted spans."""

    def highlighted(match: re.Match[str]) -> str:
        language = htmllib.unescape(match.group(1))
        lexer = _lexer(language.lower())
        code = match.group(2)
        if lexer is not None:
            code = highlight(htmllib.unescape(code), lexer, _FORMATTER)
        return (
            f'<div class="highlight" data-lang="{match.group(1)}">'
            f"<pre><code>{code}</code></pre></div>"
        )

    if "<pre lang=" not in html:
        return html
    return _CODE_BLOCK.sub(highlighted, html)


def highlight_css(light: str, dark: str) -> str:
    """Token colours for `.highlight`: `light` by default, `dark` for dark schemes."""
    light_rules = HtmlFormatter(style=light).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    dark_rules = HtmlFormatter(style=dark).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return f"{light_rules}\n@media (prefers-color-scheme: dark) {{\n{dark_rules}\n}}\n"
