"""Benchmark: rjieba against Python jieba, for speed and for segmentation quality.

    python bench/segment.py [--count 200] [--runs 5]

Speed: microseconds per KB of UTF-8 text in precise mode (`cut`) and search mode
(`cut_for_search`, what the search index uses), median of R runs, on the demo
site's article bodies (as plain text, the way they are indexed) and on N generated
articles (bench/corpus.py).

Quality: word-level precision, recall and F1, and whole sentences right, against
GOLD, tech-news sentences segmented by hand. Each library is scored as it ships and
with newsdesk's dictionary of tech terms (fts_segment.TECH_WORDS) added;
that dictionary was written for such sentences, so its gain is an upper bound.
Tokens are compared after the same normalization as newsdesk's (NFKC, lowercase,
punctuation dropped). jieba comes from the `bench` extra.
"""

import argparse
import logging
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba
import rjieba

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import body
from fts_segment import TECH_WORDS, keep_words, prepare
from newsdesk.content.loader import load_file
from newsdesk.content.options import ContentOptions
from newsdesk.render.html_text import html_to_text
from newsdesk.render.markdown import render_body
from newsdesk.render.options import RenderOptions

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONTENT = ROOT / "examples" / "site" / "content"

# Tech-news sentences and their segmentation, one word per space. Terms of the
# trade and names are one word (大模型, 量子比特, 英伟达); ordinary compounds are
# split where a dictionary would (出口 管制, 代码 生成).
GOLD = [
    "OpenAI 发布 GPT-5 ， 支持 多模态 推理 。",
    "国产 大模型 的 多模态 能力 正在 快速 提升 。",
    "英伟达 的 芯片 出口 受到 新 的 管制 。",
    "台积电 宣布 2 纳米 制程 明年 量产 。",
    "量子计算 公司 发布 了 100 个 量子比特 的 处理器 。",
    "这 款 开源 模型 在 代码 生成 任务 上 表现 出色 。",
    "智能体 可以 调用 外部 工具 完成 复杂 任务 。",
    "检索增强生成 能 有效 减少 大模型 的 幻觉 。",
    "向量数据库 成为 人工智能 应用 的 基础设施 。",
    "华为 发布 鸿蒙 操作系统 的 新 版本 。",
    "阿里云 下调 了 大模型 API 的 价格 。",
    "字节跳动 开源 了 新 的 视频 生成 模型 。",
    "月之暗面 推出 支持 长 上下文 的 Kimi 助手 。",
    "深度求索 的 推理 模型 引发 全球 关注 。",
    "云原生 架构 让 微服务 部署 更加 灵活 。",
    "零信任 安全 模型 要求 持续 验证 用户 身份 。",
    "eBPF 让 Linux 内核 的 可观测性 大幅 提升 。",
    "Rust 编译器 在 编译期 就 能 发现 内存 错误 。",
    "自动驾驶 汽车 依赖 端侧 芯片 的 实时 算力 。",
    "人形机器人 成为 具身智能 领域 的 热门 方向 。",
    "机器学习 工程师 需要 掌握 深度学习 框架 。",
    "边缘计算 节点 可以 降低 网络 延迟 。",
    "开发者 可以 通过 提示词 控制 模型 的 输出 。",
    "苹果 在 发布会 上 展示 了 新款 芯片 。",
    "微软 将 Copilot 集成 到 Windows 系统 中 。",
    "谷歌 的 Gemini 模型 支持 百万 词元 的 上下文 。",
    "昇腾 芯片 为 国产 算力 提供 了 新 选择 。",
    "数据中心 的 能耗 问题 日益 突出 。",
    "存算一体 技术 有望 降低 芯片 功耗 。",
    "Meta 发布 了 新 的 Llama 开源 大模型 。",
    "Node.js 原生 支持 运行 TypeScript 代码 。",
    "C++ 和 C# 仍然 是 游戏 开发 的 主流 语言 。",
]

Cut = Callable[[str], list[str]]


@dataclass
class Segmenter:
    name: str
    cut: Cut
    cut_for_search: Cut


