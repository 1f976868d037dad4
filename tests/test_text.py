"""Units of the text and value layers, table-driven."""

from zoneinfo import ZoneInfo

import pytest

from newsdesk.content import coerce
from newsdesk.content.dates import parse_date
from newsdesk.text.anchors import AnchorSet, heading_id
from newsdesk.text.cjk import count_cjk, count_latin_words, cut_at_sentence
from newsdesk.text.slug import slugify

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-15", "2024-01-15T00:00:00+08:00"),
        ("2024-01-15 10:00:00", "2024-01-15T10:00:00+08:00"),
        ("2024/01/15 10:00:00", "2024-01-15T10:00:00+08:00"),
        ("2024-01-15T9:00:00", "2024-01-15T09:00:00+08:00"),
        ("2024-01-15 10:00:00 +0800", "2024-01-15T10:00:00+08:00"),
        ("2024-05-02T01:30:00Z", "2024-05-02T09:30:00+08:00"),
        ("Mon, 15 Jan 2024 10:00:00 +0800", "2024-01-15T10:00:00+08:00"),
        ("Jul 08 2024", "2024-07-08T00:00:00+08:00"),
        ("July 8, 2024", "2024-07-08T00:00:00+08:00"),
        ("2024年1月15日", "2024-01-15T00:00:00+08:00"),
        ("2024年1月15日 10:30", "2024-01-15T10:30:00+08:00"),
        (1705284000, "2024-01-15T10:00:00+08:00"),
    ],
)
def test_dates(value: object, expected: str) -> None:
    assert parse_date(value, ZONE).isoformat() == expected


@pytest.mark.parametrize("value", ["下周", "2024-02-30", "", "13/13/2024", True, 42, [2024]])
def test_not_dates(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value, ZONE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1250, 1250), ("1,250", 1250), ("6分钟", 6), ("8 min", 8), ("1.2万", 12000), ("3k", 3000)],
)
def test_counts(value: object, expected: int) -> None:
    assert coerce.to_count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("否", False), ("是", True), ("yes", True), (0, False), (None, False)],
)
def test_booleans(value: object, expected: bool) -> None:
    assert coerce.to_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a, b，c、d", ["a", "b", "c", "d"]),
        ("单个标签", ["单个标签"]),
        ([1, "x", None, ["y"]], ["1", "x", "y"]),
        (None, []),
    ],
)
def test_lists(value: object, expected: list[str]) -> None:
    assert coerce.to_list(value) == expected


def test_categories() -> None:
    assert coerce.to_category([["开发工具", "终端"]], space_separated=False) == "开发工具"
    assert coerce.to_category("数据库 PostgreSQL", space_separated=True) == "数据库"
    assert coerce.to_category("Machine Learning", space_separated=False) == "Machine Learning"


def test_counting_mixed_text() -> None:
    text = "生成式 AI 在 2024 年延续了 GPT-5 的热度"
    assert count_cjk(text) == 11
    assert count_latin_words(text) == 3


def test_cut_prefers_a_sentence_end() -> None:
    text = "第一句话说完了。" + "第二句很长" * 30 + "。"
    assert cut_at_sentence(text, 20) == "第一句话说完了。"
    assert cut_at_sentence("没有句号" * 20, 10).endswith("…")
    assert cut_at_sentence("短句。", 120) == "短句。"


def test_anchors_keep_chinese_and_are_unique() -> None:
    assert heading_id("生成式 AI：从文本到多模态生成") == "生成式-ai从文本到多模态生成"
    anchors = AnchorSet()
    assert [anchors.unique(t) for t in ["结语", "结语", "结语-1", "!!"]] == [
        "结语",
        "结语-1",
        "结语-1-1",
        "section",
    ]


def test_slugs() -> None:
    assert slugify("人工智能 2024 趋势") == "ren-gong-zhi-neng-2024-qu-shi"
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("---") == ""
    assert len(slugify("很长" * 100)) <= 80
