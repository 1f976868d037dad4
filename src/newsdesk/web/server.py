"""Running the application on uvicorn, in one process or several forked workers
sharing one listening socket (each inherits the indexed site, so none re-reads it)."""

import contextlib
import gc
import importlib
import logging
import os
import signal
import socket
import threading
import time

import uvicorn

from newsdesk.errors import NewsdeskError
from newsdesk.publish.live import LiveSite
from newsdesk.site.locale import Locale
from newsdesk.web.app import App
from newsdesk.web.connections import (
    Connections,
    connection_budget,
    raise_descriptor_limit,
)
from newsdesk.web.forwarded import Proxies
from newsdesk.web.protocol import ClientLimits, busy_answer, limited_protocol

log = logging.getLogger("newsdesk")

# What uvicorn imports when a server starts, given the options below.
_WORKER_MODULES = (
    "uvloop",
    "uvicorn.loops.uvloop",
    "uvicorn.protocols.http.httptools_impl",
    "uvicorn.lifespan.on",
)
# A worker that dies sooner than this after starting is not restarted in a loop.
_CRASH_LOOP_SECONDS = 2.0
# How often a worker checks that its supervisor is still there.
_SUPERVISOR_POLL_SECONDS = 0.25


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise NewsdeskError(
            f"cannot listen on {host}:{port}: {error.strerror}; choose another --port"
        ) from error
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run(live: LiveSite, sock: socket.socket, workers: int) -> None:
    for module in _WORKER_MODULES:  # once here, not in every forked worker
        importlib.import_module(module)
    # The indexed site lives as long as the server: keep the collector off it (and,
    # in forked workers, off its shared pages). No collection first: walking every
    # object of a large site would delay the start by a quarter of a second.
    gc.freeze()
    descriptors = raise_descriptor_limit()
    if workers == 1:
        _worker(live, sock, descriptors)
        return
    children: dict[int, float] = {}
    stopping = False
    supervisor = os.getpid()

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            live.engine.dispose(close=False)  # the parent's connections are not ours
            threading.Thread(target=_follow_supervisor, args=(supervisor,), daemon=True).start()
            try:
                _worker(live, sock, descriptors)
            finally:
                os._exit(0)
        children[pid] = time.monotonic()

    def stop(signum: int, _: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(workers):
        spawn()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        started = children.pop(pid, time.monotonic())
        if stopping:
            continue
        code = os.waitstatus_to_exitcode(status)
        log.warning("worker %d exited (%d); starting another", pid, code)
        if time.monotonic() - started < _CRASH_LOOP_SECONDS:
            time.sleep(_CRASH_LOOP_SECONDS)
        spawn()


def _follow_supervisor(supervisor: int) -> None:
    """Stops this worker (gracefully, as SIGTERM does) once its supervisor is gone: a
    supervisor killed outright cannot stop its workers, and workers left behind would
    keep the port, so that the server could not be started again."""
    while os.getppid() == supervisor:
        time.sleep(_SUPERVISOR_POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


def _worker(live: LiveSite, sock: socket.socket, descriptors: int) -> None:
    config = uvicorn.Config(
        App(live),
        loop="uvloop",
        http=limited_protocol(_client_limits(live, descriptors)),
        lifespan="on",
        access_log=False,
        log_level="warning",
        server_header=False,
        # The client's address and scheme are found by the app (web/forwarded.py),
        # which checks that a forwarded address is an address at all.
        proxy_headers=False,
        timeout_keep_alive=15,
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run(sockets=[sock])


def _client_limits(live: LiveSite, descriptors: int) -> ClientLimits:
    server = live.config.server
    budget = connection_budget(descriptors, server.connections_per_worker)
    # A proxy's connections carry every reader's requests: no per-address cap for them.
    exempt = Proxies(server.forwarded_allow_ips)
    connections = Connections(server.connections_per_address, budget, exempt)
    busy = busy_answer(Locale(live.config.site.language).text("server_busy"))
    return ClientLimits(server.header_timeout, server.body_timeout, connections, busy)
