"""Dates from version control: an article with no date of its own takes its git
history's, the first commit as published and the last as updated."""

import os
import subprocess
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from newsdesk.text.digest import digest

# A repository too large to read in this time gives no dates rather than a stalled
# build.
GIT_TIMEOUT_SECONDS = 10.0
_COMMIT = "\x00"  # what `%x00` in the format writes before each commit's date


def commit_dates(paths: Sequence[str], zone: tzinfo) -> dict[str, tuple[datetime, datetime]]:
    """(first, last) commit dates of each path that git has a history of, by the path
    as given: one `git log` for the folder holding them all; nothing when git is
    missing, the folder is not in a repository or git takes too long."""
    if not paths:
        return {}
    wanted = {os.path.abspath(path): path for path in paths}
    folder = os.path.commonpath([os.path.dirname(path) for path in wanted])
    command = ["git", "-c", "core.quotePath=false", "log", "--no-renames", "--relative"]
    command += ["--format=%x00%at", "--name-only", "--", "."]
    try:
        run = subprocess.run(
            command, cwd=folder, capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if run.returncode != 0:
        return {}
    dates: dict[str, tuple[datetime, datetime]] = {}
    moment: datetime | None = None
    # Newest commit first: a path's first sighting is its last commit.
    for line in run.stdout.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith(_COMMIT):
            moment = datetime.fromtimestamp(int(line[1:]), zone)
        elif line and moment is not None:
            path = wanted.get(os.path.join(folder, line))
            if path is not None:
                last = dates[path][1] if path in dates else moment
                dates[path] = (moment, last)
    return dates


def history_key(dates: dict[str, tuple[datetime, datetime]]) -> str:
    """A fingerprint of commit dates: a commit touching one of their paths changes it."""
    return digest(sorted(dates.items()))


def head_log(folder: Path) -> Path | None:
    """The file git appends to at every commit, checkout or pull of the repository
    holding `folder` (its `logs/HEAD`), when there is one: watching it shows that
    the history moved."""
    for place in (folder.resolve(), *folder.resolve().parents):
        marker = place / ".git"
        if marker.is_dir():
            log = marker / "logs" / "HEAD"
        elif marker.is_file():  # a worktree's or submodule's pointer: `gitdir: <path>`
            text = marker.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            log = (place / text.removeprefix("gitdir:").strip()) / "logs" / "HEAD"
        else:
            continue
        return log if log.is_file() else None
    return None
