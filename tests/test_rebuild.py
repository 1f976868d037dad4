"""Rebuilding after an edit: whichever way the build takes (redoing only the pages
that show an edited body, or the whole site), the output folder ends up byte for
byte what a build from scratch writes."""

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from bench.corpus import TAGS, write_corpus

from newsdesk.content.loader import discover, load_all
from newsdesk.export.cache import CACHE_NAME
from newsdesk.export.export import BuildReport, build_site
from newsdesk.site.config import load_config

from .conftest import DEMO_SITE, copy_site

# Every build of one test sees the same moment, so that scheduled articles stay put.
NOW = datetime.fromisoformat("2026-11-23T12:00:00+08:00")


def build(site: Path, out: Path) -> BuildReport:
    return build_site(site, load_config(site / "newsdesk.toml"), out, now=NOW)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def newest_article(site: Path) -> Path:
    """The file of the most recent public article: it is in every feed it belongs to."""
    # Read, not built: a build would fill the site's cache before the test's first build.
    config = load_config(site / "newsdesk.toml")
    outcomes = load_all(discover(site / config.content.dir), config.content_options())
    public = [o.article for o in outcomes if o.article and o.article.is_public(NOW)]
    newest = max(public, key=lambda a: a.published)
    return Path(newest.path).resolve()


def append(text: str) -> Callable[[str], str]:
    return lambda source: source + text


def amend_last_sentence(source: str) -> str:
    """A sentence added to the last paragraph (the newest demo article is wrapped
    in a Markdown fence, so text after its end would change its whole shape)."""
    head, _, tail = source.rpartition("。")
    return head + "。更新：补充了一条**新的**数据。" + tail


def retitle(source: str) -> str:
    return re.sub(r"^title: .*$", 'title: "改过的标题"', source, count=1, flags=re.M)


def recover(source: str) -> str:
    # An image the site has: a cover found nowhere is a warning, which a whole build
    # reports.
    new = 'coverImage: "/images/news/terminal-toolchain.png"'
    return re.sub(r"^coverImage: .*$", new, source, flags=re.M)


def swap_tags(source: str) -> str:
    return source.replace('"Kubernetes", "Linux"]', '"Kubernetes", "性能优化"]', 1)


def move_category_and_author(source: str) -> str:
    moved = source.replace('categories: ["云计算"]', 'categories: ["数据库"]', 1)
    return moved.replace('author: "苏晓晴"', 'author: "林知远"', 1)


def retag(source: str) -> str:
    return re.sub(r"^tags:.*$", "tags: [新标签, 另一个标签]", source, count=1, flags=re.M)


# Articles the site-wide checks change: a slug taken by another article, and a
# summary shared by three. Their opening paragraphs are longer than a summary, so
# that text added at the end leaves the derived summary as it was.
OPENING = "这一段是正文的开头，" * 20 + "到此结束。\n"
SITE_WIDE = {
    "zz-same-slug.md": "---\ntitle: 同名文章\ndate: 2025-03-04 10:00\nslug: rust-2024-edition\n"
    f"tags: [Rust]\n---\n\n{OPENING}",
    **{
        f"shared-summary-{n}.md": f"---\ntitle: 共用摘要的文章 {n}\ndate: 2025-05-0{n} 10:00\n"
        f"summary: 这段摘要被好几篇文章原样重复使用。\ntags: [样板]\n---\n\n{OPENING}"
        for n in (1, 2, 3)
    },
}

