"""Clients that connect and send slowly or never finish, against a real `newsdesk
serve`: they are closed after the header or body timeout, refused beyond the
per-address cap and the worker's connection budget, and other readers are served
all the while."""

import re
import socket
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from newsdesk.errors import ConfigError
from newsdesk.site.config import CONFIG_NAME, load_config
from newsdesk.site.locale import Locale
from newsdesk.web.connections import Connections, connection_budget
from newsdesk.web.forwarded import Proxies

from .conftest import DEMO_SITE, copy_site, served_site
from .server import Server, eventually

# Longer than the server's timeouts below: a socket still open after this was never closed.
WAIT_SECONDS = 30.0
PARTIAL_HEADERS = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n"
BUSY = Locale("zh-CN").text("server_busy").encode()


def _site(root: Path, server_settings: str) -> Path:
    site = copy_site(DEMO_SITE, root / "site")
    with (site / "newsdesk.toml").open("a", encoding="utf-8") as config:
        config.write(f"\n[server]\n{server_settings}\n")
    return site


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that gives clients a second for headers and a second for a body."""
    site = _site(tmp_path_factory.mktemp("quick"), "header_timeout = 1\nbody_timeout = 1")
    yield from served_site(site, "sqlite")


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that waits long for requests but holds few connections: 8 per address
    and 40 in all."""
    settings = (
        "header_timeout = 120\nbody_timeout = 120\n"
        "connections_per_address = 8\nconnections_per_worker = 40"
    )
    yield from served_site(_site(tmp_path_factory.mktemp("capped"), settings), "sqlite")


def connect(server: Server, source: str = "127.0.0.1") -> socket.socket:
    """A TCP connection to the server from `source` (any address of 127.0.0.0/8 is
    this machine: distinct ones stand for distinct clients)."""
    port = int(server.url.rsplit(":", 1)[1])
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.bind((source, 0))
    client.settimeout(WAIT_SECONDS)
    client.connect(("127.0.0.1", port))
    return client


