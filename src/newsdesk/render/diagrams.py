"""Which rendered bodies hold a diagram: fences the site's script draws (the theme
loads it only on the pages that need it)."""

DIAGRAM_LANGUAGES = ("mermaid", "flow", "sequence")
_MARKERS = tuple(f'<div class="highlight" data-lang="{lang}">' for lang in DIAGRAM_LANGUAGES)


def has_diagram(html: str) -> bool:
    return any(marker in html for marker in _MARKERS)
