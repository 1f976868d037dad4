"""A synthetic corpus of Chinese tech articles for the benchmarks.

Articles are 4–8 KB: headings, lists, a fenced Python block, a GFM table and a
blockquote, spread over 8 categories, 60 tags and 12 authors, written in the
dialects newsdesk reads (a tenth in the LLM-pipeline shape of seed 001).
"""

import random
import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

CATEGORIES = [
    "人工智能",
    "云计算",
    "开发工具",
    "编程语言",
    "数据库",
    "网络安全",
    "开源社区",
    "硬件芯片",
]
TAGS = [f"标签{n:02d}" for n in range(50)] + [
    "Rust",
    "Go",
    "Python",
    "Kubernetes",
    "PostgreSQL",
    "LLM",
    "RISC-V",
    "eBPF",
    "WebAssembly",
    "Redis",
]
AUTHORS = [
    ("张伟", "后端工程师"),
    ("王芳", "数据库专家"),
    ("李娜", "安全研究员"),
    ("刘洋", "架构师"),
    ("陈静", "前端工程师"),
    ("杨磊", "运维工程师"),
    ("赵敏", "算法工程师"),
    ("黄强", "编辑"),
    ("周杰", "芯片工程师"),
    ("吴刚", "开源布道师"),
    ("徐丽", "产品经理"),
    ("孙涛", "技术总监"),
]
PHRASES = [
    "大模型推理的成本在过去一年里下降了一个数量级",
    "分布式系统的一致性问题始终是工程上的难点",
    "向量检索正在成为数据库的标准能力",
    "编译器优化让同样的代码跑得更快",
    "可观测性不只是监控和日志",
    "零信任架构要求每一次访问都经过验证",
    "开源社区的治理结构决定了项目的长期健康",
    "芯片的先进封装技术缓解了摩尔定律放缓的压力",
    "容器编排平台的调度策略影响资源利用率",
    "类型系统可以在编译期发现大量错误",
    "缓存失效是计算机科学中最难的两件事之一",
]


def paragraph(rng: random.Random) -> str:
    sentences = [
        rng.choice(PHRASES) + rng.choice(["，", "。", "；"]) for _ in range(rng.randint(4, 8))
    ]
    return (
        "".join(sentences).rstrip("，；")
        + "。在 2024 年，GPT-4o 与 Llama 3 等模型也推动了这一趋势。"
    )


def body(rng: random.Random, title: str) -> str:
    parts = [f"# {title}", paragraph(rng)]
    for section in range(1, rng.randint(4, 6)):
        parts.append(f"## 第{section}部分：{rng.choice(PHRASES)[:10]}")
        parts.append(paragraph(rng))
        parts.append("\n".join(f"- **要点{i}**：{rng.choice(PHRASES)}" for i in range(1, 4)))
        if section == 2:
            parts.append(
                "```python\ndef handler(event):\n    result = process(event)\n"
                "    return {'status': 200, 'body': result}\n```"
            )
        if section == 3:
            parts.append(
                "| 方案 | 延迟 | 成本 |\n|---|---|---|\n| A | 12 ms | 低 |\n| B | 8 ms | 高 |"
            )
            parts.append("> " + rng.choice(PHRASES) + "。")
        parts.append(paragraph(rng))
    return "\n\n".join(parts) + "\n"


