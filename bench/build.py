"""Benchmark: a cold `newsdesk build` of N generated articles beside a full Hugo build of
the same articles (the site in bench/hugo/), then newsdesk's rebuild after one article
is edited (a paragraph added, the usual edit; then its title and the heading repeating
it, which every list showing it shows; then one of its tags swapped for another the site
has) and after no change, all in the same run.

    python bench/build.py [--count 10000] [--runs 1] [--only newsdesk|hugo] [--keep]

Prints wall and CPU time, peak memory (whole process tree), the HTML pages and all
files each tool wrote, pages/second, and PASS/FAIL against the targets: a cold build
no slower than Hugo's, each one-article rebuild (of any field) under 2% of Hugo's full
build, and peak memory under 1 GB. Hugo's page count includes the `page/1/` redirects it writes for
every paginated list.
"""

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import TAGS, write_corpus, write_hugo_copy
from ingest import median_run
from measure import BenchFailed, Run, in_scratch_folder, run

HUGO_SKELETON = Path(__file__).resolve().parent / "hugo"
NEWSDESK_CONFIG = '[site]\ntitle = "基准"\nbase_url = "http://127.0.0.1:8000"\n'
INCREMENTAL_SHARE = 0.02  # a one-article rebuild takes under 2% of Hugo's full build
PEAK_LIMIT_MB = 1024


@dataclass(frozen=True)
class Output:
    html: int
    files: int
    changed: int  # files the build wrote: new, or rewritten


@dataclass(frozen=True)
class Row:
    name: str
    result: Run
    output: Output


def make_sites(root: Path, count: int) -> tuple[Path, Path, int]:
    """A newsdesk site and a Hugo site holding the same N articles; the corpus's bytes."""
    site = root / "newsdesk"
    size = write_corpus(site, count)
    (site / "newsdesk.toml").write_text(NEWSDESK_CONFIG, encoding="utf-8")
    hugo_site = root / "hugo"
    shutil.copytree(HUGO_SKELETON, hugo_site)
    posts = hugo_site / "content" / "posts"
    posts.mkdir(parents=True)
    write_hugo_copy(site / "content", posts)
    return site, hugo_site, size


