"""Benchmark: Markdown renderers on real and generated articles, and their CommonMark score.

    python bench/markdown.py [--count 1000] [--runs 5] [--seeds ../shared/seeds]

Renders the body (front matter stripped by newsdesk's loader) of the seed articles, the
demo site's articles and N generated ones with cmark-gfm as newsdesk configures it,
markdown-it-py, mistune and markdown-it-pyrs, and newsdesk's whole body pipeline
(sanitizing, heading ids, highlighting) for scale. Prints per renderer the median over the
runs of microseconds per article, the ratio to the fastest, and how many examples of the
CommonMark spec (and of the GFM spec) it renders as the spec says, compared after the
normalization tests/test_commonmark_spec.py uses. The renderers are timed in turn within
each run, so that a slow moment of the machine falls on all of them.

markdown-it-py, mistune and markdown-it-pyrs come from the `bench` extra and the specs
from `make spec`; `make bench-markdown` installs both.
"""

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from tests.test_commonmark_spec import (
    COMMONMARK_SPEC,
    GFM_SPEC,
    MissingSpecError,
    SpecExample,
    normalize_html,
    read_spec,
)

from corpus import write_corpus
from newsdesk.content.loader import discover, load_file
from newsdesk.content.options import ContentOptions
from newsdesk.render.markdown import markdown_to_html, render_body
from newsdesk.render.options import RenderOptions

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONTENT = ROOT / "examples" / "site" / "content"

Render = Callable[[str], str]


@dataclass
class Renderer:
    name: str
    render: Render
    follows_spec: bool = True  # False: its output is not meant to match the spec's HTML


def cmark_gfm() -> Renderer:
    return Renderer(f"cmark-gfm {version('cmarkgfm')} (newsdesk)", markdown_to_html)


def newsdesk_pipeline() -> Renderer:
    options = RenderOptions()
    return Renderer(
        "newsdesk render_body", lambda text: render_body(text, options).html, follows_spec=False
    )


def markdown_it_py() -> Renderer:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return Renderer(f"markdown-it-py {version('markdown-it-py')}", parser.render)


def mistune() -> Renderer:
    import mistune

    plugins = ["table", "strikethrough", "footnotes", "task_lists", "url"]
    convert = mistune.create_markdown(escape=False, plugins=plugins)
    return Renderer(f"mistune {version('mistune')}", lambda text: str(convert(text)))


def markdown_it_pyrs() -> Renderer:
    from markdown_it_pyrs import MarkdownIt

    parser = MarkdownIt("gfm").enable("footnote")
    return Renderer(f"markdown-it-pyrs {version('markdown-it-pyrs')}", parser.render)


FACTORIES: list[Callable[[], Renderer]] = [
    cmark_gfm,
    markdown_it_py,
    mistune,
    markdown_it_pyrs,
    newsdesk_pipeline,
]


def renderers() -> list[Renderer]:
    found = []
    for factory in FACTORIES:
        try:
            found.append(factory())
        except (ImportError, PackageNotFoundError) as error:
            print(f"skipped {factory.__name__}: {error} (`make bench-markdown` installs it)")
    return found


def bodies(folder: Path) -> list[str]:
    """The Markdown bodies of the articles under folder, front matter removed."""
    options = ContentOptions()
    found = []
    for path in discover(folder):
        outcome = load_file(path, options)
        if outcome.article is not None and outcome.body is not None:
            found.append(outcome.body)
    return found


def time_once(render: Render, texts: list[str]) -> float:
    """Microseconds per text for one pass over texts."""
    gc.collect()
    start = time.perf_counter()
    for text in texts:
        render(text)
    return (time.perf_counter() - start) * 1e6 / len(texts)


def spec_passed(render: Render, examples: list[SpecExample]) -> int:
    passed = 0
    for example in examples:
        try:
            html = render(example.markdown)
        except Exception:  # a renderer that fails on an example fails that example
            continue
        passed += normalize_html(html) == normalize_html(example.html)
    return passed


def load_spec(path: Path, label: str) -> list[SpecExample]:
    try:
        return read_spec(path)
    except MissingSpecError as error:
        print(f"{label}: {error}")
        return []


def score(render: Renderer, examples: list[SpecExample]) -> str:
    if not examples or not render.follows_spec:
        return "—"
    passed = spec_passed(render.render, examples)
    return f"{passed}/{len(examples)} ({passed / len(examples):.1%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="generated articles")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()

    seeds = bodies(args.seeds) if args.seeds.is_dir() else []
    if not seeds:
        print(f"no seed articles in {args.seeds}: measuring without them")
    demo = bodies(DEMO_CONTENT)
    real = seeds + demo
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as folder:
        write_corpus(Path(folder), args.count)
        synthetic = bodies(Path(folder))
    everything = real + synthetic
    size = sum(len(text.encode("utf-8")) for text in everything) / len(everything)
    print(
        f"{len(everything):,} article bodies ({len(seeds)} seeds, {len(demo)} demo site, "
        f"{len(synthetic):,} generated), {size / 1024:.1f} KB each on average; "
        f"median of {args.runs} runs"
    )

    found = renderers()
    for renderer in found:  # warm up: imports, caches, lazily built tables
        for text in real:
            renderer.render(text)
    all_times: dict[str, list[float]] = {r.name: [] for r in found}
    real_times: dict[str, list[float]] = {r.name: [] for r in found}
    for _ in range(args.runs):
        for renderer in found:
            all_times[renderer.name].append(time_once(renderer.render, everything))
            real_times[renderer.name].append(time_once(renderer.render, real))
    median = {name: statistics.median(times) for name, times in all_times.items()}
    fastest = min(median.values())

    commonmark = load_spec(COMMONMARK_SPEC, "CommonMark spec")
    gfm = load_spec(GFM_SPEC, "GFM spec")
    print()
    print(
        f"{'renderer':<32} {'µs/article':>10} {'× fastest':>9} {'real only':>9}   "
        f"{'CommonMark 0.31.2':<19} GFM 0.29"
    )
    for renderer in sorted(found, key=lambda r: median[r.name]):
        name = renderer.name
        print(
            f"{name:<32} {median[name]:>10,.0f} {median[name] / fastest:>9.1f} "
            f"{statistics.median(real_times[name]):>9,.0f}   "
            f"{score(renderer, commonmark):<19} {score(renderer, gfm)}"
        )
    print(
        "\nµs/article: all bodies; real only: the seeds' and demo site's. Spec: examples "
        "whose HTML equals the spec's after normalization (newsdesk render_body sanitizes "
        "and adds ids, so it is not scored)."
    )


if __name__ == "__main__":
    main()
