"""What converting one article needs and what it finds: the article's place, its
front matter, the site's folders and variables, the repairs made and the warnings."""

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.document import Line
from newsdesk.content.options import CompatOptions

# Name of a tag's argument -> its value; positional arguments under "0", "1", …
Args = dict[str, str]
_ARG = re.compile(
    r"""([A-Za-z_][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))|"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)"""
)
_INDEX_STEMS = {"index", "_index", "readme"}
_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")
# A content folder's Markdown files by stem, with when they were listed.
_LISTINGS: dict[str, tuple[float, dict[str, str]]] = {}
_LISTING_SECONDS = 5.0


def parse_args(text: str) -> Args:
    """`a "b c" key="v" k=v` as {"0": "a", "1": "b c", "key": "v", "k": "v"}."""
    found: Args = {}
    position = 0
    for match in _ARG.finditer(text):
        if match.group(1):
            found[match.group(1)] = next(g for g in match.group(2, 3, 4) if g is not None)
        else:
            found[str(position)] = next(g for g in match.group(5, 6, 7) if g is not None)
            position += 1
    return found


def positional(args: Args) -> list[str]:
    return [args[key] for key in sorted((k for k in args if k.isdigit()), key=int)]


@dataclass
class Context:
    """One article's conversion. `file` is the article's absolute path."""

    file: str
    options: CompatOptions
    page: dict[str, Any]
    convert: Callable[[list[Line]], list[Line]]
    done: dict[str, int] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    include: dict[str, str] = field(default_factory=dict)
    depth: int = 0

    def did(self, code: str, line: Line) -> None:
        """Record that a conversion applied; its repair points at its first place."""
        self.done.setdefault(code, line.no)

    def warn(self, code: str, message: str, line: Line, col: int, fix: str) -> None:
        """A warning at a column (0-based) of the line as it is now."""
        self.warnings.append(Diagnostic(code, message, line.no, col + line.shift + 1, fix))

    @property
    def folder(self) -> str:
        return os.path.dirname(self.file)

    @property
    def site(self) -> dict[str, str]:
        return dict(self.options.site)

    def relative(self, target: str) -> str:
        """target's path relative to the article's folder, with forward slashes."""
        return PurePosixPath(*os.path.relpath(target, self.folder).split(os.sep)).as_posix()

    def article(self, name: str) -> str | None:
        """The relative path of the article a post_link, post_url or ref names (by its
        file name stem or a bundle's folder), with any `#anchor` kept."""
        name, _, anchor = name.partition("#")
        stem = PurePosixPath(name.strip().rstrip("/")).name
        for suffix in _MARKDOWN:
            stem = stem.removesuffix(suffix)
        if stem in _INDEX_STEMS:
            stem = PurePosixPath(name.strip()).parent.name
        root = self.options.content or self.folder
        found = markdown_by_stem(root).get(stem)
        if not found:
            return None
        return self.relative(found) + (f"#{anchor}" if anchor else "")


def markdown_by_stem(root: str) -> dict[str, str]:
    """Every Markdown file under root by its stem (a page bundle's `index.md` also by
    its folder's name); the first in sorted order wins a shared stem. Read only when
    an article links by name, then kept for a few seconds: a server that runs for
    days still finds the articles written since."""
    now = time.monotonic()
    kept = _LISTINGS.get(root)
    if kept is not None and now - kept[0] < _LISTING_SECONDS:
        return kept[1]
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            stem, suffix = os.path.splitext(name)
            if suffix.lower() not in _MARKDOWN:
                continue
            path = os.path.join(folder, name)
            found.setdefault(stem, path)
            if stem.lower() in _INDEX_STEMS:
                found.setdefault(os.path.basename(folder), path)
    _LISTINGS[root] = (now, found)
    return found
