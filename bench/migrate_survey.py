"""Survey: existing blogs of other generators (Hexo, Hugo, Jekyll, VitePress, …) given
to `newsdesk check` and `newsdesk build` as they are, and what a reader would see wrong
in the pages built (bench/leftovers.py).

    python bench/migrate_survey.py FOLDER[:CONTENT]... [--json] [--examples N] [--keep]

FOLDER is a blog's root. Each blog is copied into a temporary folder (nothing is
written into FOLDER) and moved over as a user would: `newsdesk init` recognises its
generator and writes its `newsdesk.toml` (content folder, permalink, title). A content
folder given after a colon, relative to FOLDER, is used instead, with a minimal
configuration naming it (for a layout `init` does not recognise).

Prints one row per blog: Markdown files, errors, warnings and infos of `check`; HTML
pages built, of which article pages; article pages with another generator's syntax in
their text outside <pre>/<code> and the number of such leftovers; local <img>, <a>,
<video>, <audio> and <source> targets of article pages missing from the output, and
the distinct missing targets of all pages (lists and archives too); build wall time
(cold: no cache) and exit statuses. Then each blog's most frequent diagnostic codes
(warnings and errors), and with --examples, that many of its article pages' problems.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from leftovers import scan_site
from measure import run
from newsdesk.content.loader import discover
from newsdesk.site.migration import recognise

BASE_URL = "http://127.0.0.1:8000"
TOP_CODES = 6


@dataclass
class Survey:
    name: str
    generator: str
    content: str
    files: int
    errors: int
    warnings: int
    infos: int
    check_exit: int
    pages: int
    articles: int
    articles_with_leftovers: int
    leftovers: int
    broken_references: int
    broken_targets: int
    build_seconds: float
    build_exit: int
    codes: list[tuple[str, int]] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


def parse_target(argument: str) -> tuple[Path, str | None]:
    """FOLDER or FOLDER:CONTENT (a folder whose own name holds a colon wins)."""
    if Path(argument).is_dir() or ":" not in argument:
        return Path(argument), None
    folder, _, content = argument.rpartition(":")
    return Path(folder), content


def make_site(blog: Path, content: str | None, site: Path) -> tuple[str, str]:
    """A copy of the blog moved over: by `newsdesk init`, or, with a content folder
    given, by a minimal config naming it. Returns the generator and content folder."""
    shutil.copytree(blog, site, symlinks=True, ignore=shutil.ignore_patterns("newsdesk.toml"))
    found = recognise(site)
    if content is None and found is not None:
        subprocess.run(newsdesk("init", str(site)), check=True, capture_output=True)
        return found.generator, found.content_dir
    folder = content or "."
    (site / "newsdesk.toml").write_text(
        f'[site]\ntitle = "{blog.name}"\n\n[content]\ndir = {json.dumps(folder)}\n',
        encoding="utf-8",
    )
    return (found.generator if found else "?"), folder


def newsdesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsdesk", *args]


def survey(blog: Path, content: str | None, scratch: Path, examples: int) -> Survey:
    site = scratch / "site"
    out = scratch / "out"
    generator, content = make_site(blog, content, site)
    checked = subprocess.run(newsdesk("check", str(site), "--format", "json"), capture_output=True)
    findings = json.loads(checked.stdout or b"[]")
    severities = Counter(f["severity"] for f in findings)
    codes = Counter(f["code"] for f in findings if f["severity"] != "info")
    built = run(newsdesk("build", str(site), "--out", str(out)))
    pages = scan_site(out, BASE_URL) if out.is_dir() else []
    articles = [page for page in pages if page.is_article]
    problems = [line for page in articles for line in page.problems()]
    return Survey(
        name=blog.name,
        generator=generator,
        content=content,
        files=len(discover(site / content)),
        errors=severities["error"],
        warnings=severities["warning"],
        infos=severities["info"],
        check_exit=checked.returncode,
        pages=len(pages),
        articles=len(articles),
        articles_with_leftovers=sum(1 for page in articles if page.leftovers),
        leftovers=sum(len(page.leftovers) for page in articles),
        broken_references=sum(len(page.broken) for page in articles),
        broken_targets=len({b.target for page in pages for b in page.broken}),
        build_seconds=round(built.wall, 1),
        build_exit=built.returncode,
        codes=codes.most_common(TOP_CODES),
        examples=problems[:examples],
    )


COLUMNS = (
    ("blog", "name"),
    ("generator", "generator"),
    ("files", "files"),
    ("errors", "errors"),
    ("warnings", "warnings"),
    ("infos", "infos"),
    ("pages", "pages"),
    ("article pages", "articles"),
    ("with leftovers", "articles_with_leftovers"),
    ("leftovers", "leftovers"),
    ("broken refs", "broken_references"),
    ("distinct broken targets, all pages", "broken_targets"),
    ("build s", "build_seconds"),
    ("check exit", "check_exit"),
    ("build exit", "build_exit"),
)


def print_table(rows: list[Survey]) -> None:
    print("| " + " | ".join(title for title, _ in COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(str(getattr(row, key)) for _, key in COLUMNS) + " |")
    for row in rows:
        codes = ", ".join(f"{code} {count}" for code, count in row.codes) or "none"
        print(f"\n{row.name} ({row.content}): {codes}")
        for line in row.examples:
            print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", metavar="FOLDER[:CONTENT]")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--examples", type=int, default=0, help="page problems shown per blog")
    parser.add_argument("--keep", action="store_true", help="keep the sites and their builds")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="migrate-survey-"))
    rows = []
    for number, argument in enumerate(args.folders):
        blog, content = parse_target(argument)
        rows.append(survey(blog, content, scratch / str(number), args.examples))
        print(f"surveyed {blog}", file=sys.stderr)
    if args.json:
        print(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=1))
    else:
        print_table(rows)
    if args.keep:
        print(f"sites and builds kept in {scratch}", file=sys.stderr)
    else:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
