"""Benchmark: `newsdesk serve` (the demo site, one worker) under the abuse its limits
are for, each figure beside its peer from the same run.

    python bench/hardening.py [--duration 5] [--connections 8] [--slow 2000] [--keep]

1. An article page under `wrk` with nothing else going on, then while four clients
   download a 40 MB static file over and over (peer: the idle run).
2. The same page while `--slow` connections from distinct addresses of 127.0.0.0/8
   hold partial headers, and how many of them the server still holds after its
   header timeout (peer: the idle run).
3. One download of the 40 MB file from newsdesk and from nginx serving the same
   folder (peer: nginx).

The machine's load average is printed before and after: other work on the same cores
skews every figure.
"""

import argparse
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import free_port, in_scratch_folder
from serve import load_average, nginx_command, serve_command, started, wait_ready

DEMO_SITE = Path(__file__).resolve().parent.parent / "examples" / "site"
BIG_FILE = "big.bin"
BIG_SIZE = 40 * 1024 * 1024
HEADER_TIMEOUT_S = 3
PARTIAL_HEADERS = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def wrk(url: str, args: argparse.Namespace) -> tuple[float, str]:
    """Requests/s and the p99 latency as wrk prints it, with its socket errors (a
    timeout is a request unanswered after 2 s, which wrk leaves out of the latency)."""
    command = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s"]
    output = subprocess.run(
        [*command, "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    if rate is None or p99 is None or "Non-2xx" in output:
        raise SystemExit(f"wrk failed on {url}:\n{output}")
    errors = re.search(r"Socket errors: (.*)", output)
    return float(rate.group(1)), p99.group(1) + (f" (socket errors: {errors[1]})" if errors else "")


def download(url: str) -> tuple[float, str]:
    """Seconds to download the whole answer, and its SHA-256."""
    start = time.perf_counter()
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=120) as answer:
        while chunk := answer.read(1 << 20):
            digest.update(chunk)
    return time.perf_counter() - start, digest.hexdigest()


def downloading(url: str, stop: threading.Event) -> None:
    while not stop.is_set():
        download(url)


def slow_connections(port: int, count: int, stack: ExitStack) -> list[socket.socket]:
    """`count` connections from distinct addresses, each sending partial headers."""
    held = []
    for n in range(count):
        client = stack.enter_context(socket.socket())
        client.bind((f"127.{10 + n // 65536}.{n // 256 % 256}.{n % 256 or 1}", 0))
        client.connect(("127.0.0.1", port))
        client.sendall(PARTIAL_HEADERS)
        held.append(client)
    return held


def still_open(held: list[socket.socket]) -> int:
    count = 0
    for client in held:
        client.setblocking(False)
        try:
            count += client.recv(1) != b""
        except BlockingIOError:
            count += 1
        except ConnectionResetError:
            pass
    return count


def bench(root: Path, args: argparse.Namespace) -> None:
    site = root / "site"
    shutil.copytree(DEMO_SITE, site, ignore=shutil.ignore_patterns(".newsdesk", "public"))
    with (site / "newsdesk.toml").open("a", encoding="utf-8") as config:
        config.write(f"\n[server]\nheader_timeout = {HEADER_TIMEOUT_S}\n")
    (site / "static" / BIG_FILE).write_bytes(os.urandom(BIG_SIZE))
    port, nginx_port = free_port(), free_port()
    base, nginx_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{nginx_port}"
    print(f"before: {load_average()}")
    with (
        started(serve_command(site, port, 1), root / "serve.log") as server,
        started(nginx_command(root / "nginx", site / "static", nginx_port), root / "nginx.log"),
    ):
        wait_ready(server, base, 120, root / "serve.log")
        page = base + "/posts/rust-2024-edition/"
        idle = wrk(page, args)
        print(f"article page, idle:                   {idle[0]:8.0f} req/s, p99 {idle[1]}")

        stop = threading.Event()
        readers = [
            threading.Thread(target=downloading, args=(f"{base}/{BIG_FILE}", stop))
            for _ in range(4)
        ]
        for reader in readers:
            reader.start()
        loaded = wrk(page, args)
        stop.set()
        for reader in readers:
            reader.join()
        print(
            f"article page, 4 downloads of 40 MB:   {loaded[0]:8.0f} req/s, p99 {loaded[1]}"
            f"  ({loaded[0] / idle[0]:.0%} of idle)"
        )

        with ExitStack() as stack:
            held = slow_connections(port, args.slow, stack)
            flooded = wrk(page, args)
            print(
                f"article page, {args.slow} slow clients: {flooded[0]:8.0f} req/s, "
                f"p99 {flooded[1]}  ({flooded[0] / idle[0]:.0%} of idle)"
            )
            time.sleep(HEADER_TIMEOUT_S + 2)
            print(
                f"slow connections still open {HEADER_TIMEOUT_S + 2} s after sending: "
                f"{still_open(held)} of {args.slow}"
            )

        ours, our_sum = download(f"{base}/{BIG_FILE}")
        theirs, their_sum = download(f"{nginx_base}/{BIG_FILE}")
        same = "same bytes" if our_sum == their_sum else "DIFFERENT BYTES"
        print(
            f"one 40 MB download: newsdesk {ours:.2f} s, nginx {theirs:.2f} s "
            f"({ours / theirs:.1f}x; {same})"
        )
    print(f"after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--slow", type=int, default=2000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    in_scratch_folder("newsdesk-hardening-", args.keep, "the site", lambda root: bench(root, args))


if __name__ == "__main__":
    main()
