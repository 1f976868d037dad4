"""Chat model replies: every repair keeps the article's text, minus only what the
repair names, on the fixtures and on replies hypothesis wraps in the artifacts."""

import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.content.article import Outcome, read_article
from newsdesk.content.encoding import decode
from newsdesk.content.options import ContentOptions

from .conftest import FIXTURES

OPTIONS = ContentOptions()
FILE_TIME = datetime(2024, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
FIXTURE_FILES = sorted(
    p
    for folder in ("repairs", "llm", "dialects")
    for p in (FIXTURES / folder).glob("*.md")
    if ".fixed." not in p.name
)
WORD = re.compile(r"\w")


def ingest(data: bytes, name: str = "reply.md") -> Outcome:
    source, problems = decode(data, OPTIONS.max_file_bytes)
    assert source is not None, problems
    return read_article(name, source, OPTIONS, FILE_TIME)


def words(*texts: str) -> Counter[str]:
    return Counter(char for text in texts for char in WORD.findall(text))


def assert_only_named_text_changed(outcome: Outcome) -> None:
    """The letters and digits of the file, before and after the repairs, differ by
    exactly what the repairs say they removed and added."""
    assert outcome.source is not None
    before = outcome.source.text
    after = outcome.repaired_text if outcome.repaired_text is not None else before
    removed = [text for r in outcome.applied for text in r.removed]
    added = [text for r in outcome.applied for text in r.added]
    for text in removed:
        assert text in before, f"a repair names text the file does not hold: {text!r}"
    assert words(before) - words(*removed) + words(*added) == words(after)
    assert words(before) + words(*added) - words(*removed) == words(after)


@pytest.mark.parametrize("case", FIXTURE_FILES, ids=[c.stem for c in FIXTURE_FILES])
def test_repairs_keep_every_character_they_do_not_name(case: Path) -> None:
    assert_only_named_text_changed(ingest(case.read_bytes(), case.name))


ALPHABET = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去"
)
sentences = st.text(alphabet=ALPHABET, min_size=4, max_size=40).map(lambda s: s + "。")
paragraphs = st.lists(sentences, min_size=1, max_size=3).map("".join)
titles = st.text(alphabet=ALPHABET, min_size=4, max_size=20)
tags = st.lists(
    st.text(alphabet=ALPHABET, min_size=2, max_size=4), min_size=1, max_size=4, unique=True
)

OPENINGS = [
    "",
    "好的，以下是根据您的笔记生成的文章：",
    "Sure! Here's the article:",
    "当然可以！下面是稿件：",
]
CLOSINGS = [
    "",
    "希望对您有帮助！如需调整，请随时告诉我。",
    "Let me know if you'd like any changes.",
    "---\n\n需要我再写一个更短的版本吗？",
]
FENCES = ["", "```markdown", "````md"]


def front_matter(style: str, title: str, tag_list: list[str]) -> tuple[str, str]:
    """(front matter, lines at the top of the body) of one style."""
    if style == "fullwidth":
        return f"---\n标题：{title}\n日期：2025-03-10\n标签：{'、'.join(tag_list)}\n---\n", ""
    if style == "hashtags":
        tagged = " ".join(f"#{t}" for t in tag_list)
        return f"---\ntitle: {title}\ndate: 2025-03-10\ntags: {tagged}\n---\n", ""
    if style == "numbered":
        items = "".join(f"  {n}. {t}\n" for n, t in enumerate(tag_list, 1))
        return f"---\ntitle: {title}\ndate: 2025-03-10\n标签:\n{items}---\n", ""
    if style == "yaml-fence":
        return (
            f"```yaml\ntitle: {title}\ndate: 2025-03-10\ntags: [{', '.join(tag_list)}]\n```\n",
            "",
        )
    labels = f"**日期：** 2025-03-10\n**标签：** {'、'.join(tag_list)}\n\n"
    return "", f"# {title}\n\n{labels}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=titles,
    tag_list=tags,
    body=st.lists(paragraphs, min_size=1, max_size=4),
    style=st.sampled_from(["fullwidth", "hashtags", "numbered", "yaml-fence", "labels"]),
    opening=st.sampled_from(OPENINGS),
    closing=st.sampled_from(CLOSINGS),
    fence=st.sampled_from(FENCES),
    crlf=st.booleans(),
)
def test_wrapped_replies_read_as_meant(
    title: str,
    tag_list: list[str],
    body: list[str],
    style: str,
    opening: str,
    closing: str,
    fence: str,
    crlf: bool,
) -> None:
    head, top = front_matter(style, title, tag_list)
    document = head + "\n" + top + "\n\n".join(body) + "\n"
    if fence:
        document = f"{fence}\n{document}{fence[: len(fence) - len(fence.lstrip('`'))]}\n"
    reply = "\n\n".join(part for part in (opening, document, closing) if part) + "\n"
    if crlf:
        reply = reply.replace("\n", "\r\n")
    outcome = ingest(reply.encode("utf-8"))
    article = outcome.article
    assert article is not None, outcome.diagnostics
    assert (article.title, list(article.tags)) == (title.strip(), tag_list)
    assert article.published.date().isoformat() == "2025-03-10"
    text = outcome.body or ""
    for paragraph in body:
        assert paragraph in text
    assert not any(phrase and phrase.splitlines()[-1] in text for phrase in OPENINGS + CLOSINGS)
    assert_only_named_text_changed(outcome)
