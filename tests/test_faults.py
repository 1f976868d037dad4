"""Faults a real `newsdesk serve` must survive: killed (SIGKILL) while it indexes or
while it counts views, its PostgreSQL server stopped and started again under load,
and an article edited into invalid front matter while readers keep reading."""

import contextlib
import itertools
import os
import pickle
import pwd
import random
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

import httpx
import pytest
from bench.corpus import write_corpus
from bench.measure import children, free_port
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from newsdesk.publish.compile import Compiled
from newsdesk.store.schema import compiled_files, node_files
from tests.beacons import reader_address, send_beacon, trust_local_proxy, view_token
from tests.conftest import DEMO_SITE, copy_site, set_language
from tests.server import (
    Server,
    all_articles,
    database_on,
    engine_at,
    eventually,
    launch,
    on_fresh_connections,
    page_title,
    running_server,
    stop,
    stored_views,
    wait_until_ready,
)

pytestmark = pytest.mark.faults

CORPUS_ARTICLES = 600


def backend(url: str) -> str:
    return make_url(url).get_backend_name()


def stored_rows(url: str) -> dict[str, tuple[int, bytes]]:
    """path → (size, compiled data) of every file the server stored."""
    files, forms = node_files.c, compiled_files.c
    with engine_at(url) as engine, engine.connect() as connection:
        query = select(files.path, files.size, forms.data).join_from(
            node_files,
            compiled_files,
            (files.content_hash == forms.content_hash) & (files.options_key == forms.options_key),
        )
        return {path: (size, data) for path, size, data in connection.execute(query)}


def document_count(url: str) -> int:
    """Files the server stored; 0 until it has created its tables."""
    try:
        with engine_at(url) as engine, engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(node_files)).scalar_one()
    except SQLAlchemyError:
        return 0


def assert_integrity(url: str) -> None:
    """SQLite's own check of every page and index; PostgreSQL's is that the tables
    read back whole (a crash there cannot tear a committed row)."""
    with engine_at(url) as engine, engine.connect() as connection:
        if backend(url) == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        for table in ("node_files", "compiled_files", "view_counts", "view_days", "view_visits"):
            connection.execute(text(f"SELECT * FROM {table}")).all()


def indexed_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("indexed "))


# Killed while indexing ------------------------------------------------------


def test_a_server_killed_while_indexing_resumes_where_it_stopped(
    tmp_path: Path, database_url: str
) -> None:
    site = tmp_path / "site"
    write_corpus(site, CORPUS_ARTICLES)
    shutil.copy(DEMO_SITE / "newsdesk.toml", site / "newsdesk.toml")
    files = {p.name: p for p in (site / "content").glob("*.md")}
    assert len(files) == CORPUS_ARTICLES

    first = launch(site, database_url)
    try:
        # Killed once part of the corpus is stored, long before all of it is.
        deadline = time.monotonic() + 60
        while document_count(database_url) < CORPUS_ARTICLES // 4:
            assert first.process.poll() is None, first.output()
            assert "indexed " not in first.output(), (
                "indexing finished before a quarter of the articles were stored: "
                "a crash while compiling would lose them"
            )
            assert time.monotonic() < deadline, first.output()
            time.sleep(0.02)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
    finally:
        stop(first)

    rows = stored_rows(database_url)
    assert_integrity(database_url)
    assert 0 < len(rows) < CORPUS_ARTICLES, (
        f"{len(rows)} of {CORPUS_ARTICLES} articles stored when killed while compiling"
    )
    for path, (size, data) in rows.items():
        # Each stored row is the whole article of its file, as the file is now.
        assert path in files and size == files[path].stat().st_size, path
        compiled: Compiled = pickle.loads(data)
        assert compiled.entry is not None, path
        assert Path(compiled.outcome.path).name == path

    with running_server(site, database_url) as second:
        report = indexed_line(second.output())
        assert report.startswith(f"indexed {CORPUS_ARTICLES} files: ")
        # Only what had not been stored is compiled again.
        assert f": {CORPUS_ARTICLES - len(rows)} compiled, 0 removed, 0 with errors" in report
        with second.client() as client:
            listed = all_slugs(client)
            assert len(listed) == CORPUS_ARTICLES
            paths = list(listed.values())
            with ThreadPoolExecutor(4) as pool:
                failed = pool.map(lambda n: failing_pages(second, paths[n::4]), range(4))
                assert [path for part in failed for path in part] == []
    assert set(stored_rows(database_url)) == set(files)


