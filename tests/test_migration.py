"""Blogs of other generators migrated as they are. Each site under
tests/fixtures/migrate/ is one old generator's layout (Hexo, Jekyll, Hugo, VitePress,
and the syntax and front matter every generator shares), with one article per syntax
that generator's authors write. Each checks and builds with exit status 0; no built
page shows generator syntax as text or points at a local file the output lacks (the
scanner bench/migrate_survey.py runs on real blogs); each article gets its own page;
old addresses still lead somewhere; and what was written inside code stays literal."""

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bench.leftovers import PageScan, exists_in_output, scan_site

from .conftest import FIXTURES, run_newsdesk

MIGRATE = FIXTURES / "migrate"
SITES = sorted(path.name for path in MIGRATE.iterdir() if (path / "newsdesk.toml").is_file())
BASE_URL = "http://127.0.0.1:8000"
PAGES_SHOWN = 3

# Old addresses that `aliases`, `redirect_from` and old `permalink` keys keep alive.
OLD_ADDRESSES = {
    "hugo": ["/old/queue-design/", "/2023/12/queue.html"],
    "jekyll": ["/guides/moved-article/", "/old/moved-article.html", "/2019/05/20/old-name/"],
}


@dataclass(frozen=True)
class Literal:
    """An article that shows syntax on purpose, found by a sentence of its own."""

    sentence: str
    in_code: tuple[str, ...] = ()
    in_text: tuple[str, ...] = ()


LITERALS = {
    "hexo": [
        Literal(
            "本页代码中的 Hexo 标签必须原样保留",
            in_code=(
                "{% asset_img topology.png 拓扑 %}",
                "{% post_link asset-folder %}",
                "{% asset_img topology.png 集群拓扑 %}",
                "{% codeblock lang:js %}",
                "{% endcodeblock %}",
                "{% note info %}提示{% endnote %}",
                "{% youtube dQw4w9WgXcQ %}",
            ),
        ),
        Literal("模板引擎会吃掉双花括号", in_code=('<p class="greeting">{{ message }}</p>',)),
    ],
    "jekyll": [
        Literal(
            "本页代码中的 Liquid 与 kramdown 语法必须原样保留",
            in_code=(
                "{{ site.url }}",
                "{:toc}",
                "{% include license.md %}",
                "{% post_url 2018-01-18-series %}",
                '![图]({{ site.url }}/a.png){: width="100"}',
            ),
        ),
        Literal(
            "外面包一层 raw",
            in_code=(
                "{% for post in site.posts %}",
                '<a href="{{ post.url }}">{{ post.title }}</a>',
            ),
        ),
    ],
    "hugo": [
        Literal(
            "本页代码中的 Hugo 短代码必须原样保留",
            in_code=(
                '{{< figure src="a.png" >}}',
                "{{% notice tip %}}",
                "{{< youtube w7Ft2ymGmfc >}}",
                "{{% notice warning %}}小心{{% /notice %}}",
                "{{ .Title }}",
            ),
        )
    ],
    "vitepress": [
        Literal(
            "本页代码中的容器与目录语法必须原样保留",
            in_code=("::: tip", "[[toc]]", "::: warning 标题\n内容\n:::"),
        )
    ],
    "general": [
        Literal(
            "本页代码中的标记与美元符号必须原样保留",
            in_code=("[TOC]", "$x^2$", ":tada:", 'echo "$HOME" && echo "$$"', "$$ E = mc^2 $$"),
        ),
        Literal(
            "不是公式的美元符号要原样显示",
            in_text=("$HOME", "$PATH", "$5", "$20", "¥36", "¥145"),
        ),
        Literal("发布时间是 12:30:45，不是表情", in_text=("12:30:45",)),
    ],
}


@dataclass(frozen=True)
class Built:
    name: str
    site: Path
    out: Path
    check_status: int
    check_output: str = field(repr=False)
    build_status: int
    build_output: str = field(repr=False)
    articles: list[dict[str, object]] = field(repr=False)
    pages: list[PageScan] = field(repr=False)


