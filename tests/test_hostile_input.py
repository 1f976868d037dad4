"""Hostile input: articles that try to escape the site, to exhaust the parser or to
break the decoder, read by `newsdesk check`, `inspect` and `build` (real processes)
and served (the app in-process, and a real server for what only its HTTP parser and
sockets see). Each bad file gets a diagnostic with its line and column and the others
still load."""

import contextlib
import json
import re
import select
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests import asgi
from tests.asgi import InProcess, serving
from tests.conftest import BACKENDS, DEMO_SITE, Templates, copy_site, run_newsdesk
from tests.server import Server

GOOD = "---\ntitle: 好文章\ndate: 2024-01-01\n---\n\n正文。\n"


def article(title: str, body: str = "正文。\n", **fields: str) -> str:
    meta = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"---\ntitle: {title}\ndate: 2024-01-01\n{meta}---\n\n{body}"


def yaml_alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + f"\ntags: *a{levels - 1}\n"


# Slugs and file names that try to leave the site: each article must still get a
# page, at a URL made only of safe characters.
TRAVERSAL_SLUGS = {
    "slug-dotdot.md": "../../etc/passwd",
    "slug-absolute.md": "/etc/shadow",
    "slug-backslash.md": '"..\\\\..\\\\windows\\\\win.ini"',
    "slug-encoded.md": "'%2e%2e/%2e%2e/secret'",
    "slug-nul.md": '"nul\\0/../x"',
}
ODD_NAMES = [" 空格 and space .md", "ünïcödé-名字.md", "%2e%2e%2fescape.md", "a..b.md"]
SAFE_URL = re.compile(r"/posts/[a-z0-9-]+/")

# Markdown nested far past any recursion limit: each renders to a page.
DEEP_MARKDOWN = {
    "deep-quotes.md": article("深引用", ">" * 5000 + " 最深处\n"),
    "deep-quote-lines.md": article("深引用行", "".join(">" * n + " 行\n" for n in range(1, 600))),
    "deep-lists.md": article("深列表", "".join("  " * n + "- 项\n" for n in range(600))),
    "deep-emphasis.md": article("深强调", "*" * 5000 + "字" + "*" * 5000 + "\n"),
    "deep-brackets.md": article("深括号", "[" * 5000 + "链接" + "]" * 5000 + "(https://x)\n"),
    "deep-html.md": article("深标签", "<div>" * 5000 + "\n\n内容\n"),
    "backtick-heading.md": article("反引号标题", "## " + "`" * 30000 + "\n\n正文。\n"),
    "bracket-heading.md": article("括号标题", "## " + "[" * 30000 + "\n\n正文。\n"),
    "unclosed-markup.md": article("未闭合", "".join(m * 150_000 + "\n" for m in ("{{", "<", "]("))),
}
# Front matter that cannot be used, and what starts the line its diagnostic is on: the
# field with the bad value, or the block's first line when the parser gives no position.
BAD_FRONT_MATTER = {
    "yaml-self.md": (
        "---\ntitle: 自指\ntags: &t [a, *t]\nauthor: &p {name: *p}\n---\n\n正文\n",
        "tags:",
    ),
    "yaml-bomb.md": (
        "---\ntitle: 炸弹\ndate: 2024-01-01\n" + yaml_alias_bomb(8) + "---\n\n正文\n",
        "tags:",
    ),
    "yaml-deep.md": (
        "---\ntitle: 深\ntags: " + "[" * 3000 + "x" + "]" * 3000 + "\n---\n\n正文\n",
        "tags:",
    ),
    "yaml-deep-map.md": (
        "---\ntitle: 深\n" + "".join(" " * n + f"k{n}:\n" for n in range(500)) + "---\n\n正文\n",
        "k0:",
    ),
    "json-deep.md": ('{"title": "深", "x": ' + "[" * 10000 + "]" * 10000 + "}\n\n正文\n", "{"),
    # Salvaged: the title is read, the field nested too deeply is reported at its line.
    "toml-deep.md": (
        '+++\ntitle = "深"\nx = ' + "[" * 10000 + "]" * 10000 + "\n+++\n\n正文\n",
        "x = ",
    ),
    "toml-deep-table.md": (
        '+++\ntitle = "深"\nx = ' + "{a=" * 3000 + "1" + "}" * 3000 + "\n+++\n",
        "x = ",
    ),
}
# Files that are not UTF-8: read as GB18030 when they decode so, else refused.
NOT_UTF8 = {
    "latin1.md": "---\ntitle: café\n---\n\nnaïve\n".encode("latin-1"),
    "mixed.md": b"---\ntitle: \xe4\xb8\xad \xff\xfe\n---\n\n\xe6\x96\x87\n",
    "overlong.md": b"---\ntitle: \xc0\xae\xc0\xae\n---\n\nx\n",
    "surrogate.md": GOOD.encode() + b"\xed\xa0\x80\n",
    "gbk.md": article("国标", "中文正文。\n").encode("gb18030"),
}
BIG_BYTES = 3 * 1024 * 1024