EDITS: dict[str, tuple[str | None, Callable[[str], str], bool]] = {
    # name: (file, edit, whether only the pages showing what changed are redone)
    "a paragraph appended": ("ebpf-observability.md", append("\n补充一段新的结论。\n"), True),
    "the newest article's body": (None, amend_last_sentence, True),
    "a draft's body": ("first-open-source-contribution.md", append("\n草稿新增内容。\n"), True),
    "a renamed article's body": ("zz-same-slug.md", append("\n补充。\n"), True),
    "a body whose summary is replaced": ("shared-summary-2.md", append("\n补充。\n"), True),
    "a heading added": ("pgvector-intro.md", append("\n## 新增的小节\n\n小节内容。\n"), True),
    "the title": ("rust-2024-edition.md", retitle, True),
    "a sticky article's cover": ("zero-trust-vpn-to-ztna.md", recover, True),
    "the cover": ("kubernetes-native-sidecar.md", recover, True),
    "the tags": ("redis-license-valkey-fork.md", retag, False),
    "tags swapped for others the site has": ("ebpf-observability.md", swap_tags, True),
    "the category and author": ("ebpf-observability.md", move_category_and_author, True),
    "the front matter broken": (
        "go-123-range-over-func.md",
        lambda s: "---\ntitle: [\n" + s,
        False,
    ),
}


@pytest.mark.parametrize("name", EDITS)
def test_rebuild_after_an_edit_equals_a_build_from_scratch(tmp_path: Path, name: str) -> None:
    file, edit, patched = EDITS[name]
    # Cards show covers but not tags; the RSS and Atom feeds, which share a key with
    # the JSON feed, show no covers: pages that show neither are written again as
    # they were (their keys cover more than they show).
    exact = "cover" not in name and "tags" not in name
    site = copy_site(DEMO_SITE, tmp_path / "site")
    for added, text in SITE_WIDE.items():
        (site / "content" / added).write_text(text, encoding="utf-8")
    path = site / "content" / file if file else newest_article(site)
    out = tmp_path / "out"
    build(site, out)
    before = tree(out)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    report = build(site, out)

    assert report.patched is patched
    assert report.compiled == 1
    after = tree(out)
    fresh = build(copy_site(site, tmp_path / "fresh"), tmp_path / "fresh-out")
    expected = tree(tmp_path / "fresh-out")
    assert after.keys() == expected.keys()
    assert [p for p in expected if after[p] != expected[p]] == []
    changed = [p for p in after if before.get(p) != after[p]]
    assert report.written >= len(changed)
    if patched and exact:
        assert report.written == len(changed)
    assert report.articles == fresh.articles
    codes = {d.code for o in fresh.outcomes for d in o.diagnostics}
    assert {"slug-collision", "summary-boilerplate"} <= codes
    found = [(o.path, d) for o in report.outcomes for d in o.diagnostics]
    assert len(found) == sum(len(o.diagnostics) for o in fresh.outcomes)


def test_successive_title_edits_equal_a_build_from_scratch(tmp_path: Path) -> None:
    """Each title edit ranks related articles again and keeps what it decided for
    the next edit to build on."""
    site = copy_site(DEMO_SITE, tmp_path / "site")
    out = tmp_path / "out"
    build(site, out)
    for n, name in enumerate(["pgvector-intro.md", "vector-database-selection-2025.md"] * 2):
        path = site / "content" / name
        text = path.read_text(encoding="utf-8")
        # Titles that make the two articles ever more alike, then different again.
        title = ["向量数据库选型与 pgvector 入门", "pgvector 与向量数据库选型"][n % 2] * (n < 2)
        path.write_text(retitled(text, title or f"第 {n} 次改过的标题"), encoding="utf-8")
        assert build(site, out).patched
    build(copy_site(site, tmp_path / "fresh"), tmp_path / "fresh-out")
    expected, after = tree(tmp_path / "fresh-out"), tree(out)
    assert [p for p in expected if after.get(p) != expected[p]] == []


def retitled(source: str, title: str) -> str:
    """The title line replaced, in JSON front matter or in Pelican's."""
    if source.startswith("{"):
        return re.sub(r'^  "title": .*$', f'  "title": "{title}",', source, count=1, flags=re.M)
    return re.sub(r"^Title: .*$", f"Title: {title}", source, count=1, flags=re.M)


