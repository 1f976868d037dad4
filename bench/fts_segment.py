"""Chinese word segmentation, which the database search peers rank results by (the
server searched this way until its in-memory index, which ranks by field and date).

rjieba (jieba's dictionary and algorithm, in Rust) was chosen over Python jieba by
measurement (bench/segment.py, figures in bench/README.md): much faster, and at least
as accurate on hand-segmented tech-news sentences, because it keeps names like
`GPT-5` and `Node.js` whole where jieba cuts them at the hyphen or dot.

jieba's dictionary predates most of today's tech vocabulary (it cuts 大模型 into
大/模型 and 英伟达 into 英/伟达), so a small dictionary of such terms is added.
"""

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rjieba

# Terms of the trade and names that the stock dictionary splits, each added whole;
# phrases a reader would split (出口管制, 开源社区) are left out.
TECH_WORDS = (
    "大模型",
    "大语言模型",
    "多模态",
    "智能体",
    "算力",
    "量子计算",
    "量子比特",
    "具身智能",
    "人形机器人",
    "自动驾驶",
    "智能驾驶",
    "机器学习",
    "深度学习",
    "检索增强生成",
    "向量数据库",
    "提示词",
    "词元",
    "端侧",
    "云原生",
    "微服务",
    "边缘计算",
    "可观测性",
    "零信任",
    "芯粒",
    "晶圆",
    "存算一体",
    "信创",
    "英伟达",
    "台积电",
    "阿里云",
    "腾讯云",
    "字节跳动",
    "月之暗面",
    "深度求索",
    "昇腾",
)

# Lone surrogates cannot cross into Rust (or be stored); they carry no text anyway.
_SURROGATES = re.compile("[\ud800-\udfff]")
_HAS_ALNUM = re.compile(r"[^\W_]").search


@cache
def _segmenter() -> "rjieba.Jieba":
    # Loaded on first use: the dictionary is slow to load, which a server's start and
    # commands that never segment should not pay.
    import rjieba

    segmenter = rjieba.Jieba()
    for word in TECH_WORDS:
        segmenter.add_word(word, None, None)
    return segmenter


def prepare(text: str) -> str:
    """The text as the segmenter should see it: full-width forms folded (ＧＰＴ－５ is
    GPT-5), surrogates dropped."""
    return unicodedata.normalize("NFKC", _SURROGATES.sub("", text))


def keep_words(tokens: list[str]) -> list[str]:
    """Tokens lowercased, without the ones that are only punctuation or whitespace."""
    # isalnum() first: it settles almost every token without the regex.
    return [token.lower() for token in tokens if token.isalnum() or _HAS_ALNUM(token)]


def segment(text: str, *, for_search: bool = False) -> list[str]:
    """The words of text, lowercased, without punctuation or whitespace.

    `for_search` also yields the dictionary words inside longer ones (模型 inside
    大模型), so that a query for the shorter word ranks articles using the longer one.
    """
    segmenter = _segmenter()
    prepared = prepare(text)
    tokens = segmenter.cut_for_search(prepared) if for_search else segmenter.cut(prepared)
    return keep_words(tokens)
