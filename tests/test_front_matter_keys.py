"""Keys of known generators and themes are read quietly; a misspelt key is named with
the key it resembles; any other unknown key is reported once for the whole site."""

from pathlib import Path

import pytest

from newsdesk.content.article import Outcome
from newsdesk.content.loader import load_all
from newsdesk.content.options import ContentOptions


def load(tmp_path: Path, files: dict[str, str]) -> dict[str, Outcome]:
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return {Path(o.path).name: o for o in load_all(paths, ContentOptions())}


def post(extra: str) -> str:
    return f"---\ntitle: 文\ndate: 2024-01-01\n{extra}\n---\n\n正文\n"


@pytest.mark.parametrize(
    "lines",
    [
        "layout: post\nsidebar: false\noutline: deep\nweight: 3\nlinkTitle: 短",
        "breadcrumbs: false\ncomments: true\ntoc: true\nmathjax: true\nkatex: true",
        "copyright: true\nphotos: [a.png]\ntop_img: b.png\nreward: false\nmermaid: true",
        "aside: false\neditLink: false\nprev: false\nnext: false\nnavigation: true",
        "aliases: [/old/]\nredirect_from: [/older/]\ntype: docs\nmenu: main\nhidden: false",
        "toc_sticky: true\nheader:\n  overlay_image: a.png\nexcerpt_separator: <!--more-->",
        "sitemap: false\nrobots: noindex\nlang: zh-CN\nindex_img: c.png\nbanner_img: d.png",
        "cover:\n  image: e.png\n  alt: 图\n  relative: true\nsticky: 2\nread_time: true",
        "typora-root-url: ../static\nfeaturedImagePreview: f.png\nhiddenFromHomePage: true",
        "excludeSearch: true\nhero:\n  name: 首页\nfeatures: []\nlastUpdated: false",
        "disableNunjucks: true\nabbrlink: 3f2a\ncategories: [数据库]\ntopmost: true",
    ],
)
def test_known_generator_keys_are_quiet(tmp_path: Path, lines: str) -> None:
    outcome = load(tmp_path, {"a.md": post(lines)})["a.md"]
    assert outcome.article is not None
    assert outcome.diagnostics == []


def test_theme_keys_that_mean_a_field_are_mapped(tmp_path: Path) -> None:
    text = post("index_img: /img/cover.png\ntopmost: true\nhide: true")
    article = load(tmp_path, {"a.md": text})["a.md"].article
    assert article is not None
    assert article.cover_image == "/img/cover.png"
    assert article.sticky_weight == 1 and article.unlisted


@pytest.mark.parametrize(
    ("key", "meant"),
    [("commens", "comments"), ("tilte", "title"), ("catagories", "categories"), ("tgas", "tags")],
)
def test_a_misspelt_key_names_the_known_one(tmp_path: Path, key: str, meant: str) -> None:
    outcome = load(tmp_path, {"a.md": post(f"{key}: x")})["a.md"]
    (diagnostic,) = outcome.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.col) == ("unknown-field", 4, 1)
    assert diagnostic.message == f"unknown field '{key}'; did you mean '{meant}'?"
    assert diagnostic.severity == "warning"


def test_other_unknown_keys_are_reported_once_per_key_with_a_count(tmp_path: Path) -> None:
    outcomes = load(
        tmp_path,
        {
            "c.md": post("cate1: 后端\ncate2: Java"),
            "a.md": post("mood: 好\ncate1: 前端"),
            "b.md": post("Cate_1: 运维"),
        },
    )
    found = {
        name: [(d.code, d.line, d.col, d.message) for d in o.diagnostics]
        for name, o in outcomes.items()
    }
    assert found["b.md"] == []
    assert found["a.md"] == [
        (
            "unknown-field-summary",
            4,
            1,
            "field 'mood' is not one newsdesk or a known generator uses (one file); "
            "its value is kept among the article's extra fields",
        ),
        (
            "unknown-field-summary",
            5,
            1,
            "field 'cate1' is not one newsdesk or a known generator uses "
            "(3 files use it, this one first); its value is kept among the article's "
            "extra fields",
        ),
    ]
    assert [code for code, *_ in found["c.md"]] == ["unknown-field-summary"]
    assert found["c.md"][0][1:3] == (5, 1)  # cate2
    assert outcomes["c.md"].diagnostics[0].severity == "info"
    article = outcomes["b.md"].article
    assert article is not None and article.extra["Cate_1"] == "运维"
