"""Whole-process measurements: wall time, CPU time, peak memory of a process tree.

Memory is the proportional set size (PSS) summed over the tree: forked workers
share their parent's pages copy-on-write, and summing their RSS would count those
pages once per process. For a single process PSS and RSS are nearly equal."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    errors: str = ""  # the last lines the command wrote to stderr


ERROR_LINES = 20


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    """The direct children of a process; none once it is gone."""
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


def pss_by_pid(root: int) -> dict[int, int]:
    """Proportional memory of a process and of each of its descendants, in KiB, from
    one walk of /proc. A process that exits meanwhile is left out."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: dict[int, int] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    found[pid] = found.get(pid, 0) + int(line.split()[1])
        except OSError:
            continue
    return found


def _tree_pss_kb(root: int) -> int:
    """Proportional memory of a process and all its descendants, in KiB."""
    return sum(pss_by_pid(root).values())


def run(command: list[str], cwd: Path | None = None) -> Run:
    """Run a command to completion. The clock stops when it exits; a thread samples
    its tree's memory every 100 ms meanwhile (more often slows the measured command:
    each sample walks /proc)."""
    before = os.times()
    peak = 0
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.1):
                peak = max(peak, _tree_pss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        process.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        errors.seek(0)
        # Kept for the failure message: a failed run is otherwise silent.
        last = errors.read().decode(errors="replace").splitlines()[-ERROR_LINES:]
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return Run(wall, cpu, peak / 1024, process.returncode, "\n".join(last))


class BenchFailed(Exception):
    """A measured command failed: the bench stops and keeps its folder to look at."""


def in_scratch_folder(prefix: str, keep: bool, what: str, work: Callable[[Path], None]) -> None:
    """work(folder) in a new temporary folder, removed afterwards unless `keep` or
    the work failed (then its message is printed and the exit status is 1)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        work(root)
    except BenchFailed as error:
        keep = True
        print(error, file=sys.stderr)
        sys.exit(1)
    finally:
        if keep:
            print(f"{what} kept in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