def all_slugs(client: httpx.Client) -> dict[str, str]:
    """slug → page path of every listed article."""
    return {str(i["slug"]): str(i["path"]) for i in all_articles(client, limit=100)}


def failing_pages(server: Server, paths: list[str]) -> list[str]:
    """The paths that do not answer 200, each with its status."""
    with server.client() as client:
        answers = ((path, client.get(path).status_code) for path in paths)
        return [f"{path}: {status}" for path, status in answers if status != 200]


# Killed while counting views -----------------------------------------------


@dataclass
class Beacons:
    """View beacons sent by clients that keep going whatever the server does."""

    server_url: str
    slugs: list[str]
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: Counter[str] = field(default_factory=Counter)
    # (agent, slug, address)
    acknowledged: set[tuple[str, str, str]] = field(default_factory=set)
    answered: int = 0
    refused: int = 0  # connection errors: the server was down or died mid-request
    unexpected: list[str] = field(default_factory=list)
    numbers: "itertools.count[int]" = field(default_factory=itertools.count)

    def run(self, seed: int) -> None:
        rng = random.Random(seed)
        tokens: dict[str, str] = {}
        with httpx.Client(base_url=self.server_url, timeout=10) as client:
            while not self.stop.is_set():
                slug = rng.choice(self.slugs)
                number = next(self.numbers)
                agent = f"Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 crash-{number}"
                address = reader_address(number)
                try:
                    token = tokens.get(slug) or tokens.setdefault(slug, view_token(client, slug))
                    with self.lock:
                        self.sent[slug] += 1
                    response = send_beacon(
                        client, slug, {"user-agent": agent, "x-forwarded-for": address}, token
                    )
                except httpx.TransportError:
                    with self.lock:
                        self.refused += 1
                    time.sleep(0.02)
                    continue
                with self.lock:
                    self.answered += 1
                    if response.status_code != 200 or not response.json()["counted"]:
                        self.unexpected.append(f"{response.status_code} {response.text[:200]}")
                    else:
                        self.acknowledged.add((agent, slug, address))

    def answered_since(self, count: int, within: float) -> None:
        """Waits until `count` more beacons than now have been answered."""
        with self.lock:
            target = self.answered + count
        eventually(lambda: self.answered >= target, within)


class Senders(Protocol):
    """Clients that each run(seed) in a thread of their own until `stop` is set."""

    stop: threading.Event

    def run(self, seed: int) -> None: ...


SendersT = TypeVar("SendersT", bound=Senders)


