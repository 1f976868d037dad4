"""Articles of the two shapes the project started from: every field, every repair."""

from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.content.article import Outcome
from newsdesk.content.blocks import scan
from newsdesk.content.fix import patches, write_atomic
from newsdesk.content.loader import load_all
from newsdesk.content.options import ContentOptions

from .articles import CMS, LLM, SOURCES, cms_path, llm_path, seed_folder


def load(path: Path) -> Outcome:
    (outcome,) = load_all([path], ContentOptions())
    return outcome


@pytest.mark.parametrize("source", SOURCES)
def test_cms_article_keeps_every_field_and_loses_the_repeated_title(source: str) -> None:
    expected = CMS[source]
    outcome = load(cms_path(seed_folder(source)))
    data = outcome.to_json()
    assert data["slug"] == expected.slug
    assert data["url"] == f"/posts/{expected.slug}/"
    assert data["title"] == expected.title
    assert data["summary"].startswith(expected.summary_start)
    assert data["category"] == expected.category
    assert data["tags"] == expected.tags
    assert data["author"] == expected.author
    assert data["published"] == expected.published
    assert data["updated"] == expected.updated
    assert data["cover_image"] == expected.cover_image
    assert (data["sticky"], data["hot"], data["views"]) == expected.sticky_hot_views
    assert data["read_minutes"] == expected.read_minutes  # given: it wins over the estimate
    assert data["draft"] is False and data["source"] is None
    assert data["cjk_chars"] in expected.cjk_chars
    assert data["code_lines"] == 8
    assert [t["text"] for t in data["toc"] if t["level"] == 2] == expected.h2
    assert data["toc"][3] == expected.fourth_toc_entry
    assert data["repairs"] == ["duplicate-title-h1"]
    assert [(d["code"], d["line"]) for d in data["diagnostics"]] == [("duplicate-title-h1", 18)]
    body = outcome.body or ""
    assert f"# {expected.title}" not in body
    assert body.rstrip().endswith(f"---\n\n{expected.last_line}")
    kinds = [b.kind for b in scan(body.split("\n"))]
    assert kinds.count("fence") == 1 and kinds.count("table") == 1 and "quote" in kinds


@pytest.mark.parametrize("source", SOURCES)
def test_llm_article_is_unindented_unwrapped_and_keeps_its_provenance(source: str) -> None:
    expected = LLM[source]
    data = load(llm_path(seed_folder(source))).to_json()
    assert data["slug"] == expected.slug
    assert data["title"] == expected.title
    assert data["published"] == expected.published
    assert data["updated"] is None
    assert data["source"] == expected.source
    assert data["summary"].startswith(expected.summary_start)
    assert "Generated from" not in data["summary"] and "**" not in data["summary"]
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
    assert data["cjk_chars"] in expected.cjk_chars
    assert data["read_minutes"] == expected.read_minutes
    assert len(data["toc"]) == 13
    assert data["toc"][0] == expected.first_toc_entry


@pytest.mark.parametrize("source", SOURCES)
def test_llm_articles_unwrapped_body_is_markdown_not_a_code_block(source: str) -> None:
    outcome = load(llm_path(seed_folder(source)))
    assert outcome.article is not None
    body = outcome.body or ""
    blocks = scan(body.split("\n"))
    assert [b for b in blocks if b.kind in ("fence", "code")] == []
    assert "```" not in body
    headings = [b for b in blocks if b.kind == "heading"]
    assert len(headings) == 13 and all(h.level in (2, 3) for h in headings)
    assert sum(1 for b in blocks if b.kind == "table") == 3
    assert body.rstrip().endswith(LLM[source].last_line)


@pytest.mark.parametrize("shape", [cms_path, llm_path], ids=["cms", "llm"])
@pytest.mark.parametrize("source", SOURCES)
def test_fix_repairs_once_and_keeps_what_the_article_says(
    tmp_path: Path, source: str, shape: Callable[[Path], Path]
) -> None:
    original = shape(seed_folder(source))
    copy = tmp_path / original.name
    copy.write_bytes(original.read_bytes())
    before = load(copy).to_json()
    assert before["repairs"] != []
    (patch,) = patches(load_all([copy], ContentOptions()))
    write_atomic(copy, patch.data)
    after = load_all([copy], ContentOptions())
    assert patches(after) == []
    fixed = after[0].to_json()
    assert fixed["repairs"] == [] and fixed["diagnostics"] == []
    for key in ("title", "summary", "published", "source", "toc", "cjk_chars", "tags"):
        assert fixed[key] == before[key], key
