"""The site's own files on a real `newsdesk serve`: a large file is streamed whole and
in ranges, never compressed, without holding it in memory or holding up pages while
its reader pauses; small ones are gzipped only when their type shrinks."""

import hashlib
import os
import re
import socket
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import DEMO_SITE, copy_site, served_site
from .server import Server

BIG_SIZE = 40 * 1024 * 1024
# A reader that pauses keeps this little in its socket's receive buffer.
PAUSED_BUFFER = 64 * 1024


@dataclass
class Served:
    server: Server
    big: bytes
    text: bytes


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = copy_site(DEMO_SITE, tmp_path_factory.mktemp("files") / "site")
    big = os.urandom(BIG_SIZE)
    (site / "static" / "big.bin").write_bytes(big)
    text = "新闻台的说明文字。\n".encode() * 200
    (site / "static" / "notes.txt").write_bytes(text)
    for server in served_site(site, "sqlite"):
        yield Served(server, big, text)


def test_a_large_file_is_sent_whole_and_uncompressed(served: Served) -> None:
    digest = hashlib.sha256()
    with served.server.client() as client:
        headers = {"accept-encoding": "gzip"}
        with client.stream("GET", "/big.bin", headers=headers) as response:
            assert response.status_code == 200
            assert "content-encoding" not in response.headers
            assert response.headers["content-length"] == str(BIG_SIZE)
            assert response.headers["accept-ranges"] == "bytes"
            for chunk in response.iter_raw():
                digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(served.big).hexdigest()


@pytest.mark.parametrize(
    ("wanted", "start", "end"),
    [
        ("bytes=0-99", 0, 100),
        ("bytes=1000-1999", 1000, 2000),
        ("bytes=-10", BIG_SIZE - 10, BIG_SIZE),
        (f"bytes={BIG_SIZE - 5}-", BIG_SIZE - 5, BIG_SIZE),
        (f"bytes={BIG_SIZE - 5}-{BIG_SIZE + 100}", BIG_SIZE - 5, BIG_SIZE),
    ],
)
def test_a_byte_range_of_a_large_file(served: Served, wanted: str, start: int, end: int) -> None:
    with served.server.client() as client:
        response = client.get("/big.bin", headers={"range": wanted})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {start}-{end - 1}/{BIG_SIZE}"
    assert response.content == served.big[start:end]


def test_a_range_beyond_the_end_is_unsatisfiable(served: Served) -> None:
    with served.server.client() as client:
        response = client.get("/big.bin", headers={"range": f"bytes={BIG_SIZE}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{BIG_SIZE}"


@pytest.mark.parametrize("wanted", ["bytes=0-9,20-29", "lines=1-2", "bytes=abc"])
def test_a_range_it_does_not_serve_gets_the_whole_file(served: Served, wanted: str) -> None:
    with served.server.client() as client:
        response = client.head("/big.bin", headers={"range": wanted})
    assert response.status_code == 200
    assert response.headers["content-length"] == str(BIG_SIZE)


def test_if_range_sends_the_range_only_to_a_copy_of_this_file(served: Served) -> None:
    with served.server.client() as client:
        etag = client.head("/big.bin").headers["etag"]
        current = client.get("/big.bin", headers={"range": "bytes=0-9", "if-range": etag})
        stale = client.head("/big.bin", headers={"range": "bytes=0-9", "if-range": '"other"'})
    assert (current.status_code, current.content) == (206, served.big[:10])
    assert stale.status_code == 200


def test_head_and_revalidation_of_a_large_file_send_no_body(served: Served) -> None:
    with served.server.client() as client:
        head = client.head("/big.bin")
        again = client.get("/big.bin", headers={"if-none-match": head.headers["etag"]})
    assert head.status_code == 200 and head.headers["content-length"] == str(BIG_SIZE)
    assert head.content == b""
    assert again.status_code == 304 and again.content == b""


def test_pages_are_served_while_readers_of_large_files_pause_and_memory_holds_no_copy(
    served: Served,
) -> None:
    server = served.server
    before = _resident_bytes(server)
    with ExitStack() as stack:
        paused = [_paused_download(server, stack) for _ in range(4)]
        with server.client() as client:
            assert client.get("/").status_code == 200
            assert client.get("/categories/").status_code == 200
        # Four readers paused on a 40 MB file: the server holds a few chunks of each.
        assert _resident_bytes(server) - before < BIG_SIZE
        for download in paused:
            assert download.finish() == served.big


def test_a_small_text_file_is_gzipped_once_with_its_own_etag(served: Served) -> None:
    with served.server.client() as client:
        plain = client.get("/notes.txt", headers={"accept-encoding": "identity"})
        zipped = client.get("/notes.txt", headers={"accept-encoding": "gzip"})
    assert plain.content == served.text and "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(served.text)
    assert zipped.content == served.text  # httpx decodes it
    assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    assert plain.headers["vary"] == zipped.headers["vary"] == "accept-encoding"


def test_an_image_is_never_gzipped(served: Served) -> None:
    with served.server.client() as client:
        image = client.get(
            "/images/news/k8s-native-sidecar.png", headers={"accept-encoding": "gzip"}
        )
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert "content-encoding" not in image.headers and "vary" not in image.headers


@dataclass
class PausedDownload:
    """A connection that asked for the large file, read its first bytes, then stopped."""

    reader: socket.socket
    received: bytearray

    def finish(self) -> bytes:
        """The body of the answer, read to its end."""
        while chunk := self.reader.recv(1 << 20):
            self.received += chunk
        head, _, body = bytes(self.received).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 "), head
        return body


def _paused_download(server: Server, stack: ExitStack) -> PausedDownload:
    port = int(server.url.rsplit(":", 1)[1])
    reader = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, PAUSED_BUFFER)
    reader.settimeout(30)
    reader.connect(("127.0.0.1", port))
    reader.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    return PausedDownload(reader, bytearray(reader.recv(4096)))


def _resident_bytes(server: Server) -> int:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert found is not None
    return int(found.group(1)) * 1024
