"""TeX math in Markdown rendered on the server as MathML, which browsers lay out with
no script: `$$…$$` and `\\[…\\]` display, `$…$` and `\\(…\\)` inline.

Formulas are taken out of the Markdown before cmark parses it (so that `_`, `*` and
`\\\\` in TeX are not read as emphasis or escapes) and put back into its HTML. Where
cmark made a placeholder part of code or of a tag, the formula's source goes back
as written: code stays literal.

`\\[…\\]` is display math only on lines of its own (`参考文献\\[1\\]` is Markdown's
escaped brackets). An inline `$` follows pandoc's rule, made stricter for shell and
prices: the opening `$` is followed by a non-space and not preceded by a letter, digit
or backslash; the closing one is preceded by a non-space and followed by no letter or
digit. So `$HOME`, `$PATH:$x`, `$5 和 $10` and `售价 $9.99` stay text.

math-core was chosen by measurement (bench/README.md): it converts common formulas as
well as latex2mathml, much faster, and writes MathML Core, the part of MathML that
browsers implement.
"""

import html as htmllib
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import math_core
import nh3

from newsdesk.render.prose import map_prose

# No formula holds a backtick or a fence, nor spans a blank line: it would be a
# code span or a block of its own that the `$` only happened to surround.
_FORMULA = re.compile(
    r"(?<!\\)\$\$(?P<dollars>(?:(?!\n[ \t]*\n|~~~)[^`])+?)\$\$"
    r"|\\\[(?P<brackets>(?:(?!\n[ \t]*\n|~~~)[^`])+?)\\\](?=[ \t]*(?:\n|$))"
    r"|\\\((?P<parens>[^`\n]+?)\\\)"
    r"|(?<![\\$A-Za-z0-9])\$(?P<inline>[^\s$`](?:[^$`\n]*?[^\s\\$`])?)\$(?![A-Za-z0-9$])"
)
_DELIMITER = re.compile(r"[$\\]")
_LINE_PREFIX = re.compile(r"[ \t>]*")
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}([0-9]+){_CLOSE}")
# What math-core writes: presentation MathML. Its `style` attributes go (the site's
# policy allows no inline style): the theme's CSS lays out tables instead.
_MATHML_TAGS = {
    *("math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt"),
    *("mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable"),
    *("mtr", "mtd", "mpadded", "mphantom", "menclose", "merror", "mstyle"),
    *("mmultiscripts", "mprescripts", "none", "semantics", "annotation"),
}
_MATHML_ATTRIBUTES = {
    *("display", "displaystyle", "scriptlevel", "mathvariant", "stretchy", "fence"),
    *("separator", "form", "largeop", "movablelimits", "symmetric", "lspace", "rspace"),
    *("minsize", "maxsize", "accent", "accentunder", "linethickness", "width", "height"),
    *("depth", "voffset", "columnspan", "rowspan", "notation", "encoding"),
}


@dataclass(frozen=True)
class Formula:
    source: str  # as written, delimiters included
    tex: str
    display: bool


def extract_math(markdown: str) -> tuple[str, list[Formula]]:
    """The Markdown with each formula replaced by a placeholder, and the formulas."""
    if "$" not in markdown and "\\(" not in markdown and "\\[" not in markdown:
        return markdown, []
    if _OPEN in markdown or _CLOSE in markdown:
        return markdown, []  # text that could pass for a placeholder: its math stays TeX
    formulas: list[Formula] = []
    parts: list[str] = []
    position = copied = 0
    # The whole pattern is tried only where a delimiter is: searching for it at every
    # character costs more than the rest of the render.
    while (start := _DELIMITER.search(markdown, position)) is not None:
        match = _FORMULA.match(markdown, start.start())
        if match is None or (match.group("brackets") and not _starts_line(markdown, match)):
            position = start.end()
            continue
        inline = match.group("inline") or match.group("parens")
        tex = inline or match.group("dollars") or match.group("brackets")
        formulas.append(Formula(match.group(0), tex.strip(), display=inline is None))
        parts += [markdown[copied : match.start()], f"{_OPEN}{len(formulas) - 1}{_CLOSE}"]
        position = copied = match.end()
    return "".join(parts) + markdown[copied:], formulas


def _starts_line(markdown: str, match: re.Match[str]) -> bool:
    """Whether only indentation or quote markers come before the match on its line."""
    line_start = markdown.rfind("\n", 0, match.start()) + 1
    return _LINE_PREFIX.fullmatch(markdown, line_start, match.start()) is not None


def restore_math(html: str, formulas: list[Formula]) -> str:
    """The formulas back in place: as MathML in prose, as their source in code and
    in attributes."""
    if not formulas:
        return html

    def mathml(match: re.Match[str]) -> str:
        formula = formulas[int(match.group(1))]
        return formula_html(formula.tex, formula.display, formula.source)

    def source(match: re.Match[str]) -> str:
        return htmllib.escape(formulas[int(match.group(1))].source)

    in_prose = map_prose(html, lambda text: _PLACEHOLDER.sub(mathml, text))
    return _PLACEHOLDER.sub(source, in_prose)


@lru_cache(maxsize=4096)
def formula_html(tex: str, display: bool, source: str) -> str:
    """The formula's MathML; one that does not convert stays readable as its source."""
    try:
        converted = _converter().convert_with_local_state(tex, displaystyle=display)
    except math_core.LatexError:
        return f'<code class="math-error">{htmllib.escape(source)}</code>'
    return nh3.clean(converted, tags=_MATHML_TAGS, attributes={"*": _MATHML_ATTRIBUTES})


@cache
def _converter() -> math_core.LatexToMathML:
    return math_core.LatexToMathML()