def file_times(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def count_output(folder: Path, before: dict[Path, int]) -> Output:
    """The files in `folder`; `changed`: those new or rewritten since `before`."""
    after = file_times(folder)
    html = sum(path.suffix == ".html" for path in after)
    changed = sum(before.get(path) != time for path, time in after.items())
    return Output(html, len(after), changed)


def measured(
    name: str, command: list[str], runs: int, before: Callable[[], None], out: Path
) -> Row:
    """The median of `runs` runs of `command`, each after before(); what it wrote."""
    results = []
    times: dict[Path, int] = {}
    for _ in range(runs):
        before()
        times = file_times(out)
        results.append(run(command))
        if results[-1].returncode != 0:
            raise BenchFailed(
                f"{name} failed with exit status {results[-1].returncode}:\n"
                f"  {' '.join(command)}\n{results[-1].errors or '(nothing on stderr)'}"
            )
    return Row(name, median_run(results), count_output(out, times))


def remove(*folders: Path) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def newsdesk_command() -> list[str]:
    script = Path(sys.executable).with_name("newsdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsdesk"]


HEADER = (
    f"{'':<32} {'wall s':>7} {'CPU s':>7} {'peak MB':>7} "
    f"{'html':>7} {'files':>7} {'written':>7} {'pages/s':>7}"
)


def print_row(row: Row, full: bool = True) -> None:
    result, output = row.result, row.output
    speed = f"{output.html / result.wall:7,.0f}" if full else ""
    print(
        f"{row.name:<32} {result.wall:7.2f} {result.cpu:7.2f} {result.peak_mb:7.0f} "
        f"{output.html:7,} {output.files:7,} {output.changed:7,} {speed:>7}",
        flush=True,
    )


def edited_article(site: Path) -> Path:
    """One article from the middle of the corpus, in the CMS shape when there is one."""
    content = site / "content"
    articles = sorted(content.glob("cms-*.md")) or sorted(content.glob("*.md"))
    return articles[len(articles) // 2]


def rebuilds(build: list[str], out: Path, article: Path, runs: int) -> tuple[Row, ...]:
    """newsdesk's rebuild after a paragraph is appended to `article`, after no change,
    after its title is changed, and after one of its tags is swapped."""
    edits = iter(range(1, runs + 1))

    def edit() -> None:
        with article.open("a", encoding="utf-8") as file:
            file.write(f"\n补充说明（第 {next(edits)} 次更新）：本文已根据读者的反馈修订。\n")

    edited = measured("newsdesk rebuild (one edited)", build, runs, edit, out)
    print_row(edited, full=False)
    unchanged = measured("newsdesk rebuild (no change)", build, runs, lambda: None, out)
    print_row(unchanged, full=False)
    titles = iter(range(1, runs + 1))

    def retitle() -> None:
        # The title line and the heading that repeats it, as an author retitles.
        text = article.read_text(encoding="utf-8")
        title = text.partition("title: ")[2].partition("\n")[0].strip('"')
        article.write_text(text.replace(title, f"修订标题 {next(titles)}"), encoding="utf-8")

    retitled = measured("newsdesk rebuild (title edited)", build, runs, retitle, out)
    print_row(retitled, full=False)
    swaps = iter(range(runs))

    def retag() -> None:
        text = article.read_text(encoding="utf-8")
        line = text.partition("tags: ")[2].partition("\n")[0]
        tags = [t.strip(' "') for t in line.strip("[]").split(",")]
        spare = [t for t in TAGS if t not in tags][next(swaps) % 5]
        swapped = "[" + ", ".join(f'"{t}"' for t in [*tags[:-1], spare]) + "]"
        article.write_text(text.replace(line, swapped, 1), encoding="utf-8")

    retagged = measured("newsdesk rebuild (tag swapped)", build, runs, retag, out)
    print_row(retagged, full=False)
    return edited, unchanged, retitled, retagged


def print_targets(cold: Row, rows: tuple[Row, ...], peer: Row | None, article: str) -> None:
    edited, _, retitled, retagged = rows
    print(f"\none edited: {article}")
    verdicts = []
    if peer is None:
        print("Hugo not measured: no ratios")
    else:
        ratio = cold.result.wall / peer.result.wall
        print(
            f"newsdesk/hugo: wall {ratio:.2f}, CPU {cold.result.cpu / peer.result.cpu:.2f}, "
            f"peak memory {cold.result.peak_mb / peer.result.peak_mb:.2f}"
        )
        verdicts.append((ratio <= 1.0, f"cold build wall ratio newsdesk/hugo {ratio:.2f} ≤ 1.00"))
        for row in (edited, retitled, retagged):
            share = row.result.wall / peer.result.wall
            print(f"{row.name}: {row.result.wall:.2f} s, {share:.1%} of Hugo's full build")
            verdicts.append(
                (share < INCREMENTAL_SHARE, f"{row.name} {share:.1%} < {INCREMENTAL_SHARE:.0%}")
            )
    peak = max(row.result.peak_mb for row in (cold, *rows))
    verdicts.append((peak < PEAK_LIMIT_MB, f"newsdesk peak memory {peak:,.0f} MB < 1 GB"))
    print("targets:")
    for passed, text in verdicts:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")


def bench(root: Path, count: int, runs: int, only: str | None) -> None:
    hugo = None if only == "newsdesk" else shutil.which("hugo")
    if only != "newsdesk" and hugo is None:
        sys.exit("hugo is not installed (make bench-deps)")
    site, hugo_site, size = make_sites(root, count)
    print(f"{count:,} articles, {size / count / 1024:.1f} KB each on average")
    if hugo is not None:
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
        print(version.split(" BuildDate")[0].strip())
    print(f"median of {runs} run(s)\n")
    print(HEADER)
    out = root / "out"
    build = [*newsdesk_command(), "build", str(site), "--out", str(out)]
    cold = None
    if only != "hugo":
        cold_start = partial(remove, site / ".newsdesk", out)  # no cache, no output
        cold = measured("newsdesk build (cold)", build, runs, cold_start, out)
        print_row(cold)
    peer = None
    if hugo is not None:
        hugo_out = root / "out-hugo"
        command = [hugo, "--quiet", "-s", str(hugo_site), "-d", str(hugo_out)]
        peer = measured("hugo (full)", command, runs, partial(remove, hugo_out), hugo_out)
        print_row(peer)
    if cold is not None:
        article = edited_article(site)
        print_targets(cold, rebuilds(build, out, article, runs), peer, article.name)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000, help="articles (default 10,000)")
    parser.add_argument("--runs", type=int, default=1, help="median of this many runs")
    parser.add_argument("--only", choices=["newsdesk", "hugo"], help="measure one tool alone")
    parser.add_argument("--keep", action="store_true", help="keep the sites and their output")
    args = parser.parse_args()
    in_scratch_folder(
        "newsdesk-build-",
        args.keep,
        "sites and output",
        lambda root: bench(root, args.count, args.runs, args.only),
    )


if __name__ == "__main__":
    main()
