"""`newsdesk init` and `newsdesk new`: a new site, a new article."""

from datetime import datetime
from pathlib import Path

from newsdesk.content.repair import yaml_quote
from newsdesk.errors import InputError
from newsdesk.site.config import CONFIG_NAME
from newsdesk.site.inputs import Inputs
from newsdesk.site.migration import Migration
from newsdesk.text.slug import slugify

_CONFIG = """\
[site]
title = "我的科技博客"
description = "中文科技新闻与技术文章"
base_url = "http://127.0.0.1:8000"
language = "zh-CN"
timezone = "Asia/Shanghai"

[content]
dir = "content"
permalink = "/posts/:slug/"
"""

_WELCOME = """\
---
title: "欢迎使用 newsdesk"
date: {date}
category: 公告
tags: [newsdesk, 入门]
---

这是你的第一篇文章。用 Markdown 写作，把文件放进 content 文件夹，newsdesk 会负责其余的一切。

## 下一步

- 运行 `newsdesk check` 检查文章
- 运行 `newsdesk new "文章标题"` 新建文章
"""


def create_site(directory: Path) -> None:
    _refuse_existing(directory)
    (directory / "content").mkdir(parents=True, exist_ok=True)
    (directory / CONFIG_NAME).write_text(_CONFIG, encoding="utf-8")
    welcome = directory / "content" / "welcome.md"
    if not welcome.exists():
        today = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        welcome.write_text(_WELCOME.format(date=today), encoding="utf-8")


def write_migrated_config(directory: Path, found: Migration) -> None:
    """The configuration that publishes an existing blog in place."""
    _refuse_existing(directory)
    (directory / CONFIG_NAME).write_text(found.config_text(), encoding="utf-8")


def _refuse_existing(directory: Path) -> None:
    if (directory / CONFIG_NAME).exists():
        raise InputError(f"{directory / CONFIG_NAME} already exists")


def create_article(
    inputs: Inputs, title: str, category: str, tags: list[str], now: datetime
) -> Path:
    if inputs.root is None:
        raise InputError(f"no {CONFIG_NAME} found")
    folder = inputs.root / inputs.config.content.dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slugify(title) or 'article'}.md"
    if path.exists():
        raise InputError(f"{path} already exists")
    quoted_tags = ", ".join(yaml_quote(tag) for tag in tags)
    path.write_text(
        f"---\ntitle: {yaml_quote(title)}\ndate: {now:%Y-%m-%d %H:%M:%S}\n"
        f"category: {yaml_quote(category)}\ntags: [{quoted_tags}]\ndraft: true\n---\n\n",
        encoding="utf-8",
    )
    return path
