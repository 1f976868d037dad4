"""Search over the demo site's articles in the in-memory index: relevance with real
Chinese queries, complete substring recall, filters, re-indexing, and queries that
must never break anything."""

import random
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.content.loader import load_file
from newsdesk.content.options import ContentOptions
from newsdesk.publish.search import highlighted
from newsdesk.render.html_text import html_to_text
from newsdesk.render.markdown import render_body
from newsdesk.render.options import RenderOptions
from newsdesk.site.search_hits import HighlightedHit
from newsdesk.store.search import SearchDocument, SearchQuery
from newsdesk.store.search_engine import SearchIndex
from newsdesk.text.cjk import CJK_CLASS
from newsdesk.text.query import MAX_TERM_CHARS

from .conftest import DEMO_SITE

CHINA = timezone(timedelta(hours=8))


def _demo_documents() -> list[SearchDocument]:
    documents = []
    for path in sorted((DEMO_SITE / "content").glob("*.md")):
        outcome = load_file(path, ContentOptions())
        article = outcome.article
        assert article is not None and outcome.body is not None, path
        if article.draft:
            continue
        body = html_to_text(render_body(outcome.body, RenderOptions()).html)
        documents.append(SearchDocument.of(article, body, f"{article.slug}:1"))
    return documents


DOCUMENTS = _demo_documents()
BY_SLUG = {document.slug: document for document in DOCUMENTS}
INDEX = SearchIndex.build(DOCUMENTS)


@pytest.fixture
def indexed() -> SearchIndex:
    """The demo articles indexed (an index is never changed in place: a change makes
    another)."""
    return INDEX


@dataclass(frozen=True)
class Shown:
    """Search results as readers see them: highlighted."""

    total: int
    hits: list[HighlightedHit]


def find(index: SearchIndex, text: str, **options: object) -> Shown:
    query = SearchQuery(text, **options)  # type: ignore[arg-type]
    results = index.rank(query).page(query.offset, query.limit)
    return Shown(results.total, highlighted(text, results.hits))


def edited(
    index: SearchIndex, documents: list[SearchDocument], removed: tuple[str, ...] | list[str] = ()
) -> SearchIndex:
    changed = index.changed(documents, removed)
    assert changed is not None
    return changed


def slugs(results: Shown) -> list[str]:
    return [hit.slug for hit in results.hits]


def fields(document: SearchDocument) -> list[str]:
    return [
        document.title,
        *document.tags,
        document.category or "",
        *document.authors,
        document.summary,
        document.body,
    ]


def containing(*terms: str) -> set[str]:
    """The slugs whose text contains every term (CJK terms: plain substrings)."""
    return {d.slug for d in DOCUMENTS if all(any(t in field for field in fields(d)) for t in terms)}


def test_demo_articles_are_indexed(indexed: SearchIndex) -> None:
    keys = indexed.indexed_keys()
    assert keys == {d.slug: d.key for d in DOCUMENTS}
    assert "first-open-source-contribution" not in keys  # a draft


# (query, the article a reader wants first)
RELEVANT = [
    ("供应链攻击", "xz-backdoor-postmortem"),
    ("向量数据库", "vector-database-selection-2025"),
    ("零信任", "zero-trust-vpn-to-ztna"),
    ("冷启动", "serverless-cold-start-wasm"),
    ("类型剥离", "nodejs-native-typescript"),
    ("芯片", "chiplet-ucie-packaging"),  # two characters
    ("分叉", "redis-license-valkey-fork"),
    ("芯", "chiplet-ucie-packaging"),  # one character
    ("观测", "ebpf-zero-instrumentation-observability"),  # inside 可观测性
    ("差点得", "xz-backdoor-postmortem"),  # across words: 差点 得手
    ("Rust 迁移", "rust-2024-edition"),  # mixed
    ("Python 自由线程", "llm-20241021-python-313-free-threading"),
    ("Sidecar", "kubernetes-native-sidecar"),  # English only
    ("valkey", "redis-license-valkey-fork"),  # any case
    ("UCIe", "chiplet-ucie-packaging"),
]


