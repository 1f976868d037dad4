"""`newsdesk fix`: the repairs as a unified diff, and writing them atomically."""

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from newsdesk.content.article import Outcome

# A new file is readable by all and writable by its owner, as an editor's would be
# (mkstemp's own is private).
NEW_FILE_MODE = 0o644


@dataclass(frozen=True, slots=True)
class Patch:
    path: str
    before: str
    after: str
    data: bytes
    repairs: tuple[str, ...]

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                _diff_lines(self.before),
                _diff_lines(self.after),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def _diff_lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def patches(outcomes: list[Outcome]) -> list[Patch]:
    """A patch for every file whose repairs change its text."""
    found: list[Patch] = []
    for outcome in outcomes:
        source, after = outcome.source, outcome.repaired_text
        if source is None or after is None or after == source.text:
            continue
        found.append(
            Patch(outcome.path, source.text, after, source.encode(after), tuple(outcome.repairs))
        )
    return found


def write_atomic(path: Path, data: bytes) -> None:
    """Replace (or create) a file's bytes so that readers see the old file or the new,
    never half."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
