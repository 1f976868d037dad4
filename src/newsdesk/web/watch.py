"""Watching the content folder: changed articles are indexed and published at once."""

import asyncio
import logging
import os
from collections.abc import AsyncGenerator, Callable
from pathlib import Path

from watchfiles import Change, awatch

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
    changes = awatch(live.folder, debounce=_DEBOUNCE_MS, step=_STEP_MS, recursive=True)
    first = asyncio.ensure_future(anext(changes))
    # awatch registers its watches in the first step of its first iteration, before it
    # waits for events; two turns of the loop run that step.
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    return asyncio.create_task(_follow(live, changed, first, changes))


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
