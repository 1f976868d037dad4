"""Every string a reader sees, in zh-CN (the default) and English."""

from dataclasses import dataclass
from datetime import datetime

MESSAGES: dict[str, dict[str, str]] = {
    "zh-CN": {
        "home": "首页",
        "sticky": "置顶",
        "hot": "热门",
        "latest": "最新文章",
        "categories": "分类",
        "tags": "标签",
        "authors": "作者",
        "archives": "归档",
        "search": "搜索",
        "search_placeholder": "搜索文章、标签……",
        "search_button": "搜索",
        "search_hint": "输入关键词，在标题、标签、摘要和正文中查找。",
        "search_no_script": "站内搜索需要启用 JavaScript。",
        "search_results": "共找到 {count} 篇文章",
        "search_none": "没有找到相关文章。",
        "search_estimate": "至多 {count} 篇文章，正在逐页核对",
        "search_more": "加载更多",
        "search_failed": "搜索索引加载失败，请稍后重试。",
        "uncategorized": "未分类",
        "read_minutes": "{minutes} 分钟阅读",
        "views": "{views} 次阅读",
        "published": "发布于",
        "updated": "更新于",
        "toc": "目录",
        "previous": "上一篇",
        "next": "下一篇",
        "related": "相关文章",
        "newer": "较新的文章",
        "older": "较早的文章",
        "page_of": "第 {page} 页，共 {pages} 页",
        "category_title": "分类：{name}",
        "tag_title": "标签：{name}",
        "author_title": "作者：{name}",
        "month_title": "{year} 年 {month} 月",
        "article_count": "{count} 篇文章",
        "not_found": "页面不存在",
        "error_title": "出错了",
        "database_unavailable": "数据库暂时不可用，请稍后再试。",
        "too_many_requests": "请求过于频繁，请 {seconds} 秒后再试。",
        "server_busy": "服务器繁忙，请稍后再试。",
        "search_busy": "搜索的人太多了，请稍后再试。",
        "not_found_text": "你要找的页面不存在或已被移除。",
        "back_home": "返回首页",
        "feed": "订阅",
        "copy": "复制",
        "copied": "已复制",
        "skip": "跳到正文",
        "menu": "导航",
        "no_articles": "还没有文章。",
        "no_terms": "暂无。",
        "powered": "由 newsdesk 生成",
        "moved": "本页已迁移，前往新地址",
    },
    "en": {
        "home": "Home",
        "sticky": "Pinned",
        "hot": "Trending",
        "latest": "Latest",
        "categories": "Categories",
        "tags": "Tags",
        "authors": "Authors",
        "archives": "Archives",
        "search": "Search",
        "search_placeholder": "Search articles and tags…",
        "search_button": "Search",
        "search_hint": "Type a word to search titles, tags, summaries and bodies.",
        "search_no_script": "Site search needs JavaScript.",
        "search_results": "{count} articles found",
        "search_none": "No matching articles.",
        "search_estimate": "Up to {count} articles, checked page by page",
        "search_more": "More results",
        "search_failed": "The search index could not be loaded; please try again later.",
        "moved": "This page has moved: go to its new address",
        "uncategorized": "Uncategorized",
        "read_minutes": "{minutes} min read",
        "views": "{views} views",
        "published": "Published",
        "updated": "Updated",
        "toc": "Contents",
        "previous": "Previous",
        "next": "Next",
        "related": "Related",
        "newer": "Newer",
        "older": "Older",
        "page_of": "Page {page} of {pages}",
        "category_title": "Category: {name}",
        "tag_title": "Tag: {name}",
        "author_title": "Author: {name}",
        "month_title": "{month:02d}/{year}",
        "article_count": "{count} articles",
        "not_found": "Page not found",
        "error_title": "Something went wrong",
        "database_unavailable": "The database is briefly unavailable; please try again shortly.",
        "too_many_requests": "Too many requests; please try again in {seconds} seconds.",
        "server_busy": "The server is busy; please try again shortly.",
        "search_busy": "Search is busy right now; please try again in a moment.",
        "not_found_text": "The page you are looking for does not exist or was removed.",
        "back_home": "Back to the home page",
        "feed": "Feed",
        "copy": "Copy",
        "copied": "Copied",
        "skip": "Skip to content",
        "menu": "Navigation",
        "no_articles": "No articles yet.",
        "no_terms": "None yet.",
        "powered": "Built with newsdesk",
    },
}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Locale:
    language: str

    def text(self, key: str, **values: object) -> str:
        """The message; without values, its template (`{count}` left for scripts)."""
        message = MESSAGES[self.language][key]
        return message.format(**values) if values else message

    def date(self, moment: datetime) -> str:
        if self.language == "zh-CN":
            return f"{moment.year}年{moment.month}月{moment.day}日"
        return f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"

    def number(self, value: int) -> str:
        if self.language == "zh-CN" and value >= 10000:
            return f"{value / 10000:.1f}".rstrip("0").rstrip(".") + "万"
        return f"{value:,}"
