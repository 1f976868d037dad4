"""Benchmark: `newsdesk serve` on an N-article site (default 10,000), beside nginx
serving the static export of the same site (`newsdesk build`) in the same run.

    python bench/serve.py [--articles 10000] [--duration 10] [--connections 64]
                          [--threads 2] [--workers 2] [--keep]

`wrk` (Debian's, installed by `make bench-deps`) loads, one after the other and with
the same duration, connections and threads: nginx's home page and one article page,
then newsdesk's home page, the same article page and its search API
(`/api/v1/search?q=…`) with a one-term and a two-term Chinese query, asked as readers
repeat a query (answered from the server's result cache after the first); then
distinct queries, every request a search new to the server (random 2–4 character
substrings of the articles, bench/serve_flood.py); then the article page again while
16 more connections flood the server with distinct queries. Before each run one
request must answer exactly 200 (a redirect or an error is reported and that run
skipped); during it any non-2xx/3xx response or socket error is a failure (a timeout
is a request unanswered after wrk's 2 s, whose latency wrk does not record), except
the 503 a search past the server's bound is answered with: distinct searches are
reported as answered/s (2xx) beside the refused.

Prints, for each: requests/s, p50/p90/p95/p99 latency, the page's size and the ratio
of requests/s to nginx for the same page; the server's memory (PSS of the whole
process tree and of each worker, sampled every 0.5 s while it is loaded, and RSS);
its start time (process start to `GET /` answering 200) cold, on a site never
indexed, and warm, restarted on the same database; then PASS/FAIL against the
targets: article pages at ≥ 25% of nginx's requests/s with p99 under 20 ms, search
p95 under 15 ms, distinct searches answered at ≥ 10% of the article page's
requests/s, article pages keeping ≥ 70% of their requests/s and a p99 under 3× their
own while flooded, under 300 MB PSS per worker, and a warm start under 2 s. The
machine's load average is printed before and after: other work on the same cores
skews every figure.

nginx (Debian's /usr/sbin/nginx) runs from a generated config in the temporary
folder: 2 worker processes, no access log, its pid, error log and temp files beside
the config, so it needs no privileges (as root its workers keep the calling user).
"""

import argparse
import contextlib
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import NEWSDESK_CONFIG, edited_article, newsdesk_command
from corpus import write_corpus
from measure import BenchFailed, children, free_port, in_scratch_folder, pss_by_pid, run
from serve_flood import (
    DISTINCT_SHARE,
    FLOOD_CONNECTIONS,
    FLOOD_FIRST_PASS,
    FLOOD_P99,
    FLOOD_SHARE,
    distinct_queries,
    lua,
    side_by_side,
)

NGINX = "/usr/sbin/nginx"
SEARCHES = ["大模型", "向量检索 数据库"]  # one term, two terms: both in every corpus
ARTICLE_SHARE = 0.25  # article pages at ≥ 25% of nginx's requests/s
ARTICLE_P99_MS = 20.0
SEARCH_P95_MS = 15.0
WORKER_LIMIT_MB = 300.0
WARM_START_S = 2.0
START_TIMEOUT_S = 900.0  # a cold start indexes the whole site
STOP_TIMEOUT_S = 30.0
# wrk sends every request from one address, standing for many readers: the per-address
# search rate (a protection, not what is measured) is set out of its reach.
UNLIMITED_SEARCH = "[server]\nsearch_per_minute = 1000000000\n"

# wrk's `done` hook: its figures as one line, latencies in microseconds.
WRK_SCRIPT = """\
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "bench-result requests=%d duration=%d bytes=%d p50=%d p90=%d p95=%d p99=%d max=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
NGINX_CONFIG = """\
worker_processes 2;
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{
    worker_connections 4096;
}}

