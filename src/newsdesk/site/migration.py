"""An existing blog's generator, recognised from its files, and the `newsdesk.toml`
that publishes the blog where it is: its content folder, its title and language, and
the permalink that keeps its articles' URLs where the old one can be written."""

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from newsdesk.content.options import ContentOptions

_DEFAULT_PERMALINK = ContentOptions().permalink
# Old permalink placeholders that newsdesk can write, by what they become.
_PLACEHOLDERS = {
    "year": ":year",
    "month": ":month",
    "i_month": ":month",
    "day": ":day",
    "i_day": ":day",
    "title": ":slug",
    "name": ":slug",
    "post_title": ":slug",
    "slug": ":slug",
    "filename": ":slug",
    "contentbasename": ":slug",
    "category": ":category",
    "categories": ":category",
}
# Jekyll's named permalink styles.
_JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_PLACEHOLDER = re.compile(r":([a-z_]+)")
# A Hugo section holding this share of the articles gives its name to every URL.
_MAIN_SECTION_SHARE = 0.8
_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "config.toml", "config.yaml", "config.yml")


@dataclass
class Migration:
    """What was recognised, the settings that follow, and why (one line each)."""

    generator: str
    content_dir: str
    title: str = ""
    description: str = ""
    language: str = "zh-CN"
    timezone: str = ""
    permalink: str = _DEFAULT_PERMALINK
    notes: list[str] = field(default_factory=list)

    def config_text(self) -> str:
        lines = ["# Written by `newsdesk init` for this " + self.generator + " blog.", "[site]"]
        if self.title:
            lines.append(f"title = {_toml_string(self.title)}")
        if self.description:
            lines.append(f"description = {_toml_string(self.description)}")
        lines.append(f'language = "{self.language}"')
        if self.timezone:
            lines.append(f'timezone = "{self.timezone}"')
        lines += ["", "[content]", f"dir = {_toml_string(self.content_dir)}"]
        lines.append(f"permalink = {_toml_string(self.permalink)}")
        return "\n".join(lines) + "\n"


def recognise(folder: Path) -> Migration | None:
    """The blog in `folder` as its generator laid it out, or None when none is known."""
    for detect in _DETECTORS:
        found = detect(folder)
        if found is not None:
            return found
    return None


def _hexo(folder: Path) -> Migration | None:
    if not (folder / "source" / "_posts").is_dir() or not (folder / "_config.yml").is_file():
        return None
    config = _yaml(folder / "_config.yml")
    found = _with_site_fields(Migration("Hexo", "source/_posts"), config)
    _set_permalink(found, str(config.get("permalink") or ":year/:month/:day/:title/"))
    return found


def _jekyll(folder: Path) -> Migration | None:
    if not (folder / "_posts").is_dir():
        return None
    config = _yaml(folder / "_config.yml")
    found = _with_site_fields(Migration("Jekyll", "_posts"), config)
    style = str(config.get("permalink") or "date")
    _set_permalink(found, _JEKYLL_STYLES.get(style, style))
    return found


def _hugo(folder: Path) -> Migration | None:
    configs = [folder / name for name in _HUGO_CONFIGS if (folder / name).is_file()]
    if not configs or not (folder / "content").is_dir():
        return None
    config = _toml(configs[0]) if configs[0].suffix == ".toml" else _yaml(configs[0])
    found = _with_site_fields(Migration("Hugo", "content"), config)
    permalinks = config.get("permalinks")
    sections = _sections(folder / "content")
    main = max(sections, key=lambda name: sections[name], default="")
    if isinstance(permalinks, dict) and permalinks:
        section = next((s for s in (main, "posts", "post", "blog") if s in permalinks), "")
        pattern = str(permalinks.get(section) or next(iter(permalinks.values())))
        _set_permalink(found, pattern.replace(":sections", main).replace(":section", main))
    elif main and sections[main] >= _MAIN_SECTION_SHARE * sum(sections.values()):
        # Hugo's default URL is the section's folder, then the file's (or bundle's) name.
        _set_permalink(found, f"/{main}/:slug/")
        if len(sections) > 1:
            found.notes.append(f"articles outside content/{main}/ are under /{main}/ too")
    else:
        found.notes.append(
            f"articles sit in several sections ({', '.join(sorted(sections)) or 'none'}): "
            f"kept newsdesk's permalink {_DEFAULT_PERMALINK}"
        )
    return found


def _sections(content: Path) -> dict[str, int]:
    """Markdown files in each top-level folder of a Hugo content folder."""
    return {
        section.name: sum(1 for _ in section.rglob("*.md"))
        for section in content.iterdir()
        if section.is_dir() and not section.name.startswith(".")
    }


def _vitepress(folder: Path) -> Migration | None:
    for content in ("docs", "."):
        if (folder / content / ".vitepress").is_dir():
            found = Migration("VitePress", content)
            found.notes.append(
                "VitePress publishes each file at its own path, which no permalink "
                f"pattern can write: kept newsdesk's permalink {_DEFAULT_PERMALINK}"
            )
            return found
    return None


_DETECTORS: tuple[Callable[[Path], Migration | None], ...] = (_hexo, _jekyll, _hugo, _vitepress)


def _with_site_fields(found: Migration, config: dict[str, Any]) -> Migration:
    found.title = _text(config.get("title"))
    found.description = _text(config.get("description") or config.get("subtitle"))
    language = _text(
        config.get("language") or config.get("lang") or config.get("languageCode")
        or config.get("defaultContentLanguage")
    ).lower()  # fmt: skip
    found.language = "en" if language.startswith("en") else "zh-CN"
    zone = _text(config.get("timezone") or config.get("timeZone"))
    if zone:
        try:
            ZoneInfo(zone)
            found.timezone = zone
        except (ZoneInfoNotFoundError, ValueError):
            found.notes.append(f"timezone {zone!r} is not a known zone: kept Asia/Shanghai")
    return found


def _set_permalink(found: Migration, old: str) -> None:
    """The old pattern in newsdesk's words when every part of it can be written."""
    pattern = old.replace(":output_ext", "")
    unknown = sorted({m for m in _PLACEHOLDER.findall(pattern) if m not in _PLACEHOLDERS})
    if unknown:
        names = ", ".join(f":{name}" for name in unknown)
        found.notes.append(
            f"the old permalink {old!r} uses {names}, which newsdesk cannot write: "
            f"kept {_DEFAULT_PERMALINK}; give old URLs in `aliases` to keep them"
        )
        return
    written = _PLACEHOLDER.sub(lambda m: _PLACEHOLDERS[m.group(1)], pattern)
    written = "/" + written.strip("/") + "/"
    if written.endswith(".html/"):
        written = written[: -len(".html/")] + "/"
    if ":slug" not in written:
        found.notes.append(f"the old permalink {old!r} has no title part: kept the default")
        return
    found.permalink = written
    if written != old:
        found.notes.append(f"old permalink {old!r} is written {written!r}")
    if ":output_ext" in old or old.rstrip("/").endswith(".html"):
        found.notes.append("pages end in a folder (/) where the old ones ended in .html")
    if ":categories" in old:
        found.notes.append("an article without a category is under /uncategorized/")


def _toml_string(text: str) -> str:
    """text as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