def write_hostile_site(root: Path) -> Path:
    site = copy_site(DEMO_SITE, root / "site")
    content = site / "content"
    for name, slug in TRAVERSAL_SLUGS.items():
        (content / name).write_text(article(f"路径 {name}", slug=slug), encoding="utf-8")
    for name in ODD_NAMES:
        (content / name).write_text(article(f"名字 {name.strip()}"), encoding="utf-8")
    (content / ".hidden.md").write_text(article("隐藏"), encoding="utf-8")
    for name, text in DEEP_MARKDOWN.items():
        (content / name).write_text(text, encoding="utf-8")
    for name, (text, _) in BAD_FRONT_MATTER.items():
        (content / name).write_text(text, encoding="utf-8")
    for name, data in NOT_UTF8.items():
        (content / name).write_bytes(data)
    (content / "huge.md").write_text(GOOD + "长" * (BIG_BYTES // 3), encoding="utf-8")
    keys = "".join(f"extra_{n}: {'值' * 20}\n" for n in range(5000))
    (content / "huge-front-matter.md").write_text(
        f"---\ntitle: 大头\ndate: 2024-01-01\n{keys}---\n\n正文。\n", encoding="utf-8"
    )
    return site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile_site(tmp_path_factory.mktemp("hostile"))


def visible_articles(site: Path) -> list[str]:
    """The names of the content folder's files that are read (all but the hidden one)."""
    return sorted(p.name for p in (site / "content").glob("*.md") if not p.name.startswith("."))


@pytest.fixture(scope="module")
def checked(hostile_site: Path) -> dict[str, list[dict[str, object]]]:
    """`newsdesk check --format json` on the hostile site: its findings by file."""
    result = run_newsdesk("check", ".", "--format", "json", cwd=hostile_site)
    assert result.returncode == 1, f"exit {result.returncode}:\n{result.stderr[-2000:]}"
    by_file: dict[str, list[dict[str, object]]] = {}
    for finding in json.loads(result.stdout):
        by_file.setdefault(str(finding["path"]).removeprefix("content/"), []).append(finding)
    return by_file


@pytest.fixture(scope="module")
def inspected(hostile_site: Path) -> dict[str, dict[str, object]]:
    """`newsdesk inspect --json` on each file of the hostile site, by file name."""
    names = visible_articles(hostile_site)
    result = run_newsdesk("inspect", "--json", *(f"content/{n}" for n in names), cwd=hostile_site)
    found = json.loads(result.stdout)
    assert len(found) == len(names), result.stderr[-2000:]
    return {Path(str(item["path"])).name: item for item in found}


def codes(findings: list[dict[str, object]]) -> set[str]:
    return {str(f["code"]) for f in findings}


def test_every_finding_points_inside_its_file(
    hostile_site: Path, checked: dict[str, list[dict[str, object]]]
) -> None:
    assert {*BAD_FRONT_MATTER, *NOT_UTF8, "huge.md"} <= set(checked)
    for name, findings in checked.items():
        lines = (hostile_site / "content" / name).read_bytes().splitlines() or [b""]
        for finding in findings:
            line, col = finding["line"], finding["col"]
            assert isinstance(line, int) and isinstance(col, int)
            assert 1 <= line <= len(lines), (name, finding)
            assert 1 <= col <= len(lines[line - 1]) + 1, (name, finding)
            assert finding["message"] and finding["fix"], (name, finding)


def test_bad_front_matter_is_a_diagnostic_at_its_line(
    checked: dict[str, list[dict[str, object]]],
) -> None:
    for name, (text, start) in BAD_FRONT_MATTER.items():
        line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(start))
        findings = [f for f in checked.get(name, []) if f["code"] != "unknown-field"]
        assert findings, f"{name}: no diagnostic"
        bad = {"frontmatter-syntax", "frontmatter-salvaged", "invalid-value"}
        assert codes(findings) & bad, (name, findings)
        assert any(f["line"] == line for f in findings), (name, findings)


def test_files_that_are_not_utf8_are_read_or_refused_at_the_bad_byte(
    checked: dict[str, list[dict[str, object]]],
) -> None:
    for name, data in NOT_UTF8.items():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            bad = error.start
        line = data.count(b"\n", 0, bad) + 1
        col = bad - (data.rfind(b"\n", 0, bad) + 1) + 1
        try:
            data.decode("gb18030")
            code = "encoding-gb18030"
        except UnicodeDecodeError:
            code = "encoding-invalid"
        found = [(f["code"], f["line"], f["col"]) for f in checked[name]]
        assert (code, line, col) in found, (name, found)


def test_oversized_files_are_refused_or_read_whole(
    checked: dict[str, list[dict[str, object]]],
) -> None:
    (huge,) = checked["huge.md"]
    assert huge["code"] == "file-too-large" and "max_file_kb" in str(huge["fix"])
    assert huge["severity"] == "error"
    assert "error" not in {f["severity"] for f in checked["huge-front-matter.md"]}


def test_deep_markdown_and_odd_names_load_without_errors(
    checked: dict[str, list[dict[str, object]]], inspected: dict[str, dict[str, object]]
) -> None:
    for name in [*DEEP_MARKDOWN, *ODD_NAMES, *TRAVERSAL_SLUGS]:
        # Loaded into an article: a file that was not read would have no findings either.
        assert inspected[name]["title"] and inspected[name]["url"], name
        assert "error" not in {f["severity"] for f in checked.get(name, [])}, name
    assert ".hidden.md" not in checked
    alone = run_newsdesk("check", ".", "--format", "json", cwd=DEMO_SITE)
    expected = {(f["path"], f["code"], f["line"], f["col"]) for f in json.loads(alone.stdout)}
    found = {
        (f["path"], f["code"], f["line"], f["col"])
        for name, findings in checked.items()
        if (DEMO_SITE / "content" / name).is_file()
        for f in findings
    }
    assert found == expected, "the hostile files changed what the demo articles report"


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def test_build_writes_only_inside_its_output_folder(
    tmp_path: Path, inspected: dict[str, dict[str, object]]
) -> None:
    site = write_hostile_site(tmp_path / "root" / "a" / "b")
    out = tmp_path / "root" / "a" / "b" / "out"
    before = files_under(tmp_path)
    result = run_newsdesk("build", str(site), "--out", str(out))
    assert result.returncode == 1, result.stderr[-2000:]
    written = files_under(tmp_path) - before
    cache = site / ".newsdesk"
    outside = {p for p in written if not p.is_relative_to(out) and not p.is_relative_to(cache)}
    assert not outside, sorted(map(str, outside))
    for name in [*TRAVERSAL_SLUGS, *ODD_NAMES, *DEEP_MARKDOWN]:
        url = str(inspected[name]["url"])
        assert SAFE_URL.fullmatch(url), (name, url)
        assert (out / url.strip("/") / "index.html").is_file(), name


@pytest.mark.parametrize(
    "permalink", ["/../../:slug/", "/posts/../../../:slug/", "/a\\\\..\\\\:slug/"]
)
def test_a_permalink_leaving_the_output_folder_is_refused(tmp_path: Path, permalink: str) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "deep" / "site")
    config = site / "newsdesk.toml"
    text = config.read_text(encoding="utf-8").replace("/posts/:slug/", permalink)
    config.write_text(text, encoding="utf-8")
    before = files_under(tmp_path)
    result = run_newsdesk("build", str(site), "--out", str(site / "out"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "content.permalink" in result.stderr and "/posts/:slug/" in result.stderr
    assert files_under(tmp_path) == before


# Serving -------------------------------------------------------------------

SECRET = "TOP-SECRET-OUTSIDE-THE-SITE"
LEAKS = (SECRET, "[site]", "root:x:0:0", "SQLite format")


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[InProcess]:
    """The hostile site served in-process, with a secret beside it and in it."""
    root = tmp_path_factory.mktemp("hostile-served")
    site = write_hostile_site(root)
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    (site / "secret.txt").write_text(SECRET, encoding="utf-8")
    (site / ".newsdesk").mkdir()  # where the database would be if not told
    # The demo site indexed already: only the hostile files are compiled.
    for url in templates.demo(request.param).copy(site / ".newsdesk" / "store.sqlite"):
        with serving(site, url) as app:
            yield app


def assert_still_serving(app: InProcess) -> None:
    with app.client() as client:
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/articles", params={"limit": "1"}).status_code == 200


TRAVERSALS = [
    b"/static/../newsdesk.toml",
    b"/static/../../secret.txt",
    b"/static/..%2f..%2fsecret.txt",
    b"/static/%2e%2e/%2e%2e/secret.txt",
    b"/static/%2E%2E/newsdesk.toml",
    b"/static/%252e%252e/%252e%252e/secret.txt",
    b"/static/.%2e/newsdesk.toml",
    b"/static/./../newsdesk.toml",
    b"//etc/passwd",
    b"/static//etc/passwd",
    b"/static/\\..\\newsdesk.toml",
    b"/static/%5c..%5c..%5csecret.txt",
    b"/static/images/..;/..;/newsdesk.toml",
    b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/..%00/newsdesk.toml",
    b"/static/%00../newsdesk.toml",
    b"/static/images/%00",
    b"/static/%c0%ae%c0%ae/newsdesk.toml",
    b"/static/%e0%80%ae%e0%80%ae/secret.txt",
    b"/static/%c0%af../secret.txt",
    b"/static/%f0%80%80%ae%f0%80%80%ae/secret.txt",
    b"/secret.txt",
    b"/newsdesk.toml",
    b"/.newsdesk/store.sqlite",
    b"/content/slug-dotdot.md",
    b"/posts/..%2f..%2fnewsdesk.toml",
    b"/posts/%2e%2e/%2e%2e/secret.txt",
    b"/etc-passwd/../../secret.txt",
    b"/api/v1/articles/..%2f..%2fnewsdesk.toml",
    b"/api/v1/articles/%2e%2e/views",
    b"/api/v1/articles/../../../secret.txt",
    b"/api/v1/../../secret.txt",
    b"/search/..%2f..%2fsecret.txt",
]
# The site's static files are served from the root: /images/x.png is static/images/x.png.
TRAVERSALS += [t.replace(b"/static/", b"/images/") for t in TRAVERSALS if b"/static/" in t]


def test_traversal_never_serves_a_file_from_outside_the_site(served: InProcess) -> None:
    for target in TRAVERSALS:
        for method in (b"GET", b"HEAD", b"POST"):
            reply = served.send_raw(method + b" " + target + b" HTTP/1.1")
            assert 400 <= reply.status < 500, (method, target, reply.status)
            assert not any(leak.encode() in reply.body for leak in LEAKS), target
    assert_still_serving(served)


def test_site_static_files_and_every_public_article_are_still_served(
    served: InProcess, inspected: dict[str, dict[str, object]]
) -> None:
    image = next((served.site / "static").rglob("*.*"))
    relative = image.relative_to(served.site / "static").as_posix()
    reply = served.send_raw(b"GET /" + relative.encode() + b" HTTP/1.1")
    assert reply.status == 200 and reply.body == image.read_bytes()
    now = datetime.now(UTC)
    public = [
        a
        for a in inspected.values()
        if a.get("url") and not a["draft"] and datetime.fromisoformat(str(a["published"])) <= now
    ]
    assert len(public) > len(list((DEMO_SITE / "content").glob("*.md")))
    with served.client() as client:
        for found in public:
            page = client.get(str(found["url"]))
            assert page.status_code == 200, (found["path"], page.status_code)
            # Parsed up to the end of the page's first h1: whole, the largest page
            # (of a megabyte of unclosed markup) takes the parser seconds.
            head = page.text[: page.text.find("</h1>") + len("</h1>")]
            assert BeautifulSoup(head, "html.parser").find("h1") is not None, found["path"]
            assert "<script>alert" not in page.text
            assert client.get(f"/api/v1/articles/{found['slug']}").status_code == 200


BEACON = b"POST /api/v1/articles/rust-2024-edition/views HTTP/1.1"
BIG = b"x" * (1024 * 1024)


def oversized_requests() -> dict[str, tuple[bytes, bytes]]:
    """Requests too large in each part, by name: (request line and headers, body)."""
    length = f"\r\nContent-Length: {len(BIG)}".encode()
    return {
        "body": (BEACON + length, BIG),
        "chunked body": (
            BEACON + b"\r\nTransfer-Encoding: chunked",
            b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in [BIG[:65536]] * 16)
            + b"0\r\n\r\n",
        ),
        # Announced but never sent: refused without waiting for it.
        "announced body": (BEACON + b"\r\nContent-Length: 100000000000", b""),
        "api body": (b"POST /api/v1/articles/nope/views HTTP/1.1" + length, BIG),
        "query": (b"GET /api/v1/search?q=" + b"a" * 60_000 + b" HTTP/1.1", b""),
        "page query": (b"GET /search/?q=" + b"%e4%b8%ad" * 3000 + b" HTTP/1.1", b""),
        "path": (b"GET /posts/" + b"a" * 60_000 + b"/ HTTP/1.1", b""),
        "api path": (b"GET /api/v1/articles/" + b"a" * 60_000 + b" HTTP/1.1", b""),
        "fields": (
            b"GET /api/v1/articles?" + b"&".join(b"k%d=1" % n for n in range(500)) + b" HTTP/1.1",
            b"",
        ),
        "header": (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 1024 * 1024, b""),
        "headers": (b"GET / HTTP/1.1" + b"".join(b"\r\nX-H%d: v" % n for n in range(20_000)), b""),
    }


def check_oversized_replies(replies: Mapping[str, "SocketReply | asgi.Reply"]) -> None:
    for name, reply in replies.items():
        assert 400 <= reply.status < 500, (name, reply.status, reply.body[:200])
        assert reply.status in (400, 413, 414, 431), (name, reply.status)
    assert replies["body"].status == replies["announced body"].status == 413
    error = json.loads(replies["body"].body)["error"]
    assert error["status"] == 413 and "65536" in error["message"]
    assert b"query parameters" in replies["fields"].body


def test_oversized_requests_are_refused_with_a_clear_4xx(served: InProcess) -> None:
    replies = {}
    for name, (head, body) in oversized_requests().items():
        if b"Transfer-Encoding: chunked" in head:
            body = BIG  # the server's HTTP parser hands the app the chunks' data
        replies[name] = served.send_raw(head, body)
    check_oversized_replies(replies)
    assert_still_serving(served)


def test_invalid_utf8_in_urls_is_a_400(served: InProcess) -> None:
    for target in (
        b"/%ff%fe/",
        b"/posts/%c3%28/",
        b"/static/%80",
        b"/search/?q=%ff",
        b"/search/?q=%e4%b8",
        b"/api/v1/search?q=%c0%ae",
        b"/api/v1/articles?tag=%ed%a0%80",
        b"/api/v1/articles/%ff%ff",
        b"/api/v1/articles/%ff/views",
        b"/?%ff=1",
    ):
        reply = served.send_raw(b"GET " + target + b" HTTP/1.1")
        assert reply.status == 400, (target, reply.status)
        if target.startswith(b"/api/"):
            assert json.loads(reply.body)["error"]["status"] == 400
    # Header values are not UTF-8 either: the server takes them as bytes.
    agent = served.send_raw(
        b"POST /api/v1/articles/rust-2024-edition/views HTTP/1.1\r\nUser-Agent: \xff\xfe\x80"
        b"\r\nOrigin: \xc0\xae\r\nContent-Length: 0",
    )
    assert agent.status == 200 and json.loads(agent.body)["slug"] == "rust-2024-edition"
    assert_still_serving(served)


# A real server: its HTTP parser and sockets --------------------------------


@dataclass
class SocketReply:
    status: int
    head: str  # the status line and headers, lowercased
    body: bytes


def send_raw(server: Server, head: bytes, body: bytes = b"") -> SocketReply:
    """One request exactly as written (no client normalizes its path), on its own
    connection; the reply must come within the socket's timeout. The body goes in
    pieces, and no more of it once the server has answered (as a refusal would)."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        for start in range(0, len(body), 16384):
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(body[start : start + 16384])
            except (BrokenPipeError, ConnectionResetError):
                break
        data = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                data += chunk
    header, _, content = data.partition(b"\r\n\r\n")
    status = int(header.split(b" ", 2)[1])
    return SocketReply(status, header.decode("latin-1").lower(), content)


# The database does not matter here: SQLite is enough.
@pytest.mark.parametrize("demo_server", ["sqlite"], indirect=True)
def test_a_server_process_refuses_oversized_and_unparsable_requests_and_keeps_serving(
    demo_server: Server,
) -> None:
    replies = {
        name: send_raw(demo_server, head, body)
        for name, (head, body) in oversized_requests().items()
    }
    check_oversized_replies(replies)
    # Bytes outside ASCII in the request line: refused by the server's HTTP parser.
    raw = send_raw(demo_server, b"GET /\xff\xfe/?q=\xc0\xae HTTP/1.1")
    assert 400 <= raw.status < 500
    assert demo_server.process.poll() is None, demo_server.output()
    with demo_server.client() as client:
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/articles", params={"limit": "1"}).status_code == 200
