"""The words the renderer itself writes into a body, in each language the site speaks
(the same languages as the site's locale)."""

LABELS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "note": "注意",
        "tip": "提示",
        "important": "重要",
        "warning": "警告",
        "caution": "危险",
        "toc": "目录",
    },
    "en": {
        "note": "Note",
        "tip": "Tip",
        "important": "Important",
        "warning": "Warning",
        "caution": "Caution",
        "toc": "Contents",
    },
}


def label(language: str, key: str) -> str:
    """The word in the site's language, zh-CN for a language the renderer lacks."""
    return LABELS.get(language, LABELS["zh-CN"])[key]
