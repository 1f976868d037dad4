"""CJK typography on rendered HTML: text outside code gets 盘古之白 spacing."""

from newsdesk.render.prose import map_prose
from newsdesk.text.cjk import space_cjk_latin_text


def space_cjk_latin(html: str) -> str:
    return map_prose(html, space_cjk_latin_text)
