"""Articles in an old generator's syntax, read, rendered and fixed for real: a
content folder in a temporary directory, the loader, the compiler, `fix`."""

from dataclasses import dataclass
from pathlib import Path

from newsdesk.content.article import Outcome
from newsdesk.content.fix import patches, write_atomic
from newsdesk.content.loader import load_all
from newsdesk.content.options import CompatOptions, ContentOptions
from newsdesk.publish.compile import compile_file
from newsdesk.render.options import RenderOptions

FRONT = "---\ntitle: 迁移测试\ndate: 2024-05-06\nauthor: 李雷\n---\n"


@dataclass
class Converted:
    path: Path
    options: ContentOptions
    outcome: Outcome

    @property
    def body(self) -> str:
        """The Markdown the renderer is given."""
        assert self.outcome.body is not None
        return self.outcome.body

    @property
    def warnings(self) -> list[tuple[str, int, int]]:
        return [
            (d.code, d.line, d.col) for d in self.outcome.diagnostics if d.severity == "warning"
        ]

    def html(self) -> str:
        compiled = compile_file(self.path, self.options, RenderOptions(raw_html=True))
        assert compiled.entry is not None
        return compiled.entry.html

    def fix_twice(self) -> str:
        """Write the repairs as `newsdesk fix --write` does; a second run must find
        nothing. The file's new text."""
        (patch,) = patches(load_all([self.path], self.options))
        write_atomic(self.path, patch.data)
        assert patches(load_all([self.path], self.options)) == []
        return self.path.read_text(encoding="utf-8")


def convert(
    root: Path,
    name: str,
    body: str,
    site: dict[str, str] | None = None,
    includes: Path | None = None,
) -> Converted:
    """Write an article (front matter FRONT) under root/content and read it."""
    path = root / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FRONT + body, encoding="utf-8")
    compat = CompatOptions(
        content=str(root / "content"),
        includes=str(includes) if includes else "",
        site=tuple(sorted({"url": "", "baseurl": "", **(site or {})}.items())),
    )
    options = ContentOptions(compat=compat)
    (outcome,) = load_all([path], options)
    return Converted(path, options, outcome)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the file (front matter included) holding needle."""
    lines = (FRONT + text).split("\n")
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def col_of(text: str, needle: str) -> int:
    """The 1-based column (in characters) of needle on its line."""
    line = next(line for line in text.split("\n") if needle in line)
    return line.index(needle) + 1
