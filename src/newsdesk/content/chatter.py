"""What a chat model says around the document it was asked for: its reasoning block,
its words to the requester before and after the document, and replies with no
document at all.

Chatter is recognised conservatively (docs/diagnostics.md says how): before the
document only when a document opener follows it, after it only when it addresses
the requester or the reply was plainly a chat reply (opening chatter, or a document
wrapped in a ```markdown fence).
"""

import re

from newsdesk.content.blocks import ATX, FENCE_OPEN, is_fence_close
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.document import Line, first_content, last_content
from newsdesk.content.frontmatter import DELIMITERS
from newsdesk.content.repair import Repair

# An acknowledgement, or a sentence that presents what follows as made for the requester.
_OPENING = re.compile(
    r"(?:好的|好嘞|好|当然(?:可以|啦)?|没问题|可以的?|收到|明白(?:了)?|嗯|行)[，,！!。.～~、\s]"
    r"|(?:以下是|下面是|这篇是|为您|为你|根据您|根据你|按照您|按照你|基于您|基于你"
    # "这是" opens prose as often as replies: only with words about the requested text.
    r"|(?:这是|这里是)(?:为您|为你|根据|按照|基于|我|您|你|修改|改写|整理|重写|润色|文章|全文)"
    r"|我(?:已经?|已)?(?:为您|为你|根据|按照|基于|将|把|整理|撰写|写了|改写|生成))"
    r"|(?:sure|certainly|of course|okay|ok|absolutely|great|alright|here(?:'s| is| are)"
    r"|below is|i(?:'ve| have) (?:written|drafted|turned|created|prepared|put))\b",
    re.IGNORECASE,
)
# Closing words that address the requester: offers to revise, questions, notes on the
# material they gave. These never belong to an article.
_ADDRESSING = re.compile(
    r"(?:如(?:需|果(?:您|你)?(?:还)?需要|有(?:需要|其他需要))|若(?:需|有需要)|需要我|要不要我|是否需要"
    r"|请(?:随时)?告诉我|随时告诉我|欢迎(?:随时)?(?:告诉|提出|反馈)|如果(?:您|你)(?:还)?(?:想|希望|有|对)"
    r"|let me know|would you like|feel free|if you(?:'d| would)? (?:like|want|need)|shall i"
    r"|i can also|do you want)",
    re.IGNORECASE,
)
# A note on the material the requester gave, anywhere in a closing line.
_ON_MATERIAL = re.compile(r"(?:您|你)(?:提供|给出|给|发来)的(?:笔记|素材|内容|信息|资料|要点|记录)")
# Closing pleasantries: removed only after a reply that is plainly a chat reply, since
# a blogger may sign off with them too.
_PLEASANTRY = re.compile(
    r"(?:以上(?:就)?是.{0,12}(?:文章|内容|稿件|草稿|全文)"
    r"|希望(?:这篇|本文|以上|这份|这些|此文|它|这)?.{0,16}(?:帮助|有用|满意|喜欢|参考)"
    r"|祝(?:您|你).{0,12}|(?:i )?hope (?:this|it|that) (?:helps|is helpful|works)"
    r"|happy (?:writing|publishing)|good luck)",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"(?:抱歉|对不起|很抱歉|非常抱歉|不好意思|我无法|我不能|sorry|i'm sorry|i am sorry"
    r"|unfortunately|i can(?:no|')t|i'm unable|as an ai)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[.]) ")
_DECORATION = re.compile(r"^[\s*_>（(]+")
_WRAPPER_INFO = {"markdown", "md"}
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_REASONING_OPEN = re.compile(r"^\s*<(think|thinking|reasoning)>", re.IGNORECASE)
# Lines of chatter are sentences, not paragraphs; longer lines are the article's own.
_MAX_CHATTER_CHARS = 200
_MAX_LEADING_LINES = 4
_MAX_TRAILING_LINES = 3
# A reply holding only chatter is a few sentences long.
_MAX_REPLY_CHARS = 600


def _plain(text: str) -> str:
    return _DECORATION.sub("", text).strip()


def _opens_document(text: str) -> bool:
    stripped = text.strip()
    return (
        stripped in DELIMITERS
        or stripped.startswith("{")
        or FENCE_OPEN.match(text) is not None
        or ATX.match(text) is not None
        or _REASONING_OPEN.match(text) is not None
    )


def _is_chatter_line(text: str) -> bool:
    plain = _plain(text)
    return len(plain) <= _MAX_CHATTER_CHARS and not _opens_document(text)


def drop_reasoning(lines: list[Line]) -> Repair | None:
    """A reasoning model's `<think>…</think>` block before its answer."""
    first = first_content(lines)
    if first >= len(lines) or (opening := _REASONING_OPEN.match(lines[first].text)) is None:
        return None
    closing = f"</{opening.group(1).lower()}>"
    for index in range(first, len(lines)):
        at = lines[index].text.lower().find(closing)
        if at < 0:
            continue
        cut = at + len(closing)
        removed = [line.text for line in lines[first:index]] + [lines[index].text[:cut]]
        number = lines[first].no
        lines[index].text = lines[index].text[cut:]
        lines[index].shift += cut
        # The answer starts on the closing line, or at the next line with text.
        end = index if not lines[index].blank else first_content(lines, index)
        del lines[first:end]
        return Repair(
            "reasoning-removed",
            number,
            f"the model's reasoning block (<{opening.group(1)}>) came before the article",
            removed=tuple(removed),
        )
    return None


