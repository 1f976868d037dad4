"""Work over many files, spread over all cores when there are enough of them."""

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
# Told how many more items are done.
Progress = Callable[[int], None]
# Makes the Progress of one piece of work: how many items it has, and its label.
ProgressFactory = Callable[[int, str], Progress]

# Below this many items a process pool costs more to start than it saves.
PARALLEL_THRESHOLD = 300
# Work on slices of a range: (start, end, progress) -> how many items were done.
SliceWork = Callable[[int, int, Progress | None], int]
# Results handed over at a time when working in this process.
SERIAL_BATCH = 64


def map_files(
    function: Callable[..., Result],
    items: Sequence[Item],
    extra: tuple[Any, ...],
    progress: Progress | None = None,
) -> list[Result]:
    """`[function(item, *extra) for item in items]`, in worker processes when it pays.

    `function` and `extra` must be picklable; results come back in order.
    """
    return [result for batch in map_batches(function, items, extra, progress) for result in batch]


def map_batches(
    function: Callable[..., Result],
    items: Sequence[Item],
    extra: tuple[Any, ...],
    progress: Progress | None = None,
) -> Iterator[list[Result]]:
    """The results of `map_files` in consecutive batches, each as soon as it is done,
    so that a caller can keep them before the rest is finished."""
    workers = os.cpu_count() or 1
    if len(items) < PARALLEL_THRESHOLD or workers == 1:
        for start in range(0, len(items), SERIAL_BATCH):
            batch = []
            for item in items[start : start + SERIAL_BATCH]:
                batch.append(function(item, *extra))
                if progress:
                    progress(1)
            yield batch
        return
    chunk = max(16, len(items) // (workers * 8))
    jobs = [(function, items[i : i + chunk], extra) for i in range(0, len(items), chunk)]
    with ProcessPoolExecutor(workers) as pool:
        for batch in pool.map(_run_batch, jobs):
            if progress:
                progress(len(batch))
            yield batch


def _run_batch(job: tuple[Callable[..., Result], Sequence[Item], tuple[Any, ...]]) -> list[Result]:
    function, items, extra = job
    return [function(item, *extra) for item in items]


# The work the forked workers of map_forked run: set before the pool starts, inherited
# through fork (it is never pickled).
_forked: SliceWork | None = None


def map_forked(
    work: SliceWork, count: int, threshold: int, progress: Progress | None = None
) -> None:
    """`work` over slices of `range(count)` in forked workers, which inherit whatever
    `work` holds (state costly to pickle, such as a theme and its templates); in this
    process when there are fewer than `threshold` items or fork is unavailable."""
    global _forked
    workers = os.cpu_count() or 1
    if count < threshold or workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        work(0, count, progress)
        return
    _forked = work
    try:
        step = max(20, count // (workers * 16))
        spans = [(start, min(start + step, count)) for start in range(0, count, step)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for done in pool.imap_unordered(_run_forked, spans):
                if progress:
                    progress(done)
    finally:
        _forked = None


def _run_forked(span: tuple[int, int]) -> int:
    assert _forked is not None, "set before the pool forks"
    return _forked(span[0], span[1], None)