def test_the_newest_articles_edit_reaches_its_feeds(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    path = newest_article(site)
    out = tmp_path / "out"
    build(site, out)
    path.write_text(amend_last_sentence(path.read_text(encoding="utf-8")), "utf-8")
    report = build(site, out)
    assert report.patched
    holding = sorted(p for p, data in tree(out).items() if "补充了一条".encode() in data)
    assert "feed.xml" in holding and "atom.xml" in holding and "feed.json" in holding
    assert any(p.startswith("posts/") and p.endswith("index.html") for p in holding)


def test_a_second_rebuild_without_changes_writes_nothing(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    out = tmp_path / "out"
    build(site, out)
    path = site / "content" / "ebpf-observability.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    assert build(site, out).patched
    again = build(site, out)
    assert (again.patched, again.compiled, again.written) == (True, 0, 0)
    (out / "index.html").unlink()
    restored = build(site, out)
    assert not restored.patched and (out / "index.html").is_file()


def test_body_edits_leave_one_compiled_version_per_file(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    out = tmp_path / "out"
    build(site, out)
    path = site / "content" / "ebpf-observability.md"
    for n in range(3):
        path.write_text(path.read_text(encoding="utf-8") + f"\n补充 {n}。\n", encoding="utf-8")
        assert build(site, out).patched
    with sqlite3.connect(site / ".newsdesk" / CACHE_NAME) as cache:
        kept = cache.execute("SELECT count(*) FROM compiled").fetchone()[0]
    assert kept == len(discover(site / "content"))


def test_a_body_edit_rewrites_only_the_search_files_it_changes(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    out = tmp_path / "out"
    build(site, out)
    before = {p: data for p, data in tree(out).items() if p.startswith("search/")}
    path = site / "content" / "ebpf-observability.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一句：蠡测。\n", encoding="utf-8")
    assert build(site, out).patched
    after = {p: data for p, data in tree(out).items() if p.startswith("search/")}
    new = sorted(p for p in after if before.get(p) != after[p])
    gone = sorted(p for p in before if p not in after)
    shards = [p for p in before if p.startswith("search/p/")]
    # The index, the article's text and metadata block, and the shards of the keys
    # the sentence added (a character pair such as 蠡测 is new to the site).
    assert "search/index.json" in new
    assert [p[:9] for p in new if not p.startswith("search/p/")] == [
        "search/in",
        "search/m/",
        "search/t/",
    ]
    assert 0 < len([p for p in new if p.startswith("search/p/")]) < len(shards)
    assert len(gone) == len(new) - 1
    assert "蠡测".encode() in b"".join(after[p] for p in new if p.startswith("search/p/"))


def test_edits_on_a_larger_site_equal_a_build_from_scratch(tmp_path: Path) -> None:
    """Under tags with more articles than related articles are looked for among,
    moving an article between tags changes the related articles of its neighbours
    under them; a title edit then ranks them again."""
    site = tmp_path / "site"
    write_corpus(site, 240)
    # One page per list: joining a tag never adds a page (which takes a whole build).
    (site / "newsdesk.toml").write_text("[site]\npage_size = 1000\n", encoding="utf-8")
    out = tmp_path / "out"
    build(site, out)
    moved = site / "content" / "cms-00105.md"
    text = moved.read_text(encoding="utf-8")
    tags = json.loads(re.search(r"^tags: (.*)$", text, flags=re.M).group(1))  # type: ignore[union-attr]
    swapped = [tags[0], tags[1], next(t for t in TAGS if t not in tags)]
    moved.write_text(
        text.replace(json.dumps(tags, ensure_ascii=False), json.dumps(swapped, ensure_ascii=False)),
        encoding="utf-8",
    )
    assert build(site, out).patched
    # The title, and the heading repeating it, to one like its neighbours' titles.
    retitled = site / "content" / "cms-00115.md"
    text = retitled.read_text(encoding="utf-8")
    title = re.search(r'^title: "(.*)"$', text, flags=re.M).group(1)  # type: ignore[union-attr]
    retitled.write_text(text.replace(title, "第105篇：向量检索正在成为数据库的标准能力"), "utf-8")
    assert build(site, out).patched
    build(copy_site(site, tmp_path / "fresh"), tmp_path / "fresh-out")
    expected, after = tree(tmp_path / "fresh-out"), tree(out)
    assert after.keys() == expected.keys()
    assert [p for p in expected if after[p] != expected[p]] == []
