"""Properties: ingestion never raises, diagnostics always have positions, and
`fix` is idempotent, on inputs hypothesis makes up."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsdesk.content.article import Outcome, read_article
from newsdesk.content.encoding import decode
from newsdesk.content.options import ContentOptions

OPTIONS = ContentOptions()
FILE_TIME = datetime(2024, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ingest(data: bytes) -> Outcome:
    source, problems = decode(data, OPTIONS.max_file_bytes)
    if source is None:
        return Outcome("x.md", diagnostics=problems)
    return read_article("x.md", source, OPTIONS, FILE_TIME)


def assert_well_formed(outcome: Outcome, data: bytes) -> None:
    # Lines as editors count them: a lone CR ends a line too.
    line_count = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
    for diagnostic in outcome.diagnostics:
        assert 1 <= diagnostic.line <= line_count, diagnostic
        assert diagnostic.col >= 1, diagnostic
        assert diagnostic.message
    outcome.to_json()
    if outcome.article is not None:
        assert outcome.article.title and outcome.article.slug
        assert outcome.article.read_minutes >= 1


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert_well_formed(ingest(data), data)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [
    "title",
    "date",
    "tags",
    "categories",
    "author",
    "isSticky",
    "views",
    "readTime",
    "summary",
    "cover",
    "draft",
    "slug",
    "top",
    "updated",
    "hidden",
    "keywords",
]
front_matter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=12), values, max_size=10)


@SETTINGS
@given(front_matter, st.text(max_size=300))
def test_arbitrary_yaml_front_matter_never_raises(meta: dict[str, object], body: str) -> None:
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n" + body
    data = text.encode("utf-8", "surrogatepass")
    assert_well_formed(ingest(data), data)


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_arbitrary_text_between_delimiters_never_raises(inner: str) -> None:
    data = ("---\n" + inner + "\n---\n\n正文\n").encode("utf-8")
    assert_well_formed(ingest(data), data)


fragments = st.sampled_from(
    [
        "---\n",
        "            ---\n",
        "\ttitle: 标题\n",
        "title: Python 3.13: 新特性\n",
        "title: [译] 标题\n",
        "description: Generated from 2025-02-17.md\n",
        "date: 2025-02-18\n",
        "```markdown\n",
        "            ```markdown\n",
        "```\n",
        "```python\n",
        "# 标题\n",
        "#标题\n",
        "## 小节\n",
        "正文\u200b文字\u00a0。\n",
        "\n",
        "- 列表\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "+++\n",
        'title = "T"\n',
        "{\n",
        '"title": "J"\n',
        "}\n",
        "<!-- more -->\n",
        # Old generators' syntax, converted by repairs of its own.
        "{% note info %}\n",
        "{% endnote %}\n",
        "{% raw %}\n",
        "{% endraw %}\n",
        "{% codeblock lang:js %}\n",
        "{% endcodeblock %}\n",
        "{{ page.title }} {{ site.url }}/a.png\n",
        "{% weird tag %}\n",
        "{{< notice tip >}}\n",
        "{{< /notice >}}\n",
        "::: tip 提示\n",
        ":::\n",
        "* TOC\n",
        "{:toc}\n",
        '![图](a.png){: width="300"}\n',
        "[[toc]]\n",
        "`{% raw %}`\n",
    ]
)


@SETTINGS
@given(st.lists(fragments, max_size=14), st.sampled_from(["\n", "\r\n"]), st.booleans())
# Closing the open fence made the whole body a ```markdown wrapper for the next fix.
@example(["```markdown\n", "```\n", "```\n"], "\n", False)
# Tab-indented and space-indented lines: once tabs were spaces, the block was indented.
@example(["---\n", "\ttitle: 标题\n", "            ```markdown\n", "---\n"], "\n", False)
def test_fix_is_idempotent(parts: list[str], newline: str, bom: bool) -> None:
    text = "".join(parts).replace("\n", newline)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    first = ingest(data)
    assert_well_formed(first, data)
    if first.repaired_text is None or first.source is None:
        return
    fixed = first.source.encode(first.repaired_text)
    second = ingest(fixed)
    assert second.repaired_text is None or second.repaired_text == second.source.text, (
        f"a second fix would change the file again: {second.repairs}"
    )
    if first.article is not None and second.article is not None:
        assert second.article.title == first.article.title
        assert (second.body or "").strip() == (first.body or "").strip()