http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    types {{
        text/html html;
        text/css css;
        application/javascript js;
        application/json json;
        application/xml xml;
    }}
    default_type application/octet-stream;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
        location / {{
            try_files $uri $uri/ =404;
        }}
    }}
}}
"""


@dataclass(frozen=True)
class Target:
    name: str
    base: str  # http://127.0.0.1:PORT
    path: str
    peer: str | None = None  # the nginx row this one is compared with
    # Every request a distinct search (bench/serve_flood.py), none answered from the
    # server's cache; 503 answers (past the server's bound) are counted, not failures.
    fresh: bool = False
    connections: int | None = None  # other than --connections


@dataclass(frozen=True)
class Load:
    requests: int
    requests_s: float
    p50: float  # milliseconds
    p90: float
    p95: float
    p99: float
    non2xx: int
    socket_errors: dict[str, int]  # connect, read, write, timeout (no answer within 2 s)

    @property
    def answered_s(self) -> float:
        """Requests/s answered 2xx or 3xx."""
        return self.requests_s * (self.requests - self.non2xx) / max(self.requests, 1)


@dataclass
class Row:
    target: Target
    load: Load | None = None
    size: int = 0
    title: str = ""
    matches: int | None = None  # a search's `total`, when its JSON has one
    problem: str = ""  # why it was not measured, or what failed


@dataclass
class Memory:
    """Peaks of the server's process tree and of each direct child (a worker), in KiB."""

    tree_pss: int = 0
    root_pss: int = 0
    workers_pss: dict[int, int] = field(default_factory=dict)
    workers_rss: dict[int, int] = field(default_factory=dict)
    others: dict[int, tuple[str, int]] = field(default_factory=dict)  # not workers: PSS


# --- processes -------------------------------------------------------------------------