def test_the_right_article_comes_first(indexed: SearchIndex) -> None:
    wrong = {}
    for query, expected in RELEVANT:
        found = slugs(find(indexed, query))
        if not found or found[0] != expected:
            wrong[query] = found[:3]
    assert wrong == {}


SUBSTRINGS = ["模型", "大模型", "信任", "芯", "开源 许可证", "数据库 索引", "段", "的工"]


def _random_substrings(count: int) -> list[str]:
    """Substrings of the articles' CJK runs, 1 to 4 characters long, from anywhere."""
    rng = random.Random(5)
    runs = [run for d in DOCUMENTS for run in re.findall(f"[{CJK_CLASS}]+", d.body)]
    picked = []
    while len(picked) < count:
        run = rng.choice(runs)
        length = rng.randint(1, min(4, len(run)))
        start = rng.randrange(len(run) - length + 1)
        picked.append(run[start : start + length])
    return picked


def test_recall_of_substrings_is_complete(indexed: SearchIndex) -> None:
    """Whatever occurs in an article finds it, and nothing else is found."""
    for query in SUBSTRINGS + _random_substrings(40):
        results = find(indexed, query, limit=100)
        assert set(slugs(results)) == containing(*query.split()), query
        assert results.total == len(results.hits)


def test_queries_across_words_and_scripts(indexed: SearchIndex) -> None:
    document = SearchDocument(
        slug="mixed",
        title="新闻",
        tags=(),
        category=None,
        authors=(),
        summary="",
        body="这是一段简单的示例：OpenAI 推出支持GPT-5的多模态推理服务。",
        published=datetime(2025, 8, 8, tzinfo=CHINA),
        key="m",
    )
    changed = edited(indexed, [document])
    for query in ("段简", "GPT-5 多模态", "gpt-5的多模态", "5的多", "openai推出", "态推"):
        assert "mixed" in slugs(find(changed, query, limit=100)), query
    for query in ("T-5", "penAI", "段 简单的示例x"):
        assert "mixed" not in slugs(find(changed, query, limit=100)), query
    hit = next(h for h in find(changed, "段简", limit=100).hits if h.slug == "mixed")
    assert (
        hit.snippet_html
        == "这是一<mark>段简</mark>单的示例：OpenAI 推出支持GPT-5的多模态推理服务。"
    )


def test_latin_words_match_from_their_start_in_any_case(indexed: SearchIndex) -> None:
    for query in ("PostgreSQL", "postgresql", "Postgre", "POSTGRES", "k8s", "JSON_TABLE"):
        start = re.compile(f"(?<![A-Za-z0-9]){re.escape(query)}", re.IGNORECASE)
        expected = {d.slug for d in DOCUMENTS if any(start.search(f) for f in fields(d))}
        assert set(slugs(find(indexed, query, limit=100))) == expected, query
    assert find(indexed, "ostgreSQL").total == 0  # not where a word starts


def test_title_matches_come_first_then_newer(indexed: SearchIndex) -> None:
    for query in ("模型", "开源", "芯", "Rust", "性能 优化"):
        hits = find(indexed, query, limit=100).hits
        in_title = [
            all(t.lower() in BY_SLUG[h.slug].title.lower() for t in query.split()) for h in hits
        ]
        assert in_title == sorted(in_title, reverse=True), query
        for before, after in pairwise(hits):
            assert before.score >= after.score
            if before.score == after.score:
                assert BY_SLUG[before.slug].published >= BY_SLUG[after.slug].published


def test_filters(indexed: SearchIndex) -> None:
    everything = set(slugs(find(indexed, "开源", limit=100)))
    by_category = find(indexed, "开源", category="开源社区", limit=100)
    assert (
        set(slugs(by_category))
        == {s for s in everything if BY_SLUG[s].category == "开源社区"}
        != set()
    )
    by_tag = find(indexed, "开源", tag="开源治理", limit=100)
    assert set(slugs(by_tag)) == {s for s in everything if "开源治理" in BY_SLUG[s].tags} != set()
    assert find(indexed, "开源", tag="开源").total == 0  # tags match by their exact name
    since, until = datetime(2024, 11, 1, tzinfo=CHINA), datetime(2025, 6, 30, tzinfo=CHINA)
    in_range = find(indexed, "开源", since=since, until=until, limit=100)
    assert (
        set(slugs(in_range))
        == {s for s in everything if since <= BY_SLUG[s].published <= until}
        != set()
    )
    moment = BY_SLUG["open-source-ai-definition"].published
    assert slugs(find(indexed, "开源", since=moment, until=moment)) == ["open-source-ai-definition"]


def test_pages(indexed: SearchIndex) -> None:
    everything = find(indexed, "模型", limit=100)
    pages = [find(indexed, "模型", limit=4, offset=offset) for offset in range(0, 16, 4)]
    assert [hit.slug for page in pages for hit in page.hits] == slugs(everything)
    assert {page.total for page in pages} == {everything.total}
    past = find(indexed, "模型", offset=1000)
    assert (past.total, past.hits) == (everything.total, [])


def test_reindexing_replaces_a_document(indexed: SearchIndex) -> None:
    old = BY_SLUG["pgvector-intro"]
    assert "pgvector-intro" in slugs(find(indexed, "IVFFlat", limit=100))
    new = replace(old, title="量子纠缠通信实验", summary="", body="一篇全新的文章。", key="new")
    changed = edited(indexed, [new])
    keys = changed.indexed_keys()
    assert keys["pgvector-intro"] == "new" and len(keys) == len(DOCUMENTS)
    assert "pgvector-intro" not in slugs(find(changed, "IVFFlat", limit=100))
    assert slugs(find(changed, "量子纠缠")) == ["pgvector-intro"]


def test_removing_documents(indexed: SearchIndex) -> None:
    changed = edited(indexed, [], ["xz-backdoor-postmortem", "no-such-article"])
    assert "xz-backdoor-postmortem" not in changed.indexed_keys()
    assert "xz-backdoor-postmortem" not in slugs(find(changed, "后门", limit=100))
    assert find(changed, "供应链攻击").total == len(containing("供应链攻击")) - 1


def test_titles_and_snippets_are_escaped_and_marked(indexed: SearchIndex) -> None:
    hostile = SearchDocument(
        slug="hostile",
        title="<script>alert('大模型')</script> & 芯片",
        tags=("<b>",),
        category=None,
        authors=(),
        summary="",
        body="前文" * 100 + "大模型 <img src=x onerror=alert(1)> 的 <芯片> 新闻" + "后文" * 100,
        published=datetime(2025, 1, 1, tzinfo=CHINA),
        key="h",
    )
    changed = edited(indexed, [hostile])
    hit = next(h for h in find(changed, "大模型 芯片", limit=100).hits if h.slug == "hostile")
    assert hit.title_html == (
        "&lt;script&gt;alert(&#x27;<mark>大模型</mark>&#x27;)&lt;/script&gt;"
        " &amp; <mark>芯片</mark>"
    )
    assert "<img" not in hit.snippet_html and "&lt;img" in hit.snippet_html
    assert "<mark>大模型</mark>" in hit.snippet_html
    assert "&lt;<mark>芯片</mark>&gt;" in hit.snippet_html
    assert hit.snippet_html.startswith("…") and hit.snippet_html.endswith("…")
    visible = re.sub(r"<[^>]+>|&[a-z#0-9]+;", "x", hit.snippet_html)
    assert 100 <= len(visible) <= 140


def test_snippets_show_the_matching_passage(indexed: SearchIndex) -> None:
    for query in ("IVFFlat", "冷启动", "分叉"):
        for hit in find(indexed, query, limit=100).hits:
            assert "<mark>" in hit.snippet_html + hit.title_html, (query, hit.slug)