def read_until_closed(client: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a reset counts as
    closed); fails if the connection is still open after WAIT_SECONDS."""
    received = b""
    try:
        while chunk := client.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {WAIT_SECONDS} s")
    return received


def page_from(server: Server, source: str) -> int:
    """The status of the home page asked for from `source` (0: the connection was reset)."""
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=server.url, transport=transport, timeout=WAIT_SECONDS) as client:
        try:
            return client.get("/").status_code
        except httpx.TransportError:
            return 0


def served_once_closed(server: Server, source: str) -> None:
    """The home page is served to `source` once the server has seen connections just
    closed by the client go (it learns of that a moment later)."""
    eventually(lambda: page_from(server, source) == 200, within=WAIT_SECONDS)


def test_partial_headers_are_closed_after_the_header_timeout_while_pages_are_served(
    quick: Server,
) -> None:
    with ExitStack() as stack:
        slow = [stack.enter_context(connect(quick)) for _ in range(50)]
        silent = stack.enter_context(connect(quick))  # connects and sends nothing
        for client in slow:
            client.sendall(PARTIAL_HEADERS)
        assert page_from(quick, "127.0.0.1") == 200
        for client in [*slow, silent]:
            assert read_until_closed(client) == b""
    assert "Traceback" not in quick.output()


def test_a_request_after_a_complete_one_gets_the_header_timeout_too(quick: Server) -> None:
    with connect(quick) as client:
        client.sendall(PARTIAL_HEADERS + b"\r\n")
        first = b""
        while b"</html>" not in first:
            first += client.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ")
        client.sendall(PARTIAL_HEADERS)  # the next request on the connection, never finished
        assert read_until_closed(client) == b""


def test_a_body_sent_too_slowly_is_closed_after_the_body_timeout(quick: Server) -> None:
    with quick.client() as reader:
        slug = reader.get("/api/v1/articles?limit=1").json()["items"][0]["slug"]
    head = (
        f"POST /api/v1/articles/{slug}/views HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
    )
    with connect(quick) as client:
        client.sendall(head.encode() + b"{}")
        assert read_until_closed(client) == b""
    assert page_from(quick, "127.0.0.1") == 200
    assert "Traceback" not in quick.output()


def test_connections_beyond_the_per_address_cap_are_refused_and_other_addresses_served(
    capped: Server,
) -> None:
    with ExitStack() as stack:
        held = [stack.enter_context(connect(capped, "127.0.0.2")) for _ in range(8)]
        for client in held:
            client.sendall(PARTIAL_HEADERS)
        refused = [stack.enter_context(connect(capped, "127.0.0.2")) for _ in range(200)]
        answers = [read_until_closed(client) for client in refused]
        assert all(re.match(rb"HTTP/1\.1 503 .*\r\nretry-after: 5\r\n", a, re.S) for a in answers)
        assert all(answer.endswith(BUSY + b"\n") for answer in answers)
        assert page_from(capped, "127.0.0.3") == 200
        # The proxy in front of the server (this machine, by default) is not capped.
        assert page_from(capped, "127.0.0.1") == 200
    # Closed connections no longer count: the address is served again.
    served_once_closed(capped, "127.0.0.2")


def test_at_the_budget_the_connection_waiting_longest_makes_room(capped: Server) -> None:
    with ExitStack() as stack:
        # From many addresses (each under its own cap), as from a crowd of slow clients.
        held = [stack.enter_context(connect(capped, f"127.0.1.{n}")) for n in range(1, 41)]
        for client in held:
            client.sendall(PARTIAL_HEADERS)
        assert page_from(capped, "127.0.2.1") == 200
        assert read_until_closed(held[0]) == b""
        held[-1].setblocking(False)
        with pytest.raises(BlockingIOError):  # still open, waiting for its headers
            held[-1].recv(1)


def test_beyond_the_budget_with_every_connection_busy_new_ones_are_refused(
    capped: Server,
) -> None:
    with capped.client() as reader:
        slug = reader.get("/api/v1/articles?limit=1").json()["items"][0]["slug"]
    beacon = (
        f"POST /api/v1/articles/{slug}/views HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{"
    ).encode()
    with ExitStack() as stack:
        # Each has sent its headers and is sending a body: none waits for a request.
        held = [stack.enter_context(connect(capped, f"127.0.3.{n}")) for n in range(1, 41)]
        for client in held:
            client.sendall(beacon)
        answer = read_until_closed(stack.enter_context(connect(capped, "127.0.4.1")))
        assert answer.startswith(b"HTTP/1.1 503 ")
        for client in held[:5]:
            client.close()
        served_once_closed(capped, "127.0.4.1")


def test_the_open_files_limit_is_raised_to_the_hard_limit(capped: Server) -> None:
    limits = Path(f"/proc/{capped.process.pid}/limits").read_text()
    soft, hard = re.search(r"Max open files\s+(\S+)\s+(\S+)", limits).groups()  # type: ignore[union-attr]
    assert soft == hard


def test_the_server_limits_are_checked_with_their_keys(tmp_path: Path) -> None:
    config = tmp_path / CONFIG_NAME
    config.write_text(
        "[server]\nheader_timeout = 0\nbody_timeout = -1\nconnections_per_address = -2\n"
        "connections_per_worker = -3\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert {key for key, _ in raised.value.problems} == {
        "server.header_timeout",
        "server.body_timeout",
        "server.connections_per_address",
        "server.connections_per_worker",
    }


def test_a_proxys_connections_are_not_capped_per_address() -> None:
    connections = Connections(per_address=2, budget=5, exempt=Proxies(["10.0.0.0/8"]))
    assert [connections.admit("192.0.2.1") for _ in range(3)] == [True, True, False]
    assert [connections.admit("10.1.2.3") for _ in range(3)] == [True, True, True]
    assert not connections.admit("192.0.2.2")  # the worker's budget of 5 is reached
    closed: list[str] = []
    connections.waiting("first", lambda: closed.append("first"))
    connections.waiting("second", lambda: closed.append("second"))
    connections.working("first")
    assert connections.admit("192.0.2.3") and closed == ["second"]  # made room
    connections.release("10.1.2.3", "second")
    connections.release("10.1.2.3", object())
    assert connections.admit("192.0.2.2")
    connections.release("192.0.2.1", object())
    assert connections.admit("192.0.2.1")  # under its cap again


def test_the_connection_budget_leaves_descriptors_for_files_and_the_database() -> None:
    assert connection_budget(1024, 0) == (1024 - 64) // 2
    assert connection_budget(1024, 100) == 100
    assert connection_budget(1024, 100_000) == (1024 - 64) // 2
