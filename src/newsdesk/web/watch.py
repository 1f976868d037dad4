"""Watching the content folder: changed articles are indexed and published at once."""

import asyncio
import logging
import os
from collections.abc import AsyncGenerator, Callable
from pathlib import Path

from watchfiles import Change, DefaultFilter, awatch

from newsdesk.content.history import head_log
from newsdesk.content.loader import MARKDOWN_SUFFIXES
from newsdesk.errors import first_line
from newsdesk.publish.live import LiveSite

log = logging.getLogger("newsdesk")

# Editors save in bursts (temporary file, rename, touch): wait this long for quiet.
_DEBOUNCE_MS = 80
_STEP_MS = 20
_FIRST_RETRY_SECONDS = 0.25
_LAST_RETRY_SECONDS = 8.0


async def start_watching(live: LiveSite, changed: Callable[[], None]) -> asyncio.Task[None]:
    """The watching task, returned once the folder is watched: a change made after
    this returns is seen. Changes made since the site was indexed are caught up."""
    live.folder.mkdir(parents=True, exist_ok=True)
    history = head_log(live.folder)
    watched = [live.folder, *([history] if history else [])]
    changes = awatch(
        *watched,
        debounce=_DEBOUNCE_MS,
        step=_STEP_MS,
        recursive=True,
        watch_filter=_Filter(history),
    )
    first = asyncio.ensure_future(anext(changes))
    # awatch registers its watches in the first step of its first iteration, before it
    # waits for events; two turns of the loop run that step.
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    return asyncio.create_task(_follow(live, changed, first, changes))


class _Filter(DefaultFilter):
    """The default filter (which leaves out what is under `.git`), letting the
    repository's history log through."""

    def __init__(self, history: Path | None) -> None:
        super().__init__()
        self.history = str(history) if history else None

    def __call__(self, change: Change, path: str) -> bool:
        return path == self.history or super().__call__(change, path)


async def _follow(
    live: LiveSite,
    changed: Callable[[], None],
    first: "asyncio.Future[set[tuple[Change, str]]]",
    changes: AsyncGenerator[set[tuple[Change, str]], None],
) -> None:
    try:
        missed = await asyncio.to_thread(live.changed_since_index)
        if missed:
            await _update(live, changed, set(missed))
        await _apply(live, changed, await first)
        async for batch in changes:
            await _apply(live, changed, batch)
    finally:
        first.cancel()
        await changes.aclose()


async def _apply(
    live: LiveSite, changed: Callable[[], None], batch: set[tuple[Change, str]]
) -> None:
    paths = {Path(p) for _, p in batch if p.lower().endswith(MARKDOWN_SUFFIXES)}
    # A file beside the articles (an image of a page bundle) changes what their
    # pages point at: the site is settled again even when no article changed.
    beside = any(_shown(live.folder, p) for _, p in batch)
    if paths or beside:
        await _update(live, changed, paths)
    elif any(Path(p).name == "HEAD" for _, p in batch):  # the repository's history moved
        await _recheck_history(live, changed)


async def _recheck_history(live: LiveSite, changed: Callable[[], None]) -> None:
    try:
        moved = await asyncio.to_thread(live.recheck_history)
    except Exception as error:  # the database away: the next commit or edit tries again
        log.warning("reading the dates of the git history failed (%s)", first_line(error))
        return
    if moved:
        log.info("a commit moved the dates of articles dated by the git history")
        changed()


def _shown(folder: Path, changed: str) -> bool:
    """Whether a changed path is one the site may show: not hidden under the folder."""
    relative = os.path.relpath(changed, folder)
    return not any(part.startswith(".") for part in Path(relative).parts)


async def _update(live: LiveSite, changed: Callable[[], None], paths: set[Path]) -> None:
    # A change is never dropped: while the database is away (or another server holds
    # it), this tries again, waiting longer each time; the watcher keeps collecting
    # the changes made meanwhile.
    wait = _FIRST_RETRY_SECONDS
    while True:
        try:
            report = await asyncio.to_thread(live.update, paths)
            break
        except Exception as error:
            log.warning(
                "indexing %d changed files failed (%s); trying again in %g s",
                len(paths),
                first_line(error),
                wait,
            )
            await asyncio.sleep(wait)
            wait = min(wait * 2, _LAST_RETRY_SECONDS)
    for key in report.kept:
        log.warning("%s no longer parses: its last good version stays online", key)
    log.info("content changed: %d compiled, %d removed", report.compiled, report.removed)
    changed()
