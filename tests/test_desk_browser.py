"""The desk in real Chromium against a real `newsdesk serve` on 127.0.0.1: log in
through the form, see the article list, log out."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from newsdesk.store import accounts
from tests.browser import screenshot, watched_page
from tests.conftest import BACKENDS, Templates, served_demo
from tests.desk_site import FAST, PASSWORD, START
from tests.server import Server, engine_at

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[Server]:
    for running in served_demo(templates, request.param, tmp_path_factory.mktemp("desk")):
        with engine_at(running.database_url) as engine, engine.begin() as connection:
            accounts.add_user(
                connection, "张编辑", "editor", PASSWORD, START, actor=None, hasher=FAST
            )
        yield running


def test_an_editor_logs_in_sees_the_list_and_logs_out(
    server: Server, browser: Browser, request: pytest.FixtureRequest
) -> None:
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(server.url + "/desk/?status=published")
        assert page.url == server.url + "/desk/login?next=/desk/%3Fstatus%3Dpublished"
        page.fill("#desk-name", "张编辑")
        page.fill("#desk-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(server.url + "/desk/?status=published")
        assert page.locator(".desk-user-name").inner_text() == "张编辑"
        rows = page.locator("tr.desk-row")
        assert rows.count() > 5
        assert page.locator("tr.desk-row.desk-published").count() == rows.count()
        assert page.locator("#desk-status").input_value() == "published"
        backend = request.node.callspec.params["server"]
        if backend == "sqlite":
            screenshot(page, "desk-list")
        cookies = {c["name"]: c for c in page.context.cookies()}
        session = cookies["newsdesk_session"]
        assert session["httpOnly"] and session["sameSite"] == "Lax" and session["path"] == "/desk"
        page.click(".desk-logout button")
        page.wait_for_url(server.url + "/desk/login")
        assert page.locator("#desk-name").is_visible()
        assert "newsdesk_session" not in {c["name"] for c in page.context.cookies()}
        page.goto(server.url + "/desk/")
        assert page.url.startswith(server.url + "/desk/login")
        assert watched.problems() == []