def article(number: int, rng: random.Random) -> tuple[str, str]:
    """(file name, text) of article `number`."""
    day = date(2024, 1, 1) + timedelta(days=number % 700)
    title = f"第{number}篇：{rng.choice(PHRASES)}"
    tags = rng.sample(TAGS, 3)
    category = CATEGORIES[number % len(CATEGORIES)]
    author, bio = AUTHORS[number % len(AUTHORS)]
    text = body(rng, title)
    kind = number % 10
    if kind == 0:  # the LLM-pipeline shape of seed 001
        head = (
            f'---\n            title: "{title}"\n            date: {day}\n'
            f"            description: Generated from {day}.md\n            ---\n\n"
            "            ```markdown\n"
        )
        return f"llm-{number:05d}.md", head + text + "```"
    if kind in (1, 2):  # Hugo TOML
        head = (
            f'+++\ntitle = "{title}"\ndate = {day}T09:00:00+08:00\ncategories = ["{category}"]\n'
            f"tags = {tags!r}\n+++\n\n".replace("'", '"')
        )
        return f"hugo-{number:05d}.md", head + text.split("\n", 2)[2]
    if kind in (3, 4):  # Hexo
        head = (
            f"---\ntitle: {title}\ndate: {day} 10:00:00\ntags:\n"
            + "".join(f"  - {t}\n" for t in tags)
            + f"categories:\n  - [{category}, 子类]\ntop: {number % 3}\n---\n\n"
        )
        return f"hexo-{number:05d}.md", head + text.split("\n", 2)[2]
    head = (  # the CMS camelCase shape of seed 000
        f'---\ntitle: "{title}"\nsummary: "{rng.choice(PHRASES)}。"\ncategory: "{category}"\n'
        f'tags: {tags!r}\nauthor:\n  name: "{author}"\n  bio: "{bio}"\n'
        f'publishDate: "{day}"\nisSticky: {str(number % 50 == 0).lower()}\n'
        f"isHot: false\nviews: {number * 7 % 5000}\n---\n\n".replace("'", '"')
    )
    return f"cms-{number:05d}.md", head + text


def write_corpus(folder: Path, count: int, seed: int = 7) -> int:
    """Write `count` articles into folder/content; return the total bytes."""
    rng = random.Random(seed)
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    total = 0
    for number in range(count):
        name, text = article(number, rng)
        data = text.encode("utf-8")
        (content / name).write_bytes(data)
        total += len(data)
    return total


YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def for_hugo(text: str) -> str:
    """The article as Hugo can read it, carrying the fields newsdesk reads from it.

    Hugo cannot parse the LLM-pipeline shape (an indented front matter block whose
    closing `---` is indented too, and a body wrapped in a ```markdown fence), and
    takes taxonomies from front matter keys alone: the CMS shape's `category` and
    `author: {name, bio}` and Hexo's nested category list would be lost. So every
    YAML article is rewritten with `categories`, `tags` and `authors` (the author's
    name), after the repairs newsdesk makes itself (front matter dedented, body fence
    unwrapped, an H1 repeating the title dropped). Hugo's own TOML passes unchanged.
    """
    if text.startswith("+++"):
        return text
    lines = text.split("\n")
    end = next(n for n in range(1, len(lines)) if lines[n].strip() == "---")
    meta: dict[str, Any] = yaml.load(textwrap.dedent("\n".join(lines[1:end])), YAML_LOADER)
    body = "\n".join(lines[end + 1 :]).strip()
    if body.startswith("```markdown"):
        body = body.removeprefix("```markdown").removesuffix("```").strip()
    title = str(meta["title"])
    body = body.removeprefix(f"# {title}\n").lstrip()
    front: dict[str, Any] = {"title": title, "date": meta.get("date", meta.get("publishDate"))}
    if meta.get("summary"):
        front["summary"] = meta["summary"]
    category = meta.get("categories", meta.get("category"))
    while isinstance(category, list):  # Hexo's [parent, child]: newsdesk keeps the parent
        category = category[0] if category else None
    if category:
        front["categories"] = [str(category)]
    if meta.get("tags"):
        front["tags"] = [str(tag) for tag in meta["tags"]]
    author = meta.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    if author:
        front["authors"] = [str(author)]
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n\n{body}\n"


def write_hugo_copy(content: Path, posts: Path) -> None:
    """Every article of the corpus, as Hugo can read it, into posts."""
    posts.mkdir(parents=True, exist_ok=True)
    for path in sorted(content.glob("*.md")):
        text = for_hugo(path.read_text(encoding="utf-8"))
        (posts / path.name).write_text(text, encoding="utf-8")
