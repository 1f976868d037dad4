"""Benchmark: `newsdesk check` over N generated articles, beside Hugo reading the
same articles' front matter (`hugo list all`, on a copy rewritten as Hugo can parse
it) in the same run.

    python bench/ingest.py [--count 10000] [--runs 3]

Prints articles/second, wall and CPU time, and peak memory (whole process tree).
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus, write_hugo_copy
from measure import Run, run

HUGO_CONFIG = (
    'baseURL = "http://127.0.0.1/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term"]\n'
)


def median_run(runs: list[Run]) -> Run:
    """Median times, the highest peak, and the first failing run's exit status and
    error output (else the last run's, which holds its summary)."""
    failed = next((r for r in runs if r.returncode), None)
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.peak_mb for r in runs),
        failed.returncode if failed else 0,
        failed.errors if failed else runs[-1].errors,
    )


def report(name: str, count: int, result: Run) -> None:
    print(
        f"{name:<22} {result.wall:7.2f} s wall {result.cpu:7.2f} s CPU "
        f"{count / result.wall:9,.0f} articles/s {result.peak_mb:7.0f} MB peak"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    try:
        size = write_corpus(folder, args.count)
        (folder / "newsdesk.toml").write_text('[site]\ntitle = "bench"\n', encoding="utf-8")
        print(f"{args.count:,} articles, {size / args.count / 1024:.1f} KB each on average")
        newsdesk = [sys.executable, "-m", "newsdesk", "check", str(folder), "--format", "json"]
        ours = median_run([run(newsdesk) for _ in range(args.runs)])
        if ours.returncode != 0:  # the corpus checks clean: any error is a failure
            sys.exit(f"newsdesk check failed with exit status {ours.returncode}:\n{ours.errors}")
        report("newsdesk check", args.count, ours)
        hugo = shutil.which("hugo")
        if hugo is None:
            print("hugo is not installed (apt-get install hugo): no peer figures")
            return
        # Hugo stops at the LLM-pipeline shape: it reads the same articles rewritten
        # as it can parse them (see corpus.for_hugo).
        hugo_site = folder / "hugo"
        write_hugo_copy(folder / "content", hugo_site / "content" / "posts")
        (hugo_site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        peer = median_run([run([hugo, "list", "all"], cwd=hugo_site) for _ in range(args.runs)])
        if peer.returncode != 0:
            sys.exit(f"hugo list all failed with exit status {peer.returncode}:\n{peer.errors}")
        report("hugo list all", args.count, peer)
        print(
            f"ratio newsdesk/hugo: wall {ours.wall / peer.wall:.2f}, "
            f"CPU {ours.cpu / peer.cpu:.2f}, memory {ours.peak_mb / peer.peak_mb:.2f}"
        )
        target = "met" if ours.wall < 5 and args.count >= 10_000 else "not met"
        print(f"target (10,000 articles in under 5 s): {target}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
