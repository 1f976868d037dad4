"""The prompt `newsdesk draft` sends for a note: a template in the site (or the one
shipped for the site's language) with `$placeholders`, checked when it is loaded."""

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from newsdesk.errors import InputError

PLACEHOLDERS = (
    "note",
    "note_name",
    "note_date",
    "fields",
    "categories",
    "site_title",
    "today",
)
_FIELDS = {
    "zh-CN": (
        "   - title：标题，不超过 30 个字\n"
        "   - date：$note_date\n"
        "   - summary：一两句话的摘要\n"
        "   - category：一个分类\n"
        "   - tags：三到五个标签，写成 YAML 列表\n"
        "   - author：作者（笔记中写明时才写）"
    ),
    "en": (
        "   - title: the headline, at most 12 words\n"
        "   - date: $note_date\n"
        "   - summary: one or two sentences\n"
        "   - category: one category\n"
        "   - tags: three to five tags, as a YAML list\n"
        "   - author: the author (only when the note names one)"
    ),
}
_NO_CATEGORIES = {"zh-CN": "（本站还没有分类）", "en": "(the site has none yet)"}


@dataclass(frozen=True)
class Prompt:
    template: Template
    language: str

    def render(
        self,
        note: str,
        note_name: str,
        note_date: str,
        categories: list[str],
        site_title: str,
        today: str,
    ) -> str:
        joiner = "、" if self.language == "zh-CN" else ", "
        fields = Template(_FIELDS[self.language]).substitute(note_date=note_date)
        return self.template.substitute(
            note=note.strip(),
            note_name=note_name,
            note_date=note_date,
            fields=fields,
            categories=joiner.join(categories) or _NO_CATEGORIES[self.language],
            site_title=site_title,
            today=today,
        )


def load_prompt(path: Path | None, language: str) -> Prompt:
    """The template at `path`, or the one shipped for the language; InputError naming
    the file, line and column of a placeholder it cannot fill."""
    if path is None:
        shipped = resources.files("newsdesk.publish") / "prompts" / f"draft.{language}.md"
        return Prompt(Template(shipped.read_text(encoding="utf-8")), language)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the prompt template: {error}") from error
    template = Template(text)
    placed: set[str] = set()
    for match in template.pattern.finditer(text):
        name = match.group("named") or match.group("braced")
        placed.add(name or "")
        if match.group("escaped") is not None or name in PLACEHOLDERS:
            continue
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        known = ", ".join(f"${known}" for known in PLACEHOLDERS)
        what = f"unknown placeholder ${name}" if name else "a $ that starts no placeholder"
        raise InputError(f"{path}:{line}:{col}: {what}; use {known}, or $$ for a dollar sign")
    if "note" not in placed:
        raise InputError(f"{path}:1:1: the template never places the note; add $note")
    return Prompt(template, language)