@contextmanager
def sending(senders: SendersT, clients: int) -> Iterator[SendersT]:
    threads = [threading.Thread(target=senders.run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    try:
        yield senders
    finally:
        senders.stop.set()
        for thread in threads:
            thread.join()


def port_closed(url: str) -> bool:
    try:
        httpx.get(url + "/", timeout=2)
    except httpx.ConnectError:
        return True
    except httpx.TransportError:
        return False
    return False


def crash(server: Server, whole_group: bool) -> None:
    """SIGKILL the supervisor alone, or its whole process group at once; either way
    nothing may keep serving on its port."""
    if whole_group:
        os.killpg(server.process.pid, signal.SIGKILL)
    else:
        server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    try:
        eventually(lambda: port_closed(server.url), within=10.0)
    except AssertionError:
        raise AssertionError(f"{server.url} still answers after its server was killed") from None


def test_views_acknowledged_before_a_crash_are_all_kept(tmp_path: Path, database_url: str) -> None:
    """Two workers count beacons from 8 clients that never stop: one worker is killed
    (the supervisor replaces it), then the supervisor alone (its workers must go with
    it), then the whole process group; the server is restarted on the same port after
    each full crash. Every beacon acknowledged as counted is in the database."""
    site = copy_site(DEMO_SITE, tmp_path / "site")
    trust_local_proxy(site)
    port = free_port()
    server = launch(site, database_url, "--workers", "2", port=port)
    outputs = []  # of each server in turn: a restart on the same port starts a new log
    try:
        wait_until_ready(server)
        with server.client() as client:
            slugs = list(all_slugs(client))
        with sending(Beacons(server.url, slugs), clients=8) as beacons:
            beacons.answered_since(100, within=30)
            worker = children(server.process.pid)[0]
            os.kill(worker, signal.SIGKILL)
            eventually(lambda: f"worker {worker} exited (-9)" in server.output(), within=5)
            beacons.answered_since(100, within=30)
            for whole_group in (False, True):
                crash(server, whole_group)
                outputs.append(server.output())
                server = launch(site, database_url, "--workers", "2", port=port)
                wait_until_ready(server)
                beacons.answered_since(100, within=30)
        with server.client() as client:
            shown = {s: client.get(f"/api/v1/articles/{s}/views").json() for s in slugs}
        outputs.append(server.output())
    finally:
        stop(server)
    assert beacons.unexpected == []
    assert beacons.refused > 0, "no request met a killed server: the kills came too late"
    for output in outputs:
        assert "Traceback" not in output, output[-3000:]
    assert_integrity(database_url)
    counted = stored_views(database_url)
    print(
        f"\n{len(beacons.acknowledged)} of {sum(beacons.sent.values())} beacons acknowledged, "
        f"{beacons.refused} met a killed server; {sum(counted.totals.values())} stored"
    )
    acknowledged = Counter(slug for _, slug, _ in beacons.acknowledged)
    # A beacon counted by a server killed before it could answer is in the database
    # but not acknowledged: at least every acknowledged view, at most every one sent.
    for slug in slugs:
        assert acknowledged[slug] <= counted.totals.get(slug, 0) <= beacons.sent[slug], slug
        assert shown[slug]["counted"] == counted.totals.get(slug, 0)
    assert counted.daily == counted.totals
    assert [b for b in beacons.acknowledged if not counted.has(*b)] == []
    assert len(counted.visits) == sum(counted.totals.values())


# PostgreSQL stopped and started under load -----------------------------------

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class PrivatePostgres:
    """A PostgreSQL 15 server of this test's own, run as the `postgres` user (it
    refuses root) on a free port with trust authentication."""

    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(POSTGRES_BIN / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{program} {args}: {done.stdout}{done.stderr}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = str(self.folder / "postgres.log")
        self.run("pg_ctl", "start", "-w", "-D", str(self.folder / "data"), "-l", log, "-o", options)

    def stop(self, mode: str) -> None:
        self.run("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.folder / "data"))


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if not (POSTGRES_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL 15 is missing: no {POSTGRES_BIN / 'initdb'}")
    # Not under pytest's temporary folder: the postgres user cannot enter it.
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    owner = pwd.getpwnam("postgres")
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    server = PrivatePostgres(folder, free_port())
    try:
        server.run(
            "initdb", "-D", str(folder / "data"), "-U", "postgres", "-A", "trust", "--no-sync"
        )
        server.start()
        yield server
    finally:
        with contextlib.suppress(AssertionError):
            server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Readers:
    """Clients reading pages and searching, and sending beacons, through an outage:
    pages must always answer; what needs the database answers or says 503."""

    server_url: str
    pages: list[str]
    queries: list[str]
    slugs: list[str]
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    sent: Counter[str] = field(default_factory=Counter)
    acknowledged: Counter[str] = field(default_factory=Counter)
    numbers: "itertools.count[int]" = field(default_factory=itertools.count)
    tokens: dict[str, str] = field(default_factory=dict)  # proofs of a page view, by slug

    def run(self, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=self.server_url, timeout=30) as client:
            while not self.stop.is_set():
                kind = rng.choice(["page", "page", "api-search", "search-page", "beacon"])
                try:
                    self.once(client, rng, kind)
                except httpx.TransportError as error:
                    with self.lock:
                        self.wrong.append(f"{kind}: {type(error).__name__}: {error}")

    def once(self, client: httpx.Client, rng: random.Random, kind: str) -> None:
        """One request, from a reader of its own (the server trusts the proxy)."""
        number = next(self.numbers)
        client.headers["x-forwarded-for"] = reader_address(number)
        if kind == "page":
            response = client.get(rng.choice(self.pages))
        elif kind == "api-search":
            response = client.get("/api/v1/search", params={"q": rng.choice(self.queries)})
        elif kind == "search-page":
            # A new query each time (an offset the cache has not seen): it needs the database.
            query = {"q": rng.choice(self.queries), "offset": str(number % 10_000)}
            response = client.get("/search/", params=query)
        else:
            slug = rng.choice(self.slugs)
            agent = f"Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 outage-{number}"
            with self.lock:
                self.sent[slug] += 1
            token = self.tokens.get(slug) or self.tokens.setdefault(slug, view_token(client, slug))
            response = send_beacon(client, slug, {"user-agent": agent}, token)
            if response.status_code == 200 and response.json()["counted"]:
                with self.lock:
                    self.acknowledged[slug] += 1
        if response.status_code == 200:
            problem = None
        elif kind == "page":  # served from memory: never needs the database
            problem = f"status {response.status_code}"
        else:
            problem = unavailable(response)
        with self.lock:
            self.statuses[kind, response.status_code] += 1
            if problem:
                self.wrong.append(f"{kind} {response.url}: {problem}")

    def count(self, status: int) -> int:
        with self.lock:
            return sum(n for (_, code), n in self.statuses.items() if code == status)

    def more(self, status: int, answers: int, within: float) -> None:
        """Waits until `answers` more requests than now have had `status`."""
        target = self.count(status) + answers
        eventually(lambda: self.count(status) >= target, within)


def unavailable(response: httpx.Response) -> str | None:
    """What is wrong with a 503 for a database that is away, None if it is right."""
    if response.status_code != 503:
        return f"status {response.status_code}"
    if not response.headers.get("retry-after", "").isdigit():
        return "no Retry-After"
    kind = response.headers.get("content-type", "")
    if response.url.path.startswith("/api/"):
        if not kind.startswith("application/json"):
            return f"content-type {kind}"
        error = response.json()["error"]
        return None if error["status"] == 503 and error["message"] else f"body {error}"
    if not kind.startswith("text/html") or "<h1>" not in response.text:
        return f"content-type {kind}, body {response.text[:100]!r}"
    return None


def test_a_restarted_postgresql_is_used_again_without_restarting_newsdesk(
    tmp_path: Path, private_postgres: PrivatePostgres
) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    # In English: the page saying the database is away must be too.
    set_language(site, "en")
    trust_local_proxy(site)
    with running_server(site, private_postgres.url) as server:
        with server.client() as client:
            articles = all_slugs(client)
            tags = [httpx.URL(t["url"]).path for t in client.get("/api/v1/tags").json()["items"]]
            queries = [t["name"] for t in client.get("/api/v1/tags").json()["items"]]
        pages = ["/", *articles.values(), *tags[:10]]
        with sending(Readers(server.url, pages, queries, list(articles)), clients=6) as readers:
            eventually(lambda: sum(readers.acknowledged.values()) >= 20, within=30)
            with server.client() as client:
                before = {
                    s: client.get(f"/api/v1/articles/{s}/views").json()["counted"] for s in articles
                }
            for mode in ("fast", "immediate"):
                private_postgres.stop(mode)
                readers.more(503, 30, within=20)
                with server.client() as client:
                    assert client.get("/").status_code == 200
                    assert unavailable(client.get("/api/v1/articles/pgvector-intro/views")) is None
                    # Search is in each server's memory: it answers without the database.
                    page = client.get("/search/", params={"q": "向量"})
                    assert page.status_code == 200 and '<html lang="en"' in page.text
                    assert "/posts/pgvector-intro/" in page.text
                private_postgres.start()
                recovered = eventually(lambda: beacon_counts(server, readers.slugs[0]), within=15)
                readers.more(200, 50, within=20)
                print(f"\n{mode} shutdown: answering again {recovered:.1f} s after the start")
        with server.client() as client:
            after = {
                s: client.get(f"/api/v1/articles/{s}/views").json()["counted"] for s in articles
            }
        output = server.output()
    assert readers.wrong == [], readers.wrong[:20]
    print(f"statuses: {dict(readers.statuses)}")
    for slug in articles:
        assert before[slug] <= after[slug], slug
        assert readers.acknowledged[slug] <= after[slug] <= readers.sent[slug], slug
    assert "Traceback" not in output, output[-3000:]
    # A few short lines say the database went away and came back, not one per request.
    said = [line for line in output.splitlines() if "database" in line]
    assert 4 <= len(said) <= 12, "\n".join(said[:20])
    assert all(len(line) < 300 for line in said), said


def beacon_counts(server: Server, slug: str) -> bool:
    """Whether a beacon is answered again (the database is back). Sent as a crawler:
    it reads the count without adding a view the readers did not send."""
    with server.client() as client:
        agent = {"user-agent": "newsdesk-outage-probe crawler"}
        return client.post(f"/api/v1/articles/{slug}/views", headers=agent).status_code == 200


# A broken edit under load ---------------------------------------------------


REVISIONS = ("修订版", "再修订", "三修订", "终版")


def served_everywhere(server: Server, slug: str, wanted: str) -> bool:
    """Whether `wanted` is in the title on 8 new connections (each may reach either
    worker)."""
    titles = on_fresh_connections(
        server, lambda client: client.get(f"/api/v1/articles/{slug}").json()["title"]
    )
    return all(wanted in title for title in titles)


def test_a_broken_edit_under_load_keeps_the_last_good_version(tmp_path: Path) -> None:
    """Eight clients read an article (page and API) and the home page on two workers
    while its front matter is broken, then fixed and edited again: every answer is a
    200, the old version while the file does not parse, each revision once stored."""
    site = copy_site(DEMO_SITE, tmp_path / "site")
    path = site / "content" / "rust-2024-edition.md"
    good = path.read_text(encoding="utf-8")
    seen: Counter[tuple[str, str]] = Counter()  # (phase, title)
    wrong: list[str] = []
    phase = ["before"]
    stopped = threading.Event()

    def read(server: Server, seed: int) -> None:
        rng = random.Random(seed)
        with server.client() as client:
            while not stopped.is_set():
                target = rng.choice(["page", "page", "api", "home"])
                now = phase[0]
                try:
                    if target == "page":
                        response = client.get("/posts/rust-2024-edition/")
                        title = page_title(response.text)
                    elif target == "api":
                        response = client.get("/api/v1/articles/rust-2024-edition")
                        title = response.json()["title"]
                    else:
                        response = client.get("/")
                        title = ""
                except httpx.TransportError as error:
                    wrong.append(f"{target}: {type(error).__name__}")
                    continue
                if response.status_code != 200:
                    wrong.append(f"{target}: {response.status_code}")
                seen[now, title] += 1

    # A SQLite database needs no clean-up: the generator may run to its end at once.
    (database_url,) = database_on("sqlite", tmp_path / "store.sqlite")
    with running_server(site, database_url, "--workers", "2") as server:
        with server.client() as client:
            old = client.get("/api/v1/articles/rust-2024-edition").json()["title"]
        threads = [threading.Thread(target=read, args=(server, n)) for n in range(8)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.0)
            # An unclosed flow sequence on line 2: YAML cannot parse the front matter.
            phase[0] = "broken"
            path.write_text("---\ntitle: [unclosed\n" + good.split("\n", 2)[2], encoding="utf-8")
            eventually(lambda: server.output().count("no longer parses") >= 2, within=10)
            time.sleep(1.0)  # keep reading the broken file's article a while
            # Fixed, then edited again: each worker must serve every revision,
            # whichever of them stored it first (a race: several rounds to meet it).
            for revision in REVISIONS:
                phase[0] = "fixing"
                path.write_text(good.replace("Rust 2024", f"Rust 2024 {revision}", 1), "utf-8")
                served = partial(served_everywhere, server, "rust-2024-edition", revision)
                try:
                    eventually(served, within=10)
                except AssertionError:
                    pytest.fail(f"{revision} is not served by every worker:\n{server.output()}")
            phase[0] = "fixed"
            time.sleep(0.5)
        finally:
            stopped.set()
            for thread in threads:
                thread.join()
        output = server.output()
    assert wrong == [], wrong[:20]
    print(f"\nanswers (phase, title): {dict(seen)}")

    def answers(wanted: str, check: Callable[[str], bool]) -> int:
        titled = [(title, n) for (p, title), n in seen.items() if p == wanted and title]
        assert all(check(title) for title, _ in titled), (wanted, titled)
        return sum(n for _, n in titled)

    assert answers("before", lambda title: old in title) > 0
    # Read again and again while the file did not parse: always the last good version.
    assert answers("broken", lambda title: old in title and "修订版" not in title) >= 50
    assert answers("fixed", lambda title: REVISIONS[-1] in title) > 0
    # The diagnostic names the file, with its line and column.
    assert re.search(r"/rust-2024-edition\.md:\d+:\d+: YAML front matter", output), output
    assert "rust-2024-edition.md no longer parses: its last good version stays online" in output
    assert "Traceback" not in output, output[-3000:]
