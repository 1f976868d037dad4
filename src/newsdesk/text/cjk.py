"""Counting and cutting mixed Chinese/Latin text."""

import re

# Han ideographs (with extensions and compatibility forms), kana and hangul: the
# characters a reader reads one at a time.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\U00020000-\U0003134f"
_NOT_CJK = re.compile(f"[^{CJK_CLASS}]+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’\-_.][A-Za-z0-9\u00c0-\u024f]+)*")
_SENTENCE_END = re.compile(r"[。！？!?…]+[”’」』）)]*|\.(?=\s|$)")


def count_cjk(text: str) -> int:
    """Number of CJK characters in text."""
    return len(_NOT_CJK.sub("", text))


def count_latin_words(text: str) -> int:
    """Number of Latin-script words (numbers and hyphenated names count once)."""
    return len(_LATIN_WORD.findall(text))


def display_length(text: str) -> float:
    """Length in CJK-character units: a Latin character counts as half a CJK one."""
    ascii_count = sum(1 for ch in text if ch < "\u0080")
    return (len(text) - ascii_count) + ascii_count / 2


def cut_at_sentence(text: str, limit: float) -> str:
    """Cut text to about `limit` CJK characters, preferring a sentence end.

    Falls back to a hard cut with an ellipsis when no sentence ends in the last
    two thirds of the allowed length.
    """
    if display_length(text) <= limit:
        return text
    budget = 0.0
    hard_end = len(text)
    for index, ch in enumerate(text):
        budget += 0.5 if ch < "\u0080" else 1.0
        if budget > limit:
            hard_end = index
            break
    best = -1
    for match in _SENTENCE_END.finditer(text, 0, hard_end):
        best = match.end()
    if best >= hard_end / 3:
        return text[:best].rstrip()
    return text[:hard_end].rstrip(" ，、,;；：:") + "…"


_CJK_THEN_LATIN = re.compile(f"([{CJK_CLASS}])([A-Za-z0-9@#$%^&*+=(\\[{{])")
_LATIN_THEN_CJK = re.compile(f"([A-Za-z0-9!%&*+=)\\]}}])([{CJK_CLASS}])")


def space_cjk_latin_text(text: str) -> str:
    """One space between CJK and Latin letters or digits (盘古之白), where none is."""
    return _LATIN_THEN_CJK.sub(r"\1 \2", _CJK_THEN_LATIN.sub(r"\1 \2", text))