@pytest.fixture(scope="module", params=SITES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One fixture site, copied whole (its `public/` folders are the old generators'
    asset roots), checked, inspected and built."""
    name: str = request.param
    root = tmp_path_factory.mktemp(name)
    site = root / "site"
    shutil.copytree(MIGRATE / name, site, ignore=shutil.ignore_patterns(".newsdesk"))
    out = root / "out"
    checked = run_newsdesk("check", str(site))
    inspected = run_newsdesk("inspect", str(site), "--json")
    building = run_newsdesk("build", str(site), "--out", str(out))
    return Built(
        name=name,
        site=site,
        out=out,
        check_status=checked.returncode,
        check_output=checked.stdout + checked.stderr,
        build_status=building.returncode,
        build_output=building.stderr,
        articles=json.loads(inspected.stdout or "[]"),
        pages=scan_site(out, BASE_URL) if out.is_dir() else [],
    )


def test_check_passes(built: Built) -> None:
    assert built.check_status == 0, built.check_output


def test_build_passes(built: Built) -> None:
    assert built.build_status == 0, built.build_output


def test_no_generator_syntax_left_as_text(built: Built) -> None:
    # Article pages only: lists repeat the articles' opening text with code spans
    # flattened to plain text, so they would report code as leftovers, and twice.
    found = [
        f"{page.url}: {x.text!r} in …{x.context}…"
        for page in built.pages
        if page.is_article
        for x in page.leftovers
    ]
    assert not found, f"{built.name}: {len(found)} leftovers\n" + "\n".join(found)


def test_local_references_exist_in_the_output(built: Built) -> None:
    pages_by_target: dict[tuple[str, str], list[str]] = {}
    for page in built.pages:
        for broken in page.broken:
            pages_by_target.setdefault((broken.tag, broken.target), []).append(page.url)
    found = [
        f"<{tag}> {target!r} on {len(urls)} pages: {', '.join(urls[:PAGES_SHOWN])}"
        for (tag, target), urls in sorted(pages_by_target.items())
    ]
    assert not found, f"{built.name}: {len(found)} missing targets\n" + "\n".join(found)


def test_each_article_has_its_own_page(built: Built) -> None:
    urls = {
        Path(str(a["path"])).relative_to(built.site).as_posix(): str(a.get("url") or "")
        for a in built.articles
    }
    assert urls, f"{built.name}: no article inspected"
    articles_at = Counter(url for url in urls.values() if url)
    problems = [f"{path}: no URL" for path, url in sorted(urls.items()) if not url]
    problems += [
        f"{path}: {url} is another article's URL too"
        for path, url in sorted(urls.items())
        if articles_at[url] > 1
    ]
    problems += [
        f"{path}: no page at {url}"
        for path, url in sorted(urls.items())
        if url and not built_page(built, url)
    ]
    assert not problems, f"{built.name}:\n" + "\n".join(problems)


def built_page(built: Built, url: str) -> bool:
    return exists_in_output(built.out, "/", url.removeprefix(BASE_URL) or "/")


def test_old_addresses_still_lead_somewhere(built: Built) -> None:
    missing = [url for url in OLD_ADDRESSES.get(built.name, []) if not built_page(built, url)]
    assert not missing, f"{built.name}: no page or redirect at " + ", ".join(missing)


def test_code_stays_literal(built: Built) -> None:
    problems: list[str] = []
    for literal in LITERALS[built.name]:
        pages = [page for page in built.pages if page.is_article and literal.sentence in page.text]
        if not pages:
            problems.append(f"no article page says {literal.sentence!r}")
            continue
        page = pages[0]
        problems += [
            f"{page.url}: {snippet!r} is not in its code as written"
            for snippet in literal.in_code
            if snippet not in page.code_text
        ]
        problems += [
            f"{page.url}: {snippet!r} is not in its text as written"
            for snippet in literal.in_text
            if snippet not in page.text
        ]
    assert not problems, "\n".join(problems)


def test_scanner_reads_prose_code_and_references(tmp_path: Path) -> None:
    (tmp_path / "posts" / "a").mkdir(parents=True)
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "here.png").write_bytes(b"png")
    (tmp_path / "posts" / "a" / "index.html").write_text(
        '<html><head><meta property="og:type" content="article">'
        "<script>var t = '{{ not prose }}';</script></head><body>"
        "<p>见 {{ site.url }} 与 Foo$$EnhancerByCGLIB$$1</p>"
        "<pre><code>{% raw %}$$</code></pre><p><code>[TOC]</code></p>"
        '<img src="/img/here.png"><img src="../../img/gone.png">'
        '<img src="data:image/png;base64,AA">'
        f'<a href="{BASE_URL}/nowhere/">站内</a><a href="https://example.com/x">站外</a>'
        '<a href="#top">顶部</a><a href="/posts/a/">本页</a></body></html>',
        encoding="utf-8",
    )
    (page,) = scan_site(tmp_path, BASE_URL)
    assert page.url == "/posts/a/" and page.is_article
    assert [x.text for x in page.leftovers] == ["{{"]
    assert page.code_text == "{% raw %}$$[TOC]"
    assert [(b.tag, b.target) for b in page.broken] == [
        ("img", "../../img/gone.png"),
        ("a", f"{BASE_URL}/nowhere/"),
    ]