def drop_chatter(lines: list[Line]) -> Repair | None:
    """The assistant's words to the requester before and after the document."""
    leading = _leading(lines)
    if leading is not None:
        start, end = leading
        if first_content(lines, end) >= len(lines):
            return None
    trailing = _trailing(lines, leading[1] if leading else 0, leading is not None)
    if leading is None and trailing is None:
        return None
    removed: list[str] = []
    where: list[str] = []
    number = 1
    # The trailing block goes first, so that the leading block's indices still hold.
    for found, side in ((trailing, "after"), (leading, "before")):
        if found is None:
            continue
        start, end = found
        removed[:0] = [line.text for line in lines[start:end] if not line.blank]
        where.insert(0, f"{_span(lines, start, end)} {side} it")
        number = lines[start].no
        del lines[start:end]
    return Repair(
        "reply-chatter",
        number,
        f"the assistant's words around the article were removed ({' and '.join(where)})",
        removed=tuple(removed),
    )


def _span(lines: list[Line], start: int, end: int) -> str:
    numbers = [line.no for line in lines[start:end] if not line.blank]
    first, last = numbers[0], numbers[-1]
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _leading(lines: list[Line]) -> tuple[int, int] | None:
    """[start, end) of chatter before the line that opens the document."""
    first = first_content(lines)
    block: list[int] = []
    index = first
    while index < len(lines):
        text = lines[index].text
        if not lines[index].blank:
            if _opens_document(text):
                break
            if len(block) == _MAX_LEADING_LINES or not _is_chatter_line(text):
                return None
            block.append(index)
        index += 1
    if not block or index >= len(lines) or not _OPENING.match(_plain(lines[block[0]].text)):
        return None
    introduces = lines[block[-1]].text.rstrip(" *_").endswith((":", "："))
    # Before a heading, only a sentence that ends by introducing it is chatter: an
    # article without front matter may open with any sentence.
    if ATX.match(lines[index].text) and not introduces:
        return None
    return first, index


def _trailing(lines: list[Line], start: int, after_reply: bool) -> tuple[int, int] | None:
    """[start, end) of chatter after the document: up to two short paragraphs of
    closing phrases at the end, with a rule that sets them apart."""
    end = last_content(lines)
    index = end
    found = False
    addressing = False
    for _ in range(2):
        top = index
        while top >= start and not lines[top].blank:
            top -= 1
        paragraph = [_plain(line.text) for line in lines[top + 1 : index + 1]]
        if not paragraph or len(paragraph) > _MAX_TRAILING_LINES:
            break
        if not all(_is_closing(text) for text in paragraph):
            break
        index = top
        addressing = addressing or any(
            _ADDRESSING.search(text) or _ON_MATERIAL.search(text) for text in paragraph
        )
        found = True
        while index >= start and lines[index].blank:
            index -= 1
    if not found or index < start:
        return None
    if not (addressing or after_reply or _closes_wrapper(lines, start, index)):
        return None
    if _RULE.match(lines[index].text) and (index == 0 or lines[index - 1].blank):
        index -= 1
        while index >= start and lines[index].blank:
            index -= 1
    # The blank lines before the block go with it; the file's final line end stays.
    return index + 1, end + 1


def _is_closing(text: str) -> bool:
    """Whether every sentence of a line is a closing phrase."""
    if len(text) > _MAX_CHATTER_CHARS:
        return False
    sentences = [part.strip() for part in _SENTENCE_END.split(text) if part.strip(" *_")]
    return bool(sentences) and all(
        _ADDRESSING.match(part) or _PLEASANTRY.match(part) or _ON_MATERIAL.search(part)
        for part in sentences
    )


def _closes_wrapper(lines: list[Line], start: int, index: int) -> bool:
    """Whether lines[index] closes a ```markdown fence opening the document, or its
    body below the front matter (seed 001's shape)."""
    openers = [first_content(lines, start)]
    if openers[0] < len(lines) and lines[openers[0]].text.strip() in DELIMITERS:
        delimiter = lines[openers[0]].text.strip()
        close = next(
            (i for i in range(openers[0] + 1, index) if lines[i].text.strip() == delimiter), None
        )
        if close is not None:
            openers.append(first_content(lines, close + 1))
    for opener in openers:
        fence = FENCE_OPEN.match(lines[opener].text) if opener < index else None
        if fence and fence.group(3).strip().lower() in _WRAPPER_INFO:
            return is_fence_close(lines[index].text, fence.group(2))
    return False


def reply_without_article(lines: list[Line]) -> Diagnostic | None:
    """A reply that is only the assistant talking (a refusal, a question back, an
    acknowledgement cut short): no heading, front matter or fence, a few sentences."""
    texts = [line.text for line in lines if not line.blank]
    first = next((line for line in lines if not line.blank), None)
    if first is None:
        return Diagnostic(
            "reply-without-article",
            "the file holds only the model's reasoning, no article",
            fix="ask the model again, or write the article",
        )
    if sum(len(text) for text in texts) > _MAX_REPLY_CHARS or any(map(_opens_document, texts)):
        return None
    opening = _plain(first.text)
    if not (_OPENING.match(opening) or _REFUSAL.match(opening)):
        return None
    quoted = opening if len(opening) <= 40 else opening[:40] + "…"
    return Diagnostic(
        "reply-without-article",
        f"the file holds only the assistant's words to the requester, no article: “{quoted}”",
        first.no,
        1,
        fix="ask the model again; if this is an article, give it a title or a heading",
    )