def fetch(base: str, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """One GET, redirects not followed: (status, body)."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def program(process: subprocess.Popen[bytes]) -> str:
    args = process.args
    return " ".join(map(str, args[:2])) if isinstance(args, list) else str(args)


def wait_ready(process: subprocess.Popen[bytes], base: str, limit: float, log: Path) -> float:
    """Seconds from now until `GET /` answers 200 (the caller started `process` just before)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if process.poll() is not None:
            raise BenchFailed(
                f"{program(process)} exited with status {process.returncode} before "
                f"answering; its output:\n{tail(log)}"
            )
        try:
            status, _ = fetch(base, "/", timeout=5)
        except OSError:
            time.sleep(0.02)
            continue
        if status == 200:
            return time.perf_counter() - start
        time.sleep(0.02)
    raise BenchFailed(f"GET {base}/ did not answer 200 within {limit:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 20) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL to its process group (its own session) after a while."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            print(f"{program(process)} ignored SIGTERM for {STOP_TIMEOUT_S:.0f} s: killed")
    with contextlib.suppress(ProcessLookupError):  # workers left behind, if any
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def started(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        stop(process)


def nginx_command(folder: Path, static: Path, port: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would run as `nobody`, who cannot read a private temp folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        NGINX_CONFIG.format(dir=folder, user=user, port=port, root=static), encoding="utf-8"
    )
    return [NGINX, "-p", f"{folder}/", "-e", str(folder / "error.log"), "-c", str(config)]


def serve_command(site: Path, port: int, workers: int) -> list[str]:
    return [
        *newsdesk_command(),
        "serve",
        str(site),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
    ]


# --- memory ----------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def subtree_pss(pid: int, pss: dict[int, int]) -> int:
    """A process's PSS with its descendants', from one pss_by_pid() of an ancestor."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += pss.get(current, 0)
        stack.extend(children(current))
    return total


def sample(root: int, memory: Memory) -> None:
    """One sample into the peaks. The direct children of the server are its workers
    (a multiprocessing resource tracker aside); without children the server is its
    own single worker."""
    # One walk of /proc per sample: each walk costs the loaded server CPU time.
    by_pid = pss_by_pid(root)
    tree = sum(by_pid.values())
    memory.tree_pss = max(memory.tree_pss, tree)
    kids = {child: subtree_pss(child, by_pid) for child in children(root) if child in by_pid}
    if kids:
        memory.root_pss = max(memory.root_pss, tree - sum(kids.values()))
    else:
        kids = {root: tree}
    for pid, pss in kids.items():
        line = command_line(pid)
        if "resource_tracker" in line or "semaphore_tracker" in line:
            memory.others[pid] = (line, max(pss, memory.others.get(pid, ("", 0))[1]))
            continue
        memory.workers_pss[pid] = max(memory.workers_pss.get(pid, 0), pss)
        memory.workers_rss[pid] = max(memory.workers_rss.get(pid, 0), rss_kb(pid))


@contextmanager
def sampling(root: int, memory: Memory, every: float = 0.5) -> Iterator[None]:
    done = threading.Event()

    def loop() -> None:
        while True:
            sample(root, memory)
            if done.wait(every):
                return

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


# --- wrk -------------------------------------------------------------------------------


def wrk(target: Target, args: argparse.Namespace, script: Path, log: Path) -> Load:
    command = [
        "wrk",
        *("-t", str(args.threads), "-c", str(target.connections or args.connections)),
        *("-d", f"{args.duration}s"),
        *("--latency", "-s", str(script), target.base + target.path),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    with log.open("a", encoding="utf-8") as file:
        file.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}\n")
    found = re.search(r"^bench-result (.*)$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or found is None:
        raise BenchFailed(f"wrk failed (status {result.returncode}):\n{result.stderr}")
    figures = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", found.group(1))}
    non2xx = figures["status"]
    text = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if text is not None:  # wrk's own line says the same
        non2xx = max(non2xx, int(text.group(1)))
    return Load(
        requests=figures["requests"],
        requests_s=figures["requests"] / (figures["duration"] / 1e6),
        p50=figures["p50"] / 1000,
        p90=figures["p90"] / 1000,
        p95=figures["p95"] / 1000,
        p99=figures["p99"] / 1000,
        non2xx=non2xx,
        socket_errors={key: figures[key] for key in ("connect", "read", "write", "timeout")},
    )


def search_total(page: bytes) -> int | None:
    try:
        total = json.loads(page).get("total")
    except (ValueError, AttributeError):
        return None
    return total if isinstance(total, int) else None


def title_of(page: bytes) -> str:
    found = re.search(rb"<title>(.*?)</title>", page, re.DOTALL)
    return found.group(1).decode(errors="replace").strip() if found else ""


def measure(
    row: Row, args: argparse.Namespace, script: Path, log: Path, queries: list[str]
) -> None:
    """Check the page answers 200, warm it up, then load it with wrk (a `fresh`
    target: with a distinct query of `queries` in every request)."""
    target = row.target
    try:
        status, page = fetch(target.base, target.path)
    except OSError as error:
        row.problem = f"GET {target.path}: {error}"
        return
    if status != 200:
        row.problem = f"GET {target.path} answered {status}, not 200"
        return
    row.size = len(page)
    row.title = title_of(page)
    row.matches = search_total(page) if target.path.startswith("/api/") else None
    if target.fresh:
        script = script.with_name("fresh.lua")
        first_pass = FLOOD_FIRST_PASS if target.connections else 0
        script.write_text(WRK_SCRIPT + lua(queries, args.threads, first_pass), encoding="utf-8")
    else:
        for _ in range(20):
            fetch(target.base, target.path)
    row.load = wrk(target, args, script, log)
    errors = [f"{count:,} {kind} errors" for kind, count in row.load.socket_errors.items() if count]
    if row.load.socket_errors["timeout"]:  # wrk records no latency for them
        errors[-1] = f"{row.load.socket_errors['timeout']:,} requests unanswered after 2 s"
    if row.load.non2xx and not target.fresh:
        errors.insert(0, f"{row.load.non2xx:,} responses not 2xx/3xx")
    if errors:
        row.problem = ", ".join(errors) + " under load"


# --- report ----------------------------------------------------------------------------


def pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a CJK character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - columns, 0)


HEADER = (
    f"{'target':<40} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} {'p95 ms':>7} "
    f"{'p99 ms':>7} {'KB':>6} {'/nginx':>7}"
)


def print_row(row: Row, rows: dict[str, Row]) -> None:
    name = row.target.name
    if row.load is None:
        print(f"{pad(name, 40)} not measured: {row.problem}", flush=True)
        return
    load = row.load
    peer = rows.get(row.target.peer or "")
    ratio = ""
    if peer is not None and peer.load is not None:
        ratio = f"{load.requests_s / peer.load.requests_s:7.1%}"
    print(
        f"{pad(name, 40)} {load.requests_s:8,.0f} {load.p50:7.2f} {load.p90:7.2f} {load.p95:7.2f} "
        f"{load.p99:7.2f} {row.size / 1024:6.1f} {ratio:>7}",
        flush=True,
    )
    if row.target.fresh:
        print(
            f"{'':<40} {load.answered_s:8,.0f} answered/s, {load.non2xx:,} of "
            f"{load.requests:,} refused (503, past the server's bound)",
            flush=True,
        )
    if row.problem:
        print(f"{'':<40} FAILED: {row.problem}", flush=True)


def print_memory(memory: Memory) -> None:
    print(
        f"\nnewsdesk serve memory, peaks while loaded: {memory.tree_pss / 1024:,.0f} MB PSS in all"
    )
    if memory.root_pss:
        print(f"  {'supervisor':<24} {memory.root_pss / 1024:7,.0f} MB PSS")
    for number, pid in enumerate(sorted(memory.workers_pss), 1):
        print(
            f"  {f'worker {number} (pid {pid})':<24} {memory.workers_pss[pid] / 1024:7,.0f} MB PSS "
            f"{memory.workers_rss[pid] / 1024:7,.0f} MB RSS"
        )
    for line, pss in sorted(memory.others.values()):
        name = "resource tracker" if "resource_tracker" in line else line[:24]
        print(f"  {name:<24} {pss / 1024:7,.0f} MB PSS")


def verdicts(
    rows: dict[str, Row], memory: Memory, starts: tuple[float, float], conns: int
) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for row in rows.values():
        if row.problem:
            out.append((False, f"{row.target.name}: {row.problem}"))
    article, nginx_article = rows.get("newsdesk article"), rows.get("nginx article")
    if article is not None and article.load is not None:
        if nginx_article is not None and nginx_article.load is not None:
            share = article.load.requests_s / nginx_article.load.requests_s
            out.append(
                (share >= ARTICLE_SHARE, f"article page at {share:.1%} of nginx's requests/s ≥ 25%")
            )
        p99 = article.load.p99
        out.append(
            (p99 < ARTICLE_P99_MS, f"article page p99 {p99:.2f} ms < 20 ms at {conns} connections")
        )
    for row in rows.values():
        # Uncached searches are shown for what they cost, not held to the target:
        # readers repeat queries, and a repeated one is answered from the cache.
        searched = row.target.name.startswith("newsdesk search") and not row.target.fresh
        if searched and row.load is not None:
            p95 = row.load.p95
            out.append((p95 < SEARCH_P95_MS, f"{row.target.name} p95 {p95:.2f} ms < 15 ms"))
    out += search_verdicts(rows)
    if memory.workers_pss:
        worst = max(memory.workers_pss.values()) / 1024
        rss = max(memory.workers_rss.values()) / 1024
        out.append(
            (
                worst < WORKER_LIMIT_MB,
                f"largest worker {worst:,.0f} MB PSS < 300 MB "
                f"(RSS {rss:,.0f} MB, counting pages shared with the supervisor in full)",
            )
        )
    warm = starts[1]
    out.append((warm < WARM_START_S, f"warm start {warm:.2f} s < 2 s"))
    return out


def search_verdicts(rows: dict[str, Row]) -> list[tuple[bool, str]]:
    """Distinct searches against the article page, and the article page flooded
    against itself idle, each pair from the same run."""
    out: list[tuple[bool, str]] = []
    article = rows.get("newsdesk article")
    distinct = rows.get("newsdesk search distinct queries")
    flooded = rows.get("newsdesk article, search flooded")
    if article is None or article.load is None:
        return out
    idle = article.load
    if distinct is not None and distinct.load is not None:
        share = distinct.load.answered_s / idle.requests_s
        out.append(
            (
                share >= DISTINCT_SHARE,
                f"distinct searches answered at {share:.1%} of the article page's req/s ≥ 10%",
            )
        )
    if flooded is not None and flooded.load is not None:
        kept = flooded.load.requests_s / idle.requests_s
        out.append((kept >= FLOOD_SHARE, f"article page keeps {kept:.1%} of its req/s ≥ 70%"))
        times = flooded.load.p99 / idle.p99
        out.append(
            (
                times < FLOOD_P99,
                f"article page p99 flooded {flooded.load.p99:.2f} ms = {times:.1f}× idle "
                f"{idle.p99:.2f} ms < 3×",
            )
        )
    return out


# --- the run ---------------------------------------------------------------------------


def article_path(site: Path, static: Path) -> str:
    """The URL of one article from the middle of the corpus, as the build wrote it."""
    slug = edited_article(site).stem
    page = next(static.rglob(f"{slug}/index.html"), None)
    if page is None:
        raise BenchFailed(f"the build wrote no page for {slug}")
    return "/" + page.parent.relative_to(static).as_posix() + "/"


def server_half(
    root: Path,
    site: Path,
    args: argparse.Namespace,
    rows: dict[str, Row],
    article: str,
    script: Path,
    log: Path,
) -> tuple[Memory, tuple[float, float]]:
    queries = distinct_queries(site)
    shutil.rmtree(site / ".newsdesk", ignore_errors=True)  # never indexed: a cold start
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cold_log = root / "serve-cold.log"
    start_memory = Memory()
    command = serve_command(site, port, args.workers)
    with started(command, cold_log) as process, sampling(process.pid, start_memory):
        cold = wait_ready(process, base, START_TIMEOUT_S, cold_log)
    print(
        f"newsdesk serve cold start: {cold:.2f} s to the first 200 "
        f"(peak {start_memory.tree_pss / 1024:,.0f} MB PSS while starting)",
        flush=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    warm_log = root / "serve-warm.log"
    memory = Memory()
    with started(serve_command(site, port, args.workers), warm_log) as process:
        warm = wait_ready(process, base, START_TIMEOUT_S, warm_log)
        print(f"newsdesk serve warm start: {warm:.2f} s to the first 200\n", flush=True)
        print(HEADER)
        for name in ("nginx home", "nginx article"):
            print_row(rows[name], rows)
        targets = [
            Target("newsdesk home", base, "/", "nginx home"),
            Target(f"newsdesk article {article}", base, article, "nginx article"),
        ]
        targets += [
            Target(
                f"newsdesk search {query}", base, "/api/v1/search?q=" + urllib.parse.quote(query)
            )
            for query in SEARCHES
        ]
        distinct = "/api/v1/search?q=" + urllib.parse.quote(queries[0])
        targets.append(Target("newsdesk search distinct queries", base, distinct, fresh=True))
        for target in targets:
            key = "newsdesk article" if target.peer == "nginx article" else target.name
            rows[key] = row = Row(target)
            with sampling(process.pid, memory):
                measure(row, args, script, log, queries)
            print_row(row, rows)
        flooded = Row(Target("newsdesk article, search flooded", base, article, "newsdesk article"))
        flood = Row(
            Target(
                f"  the flood: {FLOOD_CONNECTIONS} connections",
                base,
                distinct,
                fresh=True,
                connections=FLOOD_CONNECTIONS,
            )
        )
        rows[flooded.target.name], rows[flood.target.name] = flooded, flood
        with sampling(process.pid, memory):
            side_by_side(
                lambda: measure(flood, args, script, log, queries),
                lambda: measure(flooded, args, script, log, queries),
            )
        print_row(flooded, rows)
        print_row(flood, rows)
        for row in rows.values():
            if row.matches is not None:
                print(f"{row.target.name}: {row.matches:,} matching articles", flush=True)
        if any(row.problem for row in rows.values()):
            print(f"\nnewsdesk serve's output (last lines):\n{tail(warm_log)}")
    return memory, (cold, warm)


def load_average() -> str:
    """The machine's load: other work on the same cores skews every figure."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def bench(root: Path, args: argparse.Namespace) -> None:
    for tool in (NGINX, "wrk"):
        if shutil.which(tool) is None:
            raise BenchFailed(f"{tool} is not installed (make bench-deps)")
    site = root / "site"
    size = write_corpus(site, args.articles)
    (site / "newsdesk.toml").write_text(NEWSDESK_CONFIG + UNLIMITED_SEARCH, encoding="utf-8")
    print(f"{args.articles:,} articles, {size / args.articles / 1024:.1f} KB each on average")
    static = root / "static"
    build = run([*newsdesk_command(), "build", str(site), "--out", str(static)])
    if build.returncode != 0:
        raise BenchFailed(
            f"newsdesk build failed with exit status {build.returncode}:\n{build.errors}"
        )
    print(f"static export for nginx: newsdesk build {build.wall:.1f} s")
    print(
        f"wrk: {args.threads} threads, {args.connections} connections, {args.duration} s per "
        f"target; newsdesk serve: {args.workers} workers; {load_average()}\n",
        flush=True,
    )
    script = root / "report.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    log = root / "wrk.log"
    article = article_path(site, static)
    port = free_port()
    nginx_base = f"http://127.0.0.1:{port}"
    nginx_log = root / "nginx.log"
    rows: dict[str, Row] = {}
    with started(nginx_command(root / "nginx", static, port), nginx_log) as nginx:
        wait_ready(nginx, nginx_base, 30, nginx_log)
        for name, path in (("nginx home", "/"), ("nginx article", article)):
            rows[name] = Row(Target(f"{name} {path}" if path != "/" else name, nginx_base, path))
            measure(rows[name], args, script, log, [])
    memory, starts = server_half(root, site, args, rows, article, script, log)
    ours, theirs = rows.get("newsdesk article"), rows["nginx article"]
    if ours is not None and ours.title and ours.title != theirs.title:
        print(f"note: the article's <title> differs: {ours.title!r} vs {theirs.title!r}")
    print_memory(memory)
    print(f"start: cold {starts[0]:.2f} s, warm {starts[1]:.2f} s (process start to GET / 200)")
    print(f"at the end: {load_average()}")
    results = verdicts(rows, memory, starts, args.connections)
    print("targets:")
    for passed, text in results:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000, help="articles (default 10,000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="newsdesk serve workers")
    parser.add_argument("--keep", action="store_true", help="keep the site, export and logs")
    args = parser.parse_args()
    in_scratch_folder(
        "newsdesk-serve-", args.keep, "site, export and logs", lambda root: bench(root, args)
    )


if __name__ == "__main__":
    main()