def segmenters() -> list[Segmenter]:
    jieba.setLogLevel(logging.WARNING)
    stock_rjieba = rjieba.Jieba()
    tuned_rjieba = rjieba.Jieba()
    stock_jieba = jieba.Tokenizer()
    tuned_jieba = jieba.Tokenizer()
    for word in TECH_WORDS:
        tuned_rjieba.add_word(word, None, None)
        tuned_jieba.add_word(word)
    return [
        Segmenter("rjieba", stock_rjieba.cut, stock_rjieba.cut_for_search),
        Segmenter("jieba", _listed(stock_jieba.cut), _listed(stock_jieba.cut_for_search)),
        Segmenter("rjieba + TECH_WORDS", tuned_rjieba.cut, tuned_rjieba.cut_for_search),
        Segmenter(
            "jieba + TECH_WORDS", _listed(tuned_jieba.cut), _listed(tuned_jieba.cut_for_search)
        ),
    ]


def _listed(cut: Callable[[str], Iterable[str]]) -> Cut:
    return lambda text: list(cut(text))


def demo_texts() -> list[str]:
    texts = []
    for path in sorted(DEMO_CONTENT.glob("*.md")):
        outcome = load_file(path, ContentOptions())
        article = outcome.article
        if article is not None and outcome.body is not None:
            html = render_body(outcome.body, RenderOptions()).html
            texts.append(f"{article.title}\n{article.summary}\n{html_to_text(html)}")
    return texts


def generated_texts(count: int) -> list[str]:
    rng = random.Random(11)
    return [body(rng, f"第{number}篇") for number in range(count)]


def microseconds_per_kb(cut: Cut, texts: list[str], runs: int) -> float:
    kilobytes = sum(len(text.encode()) for text in texts) / 1024
    prepared = [prepare(text) for text in texts]
    for text in prepared[:3]:
        cut(text)  # load the dictionary before timing
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in prepared:
            cut(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / kilobytes * 1e6


def spans(sentence: str, words: list[str]) -> set[tuple[int, int]]:
    """(start, end) of each word in the folded sentence."""
    folded = prepare(sentence).lower()
    found = set()
    position = 0
    for word in words:
        start = folded.find(word, position)
        if start < 0:
            raise ValueError(f"{word!r} is not in {sentence!r}")
        found.add((start, start + len(word)))
        position = start + len(word)
    return found


@dataclass
class Quality:
    precision: float
    recall: float
    f1: float
    sentences_right: int


def quality(cut: Cut) -> Quality:
    matched = produced = expected = right = 0
    for line in GOLD:
        sentence = line.replace(" ", "")
        gold = spans(sentence, keep_words(line.split()))
        got = spans(sentence, keep_words(cut(prepare(sentence))))
        matched += len(gold & got)
        produced += len(got)
        expected += len(gold)
        right += gold == got
    precision, recall = matched / produced, matched / expected
    return Quality(precision, recall, 2 * precision * recall / (precision + recall), right)


def differences(cut: Cut) -> list[str]:
    lines = []
    for line in GOLD:
        sentence = line.replace(" ", "")
        got = keep_words(cut(prepare(sentence)))
        if got != keep_words(line.split()):
            lines.append(f"    {' '.join(got)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="generated articles")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="print the sentences each gets wrong")
    args = parser.parse_args()
    corpora = {"demo": demo_texts(), "generated": generated_texts(args.count)}
    for name, texts in corpora.items():
        size = sum(len(text.encode()) for text in texts) / 1024
        print(f"{name}: {len(texts)} texts, {size:,.0f} KB")
    print(f"gold: {len(GOLD)} sentences, {sum(len(keep_words(g.split())) for g in GOLD)} words\n")
    header = (
        f"{'segmenter':<22}{'demo cut':>10}{'demo search':>13}{'gen cut':>10}{'gen search':>12}"
        f"{'P':>7}{'R':>7}{'F1':>7}{'right':>8}"
    )
    print(header + "\n" + "-" * len(header))
    found = segmenters()
    fastest: dict[str, float] = {}
    for segmenter in found:
        speeds = [
            microseconds_per_kb(cut, texts, args.runs)
            for texts in corpora.values()
            for cut in (segmenter.cut, segmenter.cut_for_search)
        ]
        fastest[segmenter.name] = speeds[0]
        score = quality(segmenter.cut)
        print(
            f"{segmenter.name:<22}"
            + "".join(f"{speed:>{w}.0f}" for speed, w in zip(speeds, (10, 13, 10, 12), strict=True))
            + f"{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}"
            + f"{score.sentences_right:>5}/{len(GOLD)}"
        )
        if args.show:
            print("\n".join(differences(segmenter.cut)))
    print("\n(speeds in µs per KB, median of the runs; P/R/F1 over words of the gold sentences)")
    print(f"jieba / rjieba, demo cut: {fastest['jieba'] / fastest['rjieba']:.1f}x slower")


if __name__ == "__main__":
    main()
