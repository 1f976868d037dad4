"""Units of search's text side: its normalized form, HTML to text, and the database
search peers' character grams and word segmentation (bench/fts_grams.py,
bench/fts_segment.py)."""

import pytest
from bench.fts_grams import Gram, index_grams, query_grams, trigrams
from bench.fts_segment import segment
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.render.html_text import html_to_text
from newsdesk.text.grams import MAX_WORD, normalize, query_pattern


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("大模型 GPT-5", ["大模", "模型", "型", "gpt", "5"]),
        ("芯", ["芯"]),
        ("多模态，量子", ["多模", "模态", "态", "量子", "子"]),
        ("ＧＰＴ－５发布", ["gpt", "5", "发布", "布"]),  # full-width folded
        ("snake_case Node.js", ["snake", "case", "node", "js"]),
        ("🚀!? \x00", []),
        ("x" * (MAX_WORD + 5), ["x" * MAX_WORD]),
    ],
)
def test_index_grams(text: str, grams: list[str]) -> None:
    assert index_grams(text) == grams


@pytest.mark.parametrize(
    ("term", "grams", "pattern"),
    [
        ("模型", [Gram("模型")], "模型"),
        ("大模型", [Gram("大模"), Gram("模型")], "大模型"),
        ("芯", [Gram("芯", prefix=True)], "芯"),
        ("GPT", [Gram("gpt", prefix=True)], " gpt"),
        (
            "GPT-5多模态",
            [Gram("gpt"), Gram("5"), Gram("多模"), Gram("模态")],
            " gpt 5 多模态",
        ),
        ("模态GPT", [Gram("模态"), Gram("态"), Gram("gpt", prefix=True)], "模态 gpt"),
        ("态，大", [Gram("态"), Gram("大", prefix=True)], "态 大"),
        ("!!!", [], ""),
    ],
)
def test_query_grams_and_pattern(term: str, grams: list[Gram], pattern: str) -> None:
    assert query_grams(term) == grams
    assert query_pattern(term) == pattern


def test_trigrams_and_normalize() -> None:
    assert trigrams("大模型芯片 GPT 芯片，多模态") == ["大模型", "模型芯", "型芯片", "多模态"]
    assert normalize("ＧＰＴ－５，大模型！ Node.js") == " gpt 5 大模型 node js "


def _phrase_found(tokens: list[str], grams: list[Gram]) -> bool:
    return any(
        all(
            tokens[i + j] == g.token or (g.prefix and tokens[i + j].startswith(g.token))
            for j, g in enumerate(grams)
        )
        for i in range(len(tokens) - len(grams) + 1)
    )


_ALPHABET = st.sampled_from(list("大模型芯片模态 gpt5-，。"))


@given(text=st.text(_ALPHABET, max_size=30), term=st.text(_ALPHABET, min_size=1, max_size=6))
@settings(max_examples=300)
def test_the_phrase_and_the_pattern_agree(text: str, term: str) -> None:
    grams = query_grams(term)
    if grams:
        found = _phrase_found(index_grams(text), grams)
        assert found == (query_pattern(term) in normalize(text))


@given(text=st.text(_ALPHABET, max_size=30), data=st.data())
@settings(max_examples=300)
def test_every_substring_is_found(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    term = text[start:end]
    inside_a_word = (
        start > 0
        and text[start - 1 : start + 1].isascii()
        and text[start - 1 : start + 1].isalnum()
    )
    if query_grams(term) and not inside_a_word:
        assert _phrase_found(index_grams(text), query_grams(term))
        assert query_pattern(term) in normalize(text)


def test_segment_keeps_tech_terms_and_names_whole() -> None:
    assert segment("OpenAI 发布 GPT-5，支持多模态推理！") == [
        "openai",
        "发布",
        "gpt-5",
        "支持",
        "多模态",
        "推理",
    ]
    assert segment("国产大模型与英伟达芯片") == ["国产", "大模型", "与", "英伟达", "芯片"]
    assert segment("ＧＰＴ－５") == ["gpt-5"]


def test_segment_for_search_adds_the_words_inside_longer_ones() -> None:
    words = segment("大模型推理", for_search=True)
    assert {"大模型", "模型", "推理"} <= set(words)


@pytest.mark.parametrize("text", ["", "   ", "，。！", "\x00", "\ud800", "🚀" * 3])
def test_segment_of_nothing_to_segment(text: str) -> None:
    assert segment(text) == []


def test_html_to_text() -> None:
    html = (
        "<h2 id='x'>标题 &amp; 副标题</h2>\n<p>第一段\n接着写</p><ul><li>一</li><li>二</li></ul>"
        "<table><tr><th>列</th><th>值</th></tr></table>"
        "<pre><code>line 1\nline 2</code></pre><script>alert(1)</script>"
        "<p>脚注<sup><a href='#fn1'>1</a></sup></p>"
        "<section class='footnotes'><ol><li>说明 <a href='#r' class='footnote-backref'>↩</a>"
        "</li></ol></section><p>a<br>b<img src='x.png' alt='图'>c</p>"
        "<noscript><p>unclosed<noscript>inner</noscript></noscript><p>after</p>"
    )
    assert html_to_text(html) == (
        "标题 & 副标题\n第一段 接着写\n一\n二\n列 值\nline 1\nline 2\n脚注1\n说明\na\nbc\nafter"
    )
