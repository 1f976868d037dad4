"""Real Chromium (Debian's package, driven by Playwright without its own browser
download) and a real HTTP server on 127.0.0.1 for tests."""

import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Screenshots and other files a reader of the test run may want to look at.
ARTIFACTS = Path(__file__).resolve().parent.parent / ".cache" / "test-artifacts"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (or `make test`)")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, under Playwright."""
    _require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class WatchedPage:
    """A page and everything it did that a reader would not want: console errors,
    uncaught exceptions, failed requests and dialogs (dismissed as they open)."""

    page: Page
    errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [*self.errors, *self.failed_requests, *(f"dialog: {d}" for d in self.dialogs)]


@contextmanager
def watched_page(
    browser: Browser,
    viewport: dict[str, int] = DESKTOP,
    color_scheme: str = "light",
    java_script: bool = True,
) -> Iterator[WatchedPage]:
    """A new page in its own context (no shared cookies or cache), watched."""
    context = browser.new_context(
        viewport=viewport,  # type: ignore[arg-type]
        color_scheme=color_scheme,  # type: ignore[arg-type]
        java_script_enabled=java_script,
        locale="zh-CN",
    )
    page = context.new_page()
    watched = WatchedPage(page)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(f"console: {message.text}")

    def dialog(opened: Dialog) -> None:
        watched.dialogs.append(f"{opened.type}: {opened.message}")
        opened.dismiss()

    def failed(request: Request) -> None:
        watched.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    page.on("console", console)
    page.on("pageerror", lambda error: watched.errors.append(f"exception: {error}"))
    page.on("dialog", dialog)
    page.on("requestfailed", failed)
    try:
        yield watched
    finally:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot kept under .cache/test-artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    extra_headers: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_folder(folder: Path, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve a folder over HTTP on a free port of 127.0.0.1, with `headers` on every
    answer; yields the base URL."""
    handler_class = type("_Handler", (_QuietHandler,), {"extra_headers": headers or {}})
    handler = partial(handler_class, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def rendered_dom(url: str) -> str:
    """The page's DOM after its scripts ran (and their fetches finished)."""
    _require_chromium()
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout
