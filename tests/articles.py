"""The two shapes of article the project started from, and what each must load as.

A CMS export: camelCase front matter (nested author, flags, counts, read time), the
title repeated as the body's H1, code, a table, a quote and a reprint notice after a
rule. An LLM pipeline's output: the whole front matter indented, a provenance note as
its description, and the body wrapped in an indented ```markdown fence.

tests/fixtures/seedlike/ holds one of each, written for the tests. The original seed
articles in ../shared/seeds/ are checked the same way where that folder exists (a
clone of the repository alone has none: those cases are skipped, never failed).
"""

from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SEEDLIKE = Path(__file__).resolve().parent / "fixtures" / "seedlike"
# Where the articles of each shape come from: "seedlike" always, "seeds" where present.
SOURCES = ["seedlike", "seeds"]
SEEDS_ABSENT = (
    f"../shared/seeds is absent: {SEEDS} (tests/fixtures/seedlike has articles of the "
    "same shapes, checked always)"
)


def seed_folder(source: str) -> Path:
    """The folder of `source`'s two articles; skips the test when the seeds are absent."""
    if source == "seedlike":
        return SEEDLIKE
    if not SEEDS.is_dir():
        pytest.skip(SEEDS_ABSENT)
    return SEEDS


def cms_path(folder: Path) -> Path:
    """The CMS export: the first file (`NNN_<hash>.md`, in name order)."""
    return sorted(folder.glob("*.md"))[0]


def llm_path(folder: Path) -> Path:
    """The LLM pipeline's article: the second file."""
    return sorted(folder.glob("*.md"))[1]


@dataclass(frozen=True)
class CmsArticle:
    slug: str
    title: str
    summary_start: str
    category: str
    tags: list[str]
    author: dict[str, str]
    published: str
    updated: str
    cover_image: str
    sticky_hot_views: tuple[bool, bool, int]
    read_minutes: int  # given in the front matter
    cjk_chars: range
    h2: list[str]
    fourth_toc_entry: dict[str, object]  # an H2 whose id folds Latin letters and punctuation
    last_line: str  # the reprint notice after the rule


@dataclass(frozen=True)
class LlmArticle:
    slug: str
    title: str
    published: str
    source: str  # the provenance note's file
    summary_start: str
    cjk_chars: range
    read_minutes: int  # estimated
    first_toc_entry: dict[str, object]
    last_line: str  # the body's last line, inside the wrapper fence


CMS = {
    "seedlike": CmsArticle(
        slug="100-6a1f0c93d2b84e57",
        title="2025年数据库技术观察：向量检索、云原生与国产化替代",
        summary_start="梳理2025年数据库领域的主要变化",
        category="database",
        tags=["数据库", "向量检索", "云原生", "国产化"],
        author={"name": "李存储", "bio": "数据库内核工程师，关注分布式存储与查询优化"},
        published="2025-03-10T00:00:00+08:00",
        updated="2025-03-12T00:00:00+08:00",
        cover_image="/images/news/database-2025.jpg",
        sticky_hot_views=(True, False, 3480),
        read_minutes=7,
        cjk_chars=range(1000, 1250),
        h2=[
            "向量检索走进通用数据库",
            "云原生DB：存算分离成为标配",
            "国产数据库的规模化落地",
            "仍待解决的难题",
            "选型建议",
            "结语",
        ],
        fourth_toc_entry={
            "level": 2,
            "text": "云原生DB：存算分离成为标配",
            "id": "云原生db存算分离成为标配",
        },
        last_line="*本文首发于新闻台数据库专栏，转载请注明出处。*",
    ),
    "seeds": CmsArticle(
        slug="000-57486fc234d5f708",
        title="2024年人工智能发展趋势：从技术突破到产业应用",
        summary_start="深入分析2024年人工智能领域的最新发展趋势",
        category="technology",
        tags=["人工智能", "技术趋势", "大模型", "产业应用"],
        author={"name": "张技术", "bio": "AI技术专家，专注于机器学习和深度学习研究"},
        published="2024-01-15T00:00:00+08:00",
        updated="2024-01-15T00:00:00+08:00",
        cover_image="/images/news/ai-trends-2024.jpg",
        sticky_hot_views=(True, True, 1250),
        read_minutes=8,
        cjk_chars=range(801, 1000),
        h2=[
            "大模型技术的新突破",
            "边缘AI的快速发展",
            "产业应用的深化",
            "技术挑战与解决方案",
            "未来展望",
            "结语",
        ],
        fourth_toc_entry={"level": 2, "text": "边缘AI的快速发展", "id": "边缘ai的快速发展"},
        last_line="*本文首发于URLNet技术博客，转载请注明出处。*",
    ),
}

LLM = {
    "seedlike": LlmArticle(
        slug="101-2d7b9e04c6a15f38",
        title="2025 年云原生领域的三大技术走向",
        published="2025-04-22T00:00:00+08:00",
        source="2025-04-21.md",
        summary_start="2025 年，云原生技术正在从“能跑起来”走向“好用、省心”",
        cjk_chars=range(1150, 1450),
        read_minutes=5,
        first_toc_entry={
            "level": 2,
            "text": "平台工程：把基础设施做成产品",
            "id": "平台工程把基础设施做成产品",
        },
        last_line="让我们一起把复杂留给平台、把简单交给开发者！",
    ),
    "seeds": LlmArticle(
        slug="001-945f1643232863be",
        title="2024 年人工智能领域的三大发展趋势分析",
        published="2025-02-18T00:00:00+08:00",
        source="2025-02-17.md",
        summary_start="2024 年，人工智能领域继续保持高速发展",
        cjk_chars=range(1401, 1800),
        read_minutes=6,
        first_toc_entry={
            "level": 2,
            "text": "生成式 AI：从文本到多模态生成",
            "id": "生成式-ai从文本到多模态生成",
        },
        last_line="让我们共同迎接 AI 时代的全新篇章！",
    ),
}
