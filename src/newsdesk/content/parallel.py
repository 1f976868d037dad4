"""Work over many files, spread over all cores when there are enough of them."""

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Progress = Callable[[int], None]

# Below this many items a process pool costs more to start than it saves.
PARALLEL_THRESHOLD = 300


def map_files(
    function: Callable[..., Result],
    items: Sequence[Item],
    extra: tuple[Any, ...],
    progress: Progress | None = None,
) -> list[Result]:
    """`[function(item, *extra) for item in items]`, in worker processes when it pays.

    `function` and `extra` must be picklable; results come back in order.
    """
    workers = os.cpu_count() or 1
    if len(items) < PARALLEL_THRESHOLD or workers == 1:
        results = []
        for item in items:
            results.append(function(item, *extra))
            if progress:
                progress(1)
        return results
    chunk = max(16, len(items) // (workers * 8))
    jobs = [(function, items[i : i + chunk], extra) for i in range(0, len(items), chunk)]
    results = []
    with ProcessPoolExecutor(workers) as pool:
        for batch in pool.map(_run_batch, jobs):
            results.extend(batch)
            if progress:
                progress(len(batch))
    return results


def _run_batch(job: tuple[Callable[..., Result], Sequence[Item], tuple[Any, ...]]) -> list[Result]:
    function, items, extra = job
    return [function(item, *extra) for item in items]
