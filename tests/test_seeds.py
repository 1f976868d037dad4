"""The two articles the project started from: every field, every repair."""

from pathlib import Path

import pytest

from newsdesk.content.article import Outcome
from newsdesk.content.blocks import scan
from newsdesk.content.loader import load_all
from newsdesk.content.options import ContentOptions


def load_seed(seeds: Path, prefix: str) -> Outcome:
    (path,) = seeds.glob(f"{prefix}_*.md")
    (outcome,) = load_all([path], ContentOptions())
    return outcome


def test_seed_000_cms_article(seeds: Path) -> None:
    outcome = load_seed(seeds, "000")
    data = outcome.to_json()
    assert data["slug"] == "000-57486fc234d5f708"
    assert data["url"] == "/posts/000-57486fc234d5f708/"
    assert data["title"] == "2024年人工智能发展趋势：从技术突破到产业应用"
    assert data["summary"].startswith("深入分析2024年人工智能领域的最新发展趋势")
    assert data["category"] == "technology"
    assert data["tags"] == ["人工智能", "技术趋势", "大模型", "产业应用"]
    assert data["author"] == {"name": "张技术", "bio": "AI技术专家，专注于机器学习和深度学习研究"}
    assert data["published"] == "2024-01-15T00:00:00+08:00"
    assert data["updated"] == "2024-01-15T00:00:00+08:00"
    assert data["cover_image"] == "/images/news/ai-trends-2024.jpg"
    assert (data["sticky"], data["hot"], data["views"]) == (True, True, 1250)
    assert data["read_minutes"] == 8  # given in front matter: it wins over the estimate
    assert data["draft"] is False and data["source"] is None
    assert 800 < data["cjk_chars"] < 1000
    assert data["code_lines"] == 8
    assert [t["text"] for t in data["toc"] if t["level"] == 2] == [
        "大模型技术的新突破",
        "边缘AI的快速发展",
        "产业应用的深化",
        "技术挑战与解决方案",
        "未来展望",
        "结语",
    ]
    assert data["toc"][3] == {"level": 2, "text": "边缘AI的快速发展", "id": "边缘ai的快速发展"}
    assert data["repairs"] == ["duplicate-title-h1"]
    assert [(d["code"], d["line"]) for d in data["diagnostics"]] == [("duplicate-title-h1", 18)]
    body = outcome.body or ""
    assert "# 2024年人工智能发展趋势" not in body
    assert body.rstrip().endswith("*本文首发于URLNet技术博客，转载请注明出处。*")
    kinds = [b.kind for b in scan(body.split("\n"))]
    assert kinds.count("fence") == 1 and kinds.count("table") == 1 and "quote" in kinds


def test_seed_001_llm_article(seeds: Path) -> None:
    outcome = load_seed(seeds, "001")
    data = outcome.to_json()
    assert data["slug"] == "001-945f1643232863be"
    assert data["title"] == "2024 年人工智能领域的三大发展趋势分析"
    assert data["published"] == "2025-02-18T00:00:00+08:00"
    assert data["updated"] is None
    assert data["source"] == "2025-02-17.md"
    assert data["summary"].startswith("2024 年，人工智能领域继续保持高速发展")
    assert "Generated from" not in data["summary"]
    assert data["summary"].endswith("。")
    assert (data["category"], data["tags"], data["author"]) == (None, [], None)
    assert (data["sticky"], data["hot"], data["views"], data["draft"]) == (False, False, 0, False)
    assert data["repairs"] == [
        "frontmatter-indent",
        "body-fence-unwrapped",
        "provenance-description",
        "duplicate-title-h1",
    ]
    lines = {d["code"]: d["line"] for d in data["diagnostics"]}
    assert lines == {
        "frontmatter-indent": 2,
        "provenance-description": 4,
        "body-fence-unwrapped": 7,
        "duplicate-title-h1": 8,
    }
    assert data["code_lines"] == 0
    assert 1400 < data["cjk_chars"] < 1800
    assert data["read_minutes"] == 6
    assert len(data["toc"]) == 13
    assert data["toc"][0] == {
        "level": 2,
        "text": "生成式 AI：从文本到多模态生成",
        "id": "生成式-ai从文本到多模态生成",
    }


def test_seed_001_body_has_no_code_block(seeds: Path) -> None:
    outcome = load_seed(seeds, "001")
    assert outcome.article is not None
    body = outcome.body or ""
    blocks = scan(body.split("\n"))
    assert [b for b in blocks if b.kind in ("fence", "code")] == []
    assert "```" not in body
    headings = [b for b in blocks if b.kind == "heading"]
    assert len(headings) == 13 and all(h.level in (2, 3) for h in headings)
    assert sum(1 for b in blocks if b.kind == "table") == 3
    assert body.rstrip().endswith("让我们共同迎接 AI 时代的全新篇章！")


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_seed_fix_is_idempotent(seeds: Path, tmp_path: Path, prefix: str) -> None:
    from newsdesk.content.fix import patches, write_atomic

    (original,) = seeds.glob(f"{prefix}_*.md")
    copy = tmp_path / original.name
    copy.write_bytes(original.read_bytes())
    before = load_all([copy], ContentOptions())[0].to_json()
    (patch,) = patches(load_all([copy], ContentOptions()))
    write_atomic(copy, patch.data)
    after = load_all([copy], ContentOptions())
    assert patches(after) == []
    fixed = after[0].to_json()
    assert fixed["repairs"] == [] and fixed["diagnostics"] == []
    for key in ("title", "summary", "published", "source", "toc", "cjk_chars", "tags"):
        assert fixed[key] == before[key], key
