"""A file's lines as repairs edit them, each remembering where it was on disk."""

from dataclasses import dataclass


@dataclass(slots=True)
class Line:
    """A line of text; `no` is its 1-based line on disk and `shift` the number of
    leading characters repairs removed, so columns map back to the file."""

    no: int
    text: str
    shift: int = 0

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    return [Line(number, line) for number, line in enumerate(text.split("\n"), start=1)]


def join_lines(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)


def indent_of(text: str) -> int:
    """Width of leading whitespace, counted in characters (a tab is one)."""
    return len(text) - len(text.lstrip(" \t"))


def first_content(lines: list[Line], start: int = 0) -> int:
    """Index of the first non-blank line at or after start; len(lines) if none."""
    for index in range(start, len(lines)):
        if not lines[index].blank:
            return index
    return len(lines)


def last_content(lines: list[Line]) -> int:
    """Index of the last non-blank line; -1 if none."""
    for index in range(len(lines) - 1, -1, -1):
        if not lines[index].blank:
            return index
    return -1


def dedent(lines: list[Line], start: int, end: int, width: int) -> None:
    """Remove up to `width` leading whitespace characters from lines[start:end]."""
    for line in lines[start:end]:
        cut = min(width, indent_of(line.text))
        if cut:
            line.text = line.text[cut:]
            line.shift += cut