NASTY = [
    "",
    "   \t\n",
    '"',
    '"大模型',
    "'",
    "''",
    "*",
    "大*",
    "NEAR(大模型 芯片)",
    "大模型 OR 芯片",
    "AND",
    "NOT 芯片",
    "(",
    ")",
    "((芯片",
    "^芯片",
    "title:芯片",
    "{title}: 芯片",
    "-芯片",
    "芯片 -",
    "\\",
    "\\'",
    "a\\b",
    "\x00",
    "芯\x00片",
    "\ud800",
    "🚀 大模型 🎉",
    "!@#$%^&*()_+",
    "&|<->!:*",
    "'a':1A",
    "%",
    "_",
    "芯片" * 5000,
    " ".join(["芯片"] * 5000),
    "x" * 10_000,
    "模" * 3000 + " GPT-5 " * 500,
    "ＧＰＴ－５　多模态",
    "السلام עברית русский ελληνικά",
    "\u200b\u200d\ufeff",
]


def test_no_query_text_can_break_search(indexed: SearchIndex) -> None:
    for query in NASTY:
        results = find(indexed, query)
        assert results.total >= len(results.hits)
    assert find(indexed, "").total == find(indexed, " \n ").total == 0
    assert find(indexed, "芯片", limit=-5, offset=-5).hits == []
    assert find(indexed, "芯片", tag="\x00'\ud800", category="x" * 10_000).total == 0


@given(text=st.text(max_size=60))
@settings(max_examples=25, deadline=None)
def test_arbitrary_query_text_never_raises(text: str) -> None:
    results = find(INDEX, text)
    assert results.total >= len(results.hits)


def test_queries_are_cut_to_a_sensible_size(indexed: SearchIndex) -> None:
    document = BY_SLUG["xz-backdoor-postmortem"]
    run = max(re.findall(f"[{CJK_CLASS}]+", document.body), key=len)
    assert len(run) >= MAX_TERM_CHARS
    long = find(indexed, run + "不存在的尾巴" * 10, limit=100)  # the term is cut to its start
    assert document.slug in slugs(long)
    assert long.total == len(containing(run[:MAX_TERM_CHARS]))
    eight = list("芯片进入积木时代")
    many = find(indexed, " ".join([*eight, "不存在的词"]), limit=100)  # the ninth term is dropped
    assert set(slugs(many)) == containing(*eight) != set()


def test_naive_dates_are_refused(indexed: SearchIndex) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        find(indexed, "芯片", since=datetime(2025, 1, 1))
    naive = replace(DOCUMENTS[0], published=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        SearchIndex.build([naive])
    with pytest.raises(ValueError, match="timezone-aware"):
        indexed.changed([naive], [])


def test_a_huge_document_of_all_different_characters_is_indexed(indexed: SearchIndex) -> None:
    rng = random.Random(1)
    noise = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(100_000))
    huge = replace(
        DOCUMENTS[0], slug="huge", title=noise, summary=noise, body=noise, tags=(noise,), key="h"
    )
    changed = edited(indexed, [huge])
    assert "huge" in slugs(find(SearchIndex.build([huge]), noise[30_000:30_004]))
    assert "huge" in slugs(find(changed, noise[30_000:30_004], limit=100))


def test_a_document_without_text_is_indexed(indexed: SearchIndex) -> None:
    empty = SearchDocument("empty", "", (), None, (), "", "", datetime.now(CHINA), "e")
    changed = edited(indexed, [empty])
    assert changed.indexed_keys()["empty"] == "e"
    assert find(changed, "芯片").total == len(containing("芯片"))


def test_documents_hold_no_unstorable_text(indexed: SearchIndex) -> None:
    odd = replace(
        DOCUMENTS[0], slug="odd", title="空\x00字符\ud800标题", body="正文\x00里", key="odd"
    )
    changed = edited(indexed, [odd])
    assert slugs(find(changed, "空字符")) == ["odd"]
