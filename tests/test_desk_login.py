"""The desk's login, logout and sessions through the app in-process, on SQLite and
PostgreSQL: cookie flags, session fixation, reuse after logout, lockout and
throttling, and where a login may send the browser next."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from newsdesk.store import audit
from newsdesk.store.accounts import add_user, set_disabled
from tests.asgi import InProcess
from tests.conftest import BACKENDS, Templates
from tests.desk_site import (
    FAST,
    PASSWORD,
    START,
    csrf_of,
    desk_site,
    log_in,
    login_rate,
    session_cookie,
    signed_in,
)

ORIGIN = {"origin": "http://127.0.0.1:8000"}


@pytest.fixture(scope="module", params=BACKENDS)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[InProcess]:
    yield from desk_site(tmp_path_factory.mktemp("desk-login"), templates, request.param, [])


def set_cookies(response: object) -> list[str]:
    return response.headers.get_list("set-cookie")  # type: ignore[attr-defined, no-any-return]


def test_a_login_sets_a_strict_session_cookie_and_goes_to_the_desk(app: InProcess) -> None:
    with app.client() as client:
        answer = log_in(client, "zhang")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/desk/"
        session = [c for c in set_cookies(answer) if c.startswith("newsdesk_session=")]
        assert {c.split("Path=")[1].split(";")[0] for c in session} == {"/desk", "/api/v1/desk"}
        for cookie in session:
            flags = [part.strip() for part in cookie.split(";")]
            assert "HttpOnly" in flags and "SameSite=Lax" in flags
            assert f"Max-Age={7 * 24 * 3600}" in flags
            assert "Secure" not in flags  # plain HTTP: a Secure cookie would never come back
        page = client.get("/desk/")
        assert page.status_code == 200
        assert "zhang" in page.text and "编辑" in page.text


def test_the_cookie_is_secure_behind_https(app: InProcess) -> None:
    https = "https://127.0.0.1:8000"
    with app.client() as client:
        form = client.get(https + "/desk/login")
        data = {"name": "zhang", "password": PASSWORD, "csrf": csrf_of(form.text)}
        answer = client.post(https + "/desk/login", data=data, headers={"origin": https})
        assert answer.status_code == 303
        assert all("Secure" in c for c in set_cookies(answer))
        assert "strict-transport-security" in answer.headers


def test_a_wrong_password_an_unknown_user_and_a_disabled_one_read_alike(app: InProcess) -> None:
    with app.live.engine.begin() as connection:
        add_user(connection, "gone", "author", PASSWORD, START, actor=None, hasher=FAST)
        set_disabled(connection, "gone", True, START, actor=None)
    texts = set()
    for name, password in (("zhang", "wrong password!"), ("nobody", PASSWORD), ("gone", PASSWORD)):
        with app.client("198.51.100.1") as client:
            answer = log_in(client, name, password)
            assert answer.status_code == 401
            assert "newsdesk_session=" not in " ".join(set_cookies(answer))
            # Alike but for the name typed and the form's own token.
            texts.add(answer.text.replace(name, "NAME").replace(csrf_of(answer.text), "TOKEN"))
    assert len(texts) == 1
    assert "用户名或密码错误" in texts.pop()


def test_a_session_planted_before_login_is_replaced_and_ends(app: InProcess) -> None:
    with app.client() as attacker:
        assert log_in(attacker, "wang").status_code == 303
        planted = session_cookie(attacker)
    with app.client() as victim:
        victim.cookies.set("newsdesk_session", planted, domain="127.0.0.1", path="/desk")
        assert log_in(victim, "zhang").status_code == 303
        assert session_cookie(victim) != planted
    with app.client() as attacker:
        attacker.cookies.set("newsdesk_session", planted, domain="127.0.0.1", path="/desk")
        answer = attacker.get("/desk/")
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/desk/login")


def test_logout_ends_the_session_and_its_cookie_is_worthless_after(app: InProcess) -> None:
    client, csrf = signed_in(app, "zhang")
    with client:
        token = session_cookie(client)
        answer = client.post("/desk/logout", data={"csrf": csrf}, headers=ORIGIN)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/desk/login"
        cleared = [c for c in set_cookies(answer) if c.startswith("newsdesk_session=;")]
        assert len(cleared) == 2 and all("Max-Age=0" in c for c in cleared)
    with app.client() as replay:
        replay.cookies.set("newsdesk_session", token, domain="127.0.0.1", path="/desk")
        assert replay.get("/desk/").status_code == 303
        answer = replay.get("/api/v1/desk/me", headers={"cookie": f"newsdesk_session={token}"})
        assert answer.status_code == 401


def test_login_and_logout_are_in_the_audit_log(app: InProcess) -> None:
    client, csrf = signed_in(app, "admin")
    with client:
        client.post("/desk/logout", data={"csrf": csrf}, headers=ORIGIN)
    with app.live.engine.connect() as connection:
        actions = [e.action for e in audit.list_audit(connection, actor="admin", limit=5)]
    assert actions[:2] == ["auth.logout", "auth.login"]


def test_a_login_without_the_forms_token_is_refused(app: InProcess) -> None:
    with app.client() as client:
        client.get("/desk/login")
        data = {"name": "zhang", "password": PASSWORD, "csrf": "0" * 64}
        answer = client.post("/desk/login", data=data, headers=ORIGIN)
        assert answer.status_code == 403
        assert "newsdesk_session=" not in " ".join(set_cookies(answer))
    with app.client() as other:  # a token from another browser's form
        stolen = csrf_of(app.client().get("/desk/login").text)
        other.get("/desk/login")
        data = {"name": "zhang", "password": PASSWORD, "csrf": stolen}
        assert other.post("/desk/login", data=data, headers=ORIGIN).status_code == 403


def test_a_login_posted_from_another_site_is_refused(app: InProcess) -> None:
    with app.client() as client:
        form = client.get("/desk/login")
        data = {"name": "zhang", "password": PASSWORD, "csrf": csrf_of(form.text)}
        for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}):
            assert client.post("/desk/login", data=data, headers=headers).status_code == 403


@pytest.mark.parametrize(
    ("next_path", "location"),
    [
        ("/desk/?status=draft", "/desk/?status=draft"),
        ("https://evil.example/", "/desk/"),
        ("//evil.example/desk/", "/desk/"),
        ("/\\evil.example", "/desk/"),
        ("/desk/../admin", "/desk/"),
        ("/desk/%2e%2e/search/", "/desk/"),
        ("/desk/.%2E/", "/desk/"),
        ("/desk/%0d%0aset-cookie:x", "/desk/"),
        ("/desk/\r\nset-cookie: x=1", "/desk/"),
        ("/search/", "/desk/"),
        ("javascript:alert(1)", "/desk/"),
    ],
)
def test_a_login_goes_next_only_to_a_desk_path(
    app: InProcess, next_path: str, location: str
) -> None:
    with app.client() as client:
        answer = log_in(client, "zhang", next_path=next_path)
        assert answer.status_code == 303, answer.text[-600:]
        assert answer.headers["location"] == location


@pytest.fixture
def frozen(app: InProcess) -> Iterator[datetime]:
    """The desk's clock stopped (the address's wait does not pass while a test runs)."""
    desk = app.app.desk
    now = datetime.now(UTC)
    desk.clock = lambda: now
    try:
        yield now
    finally:
        desk.clock = lambda: datetime.now(UTC)


def test_twenty_wrong_passwords_lock_the_account_and_slow_the_address(
    app: InProcess, frozen: datetime
) -> None:
    with app.live.engine.begin() as connection:
        add_user(connection, "target", "author", PASSWORD, START, actor=None, hasher=FAST)
    statuses = []
    # Ten from each of two addresses: each address uses its ten free failures.
    for peer in ("192.0.2.10", "192.0.2.11"):
        with app.client(peer) as client:
            for _ in range(10):
                statuses.append(log_in(client, "target", "wrong password!").status_code)
    assert statuses[:19] == [401] * 19
    assert statuses[19] == 403  # the twentieth locks the account
    with app.client("192.0.2.12") as fresh:
        locked = log_in(fresh, "target")  # the right password, from a clean address
        assert locked.status_code == 403 and "newsdesk_session=" not in str(locked.headers)
        assert "锁定" in locked.text and int(locked.headers["retry-after"]) > 60
    with app.client("192.0.2.10") as slowed:
        answer = log_in(slowed, "zhang")  # even another account, from that address
        assert answer.status_code == 429
        assert int(answer.headers["retry-after"]) >= 1
        assert "秒后再试" in answer.text


def test_logins_past_the_rate_of_an_address_are_answered_429(app: InProcess) -> None:
    data = {"name": "nobody", "password": "x" * 10, "csrf": "0" * 64}
    codes: list[int] = []
    with login_rate(app) as rate, app.client("192.0.2.50") as client:
        # The bucket refills as the calls go on: a few more than the rate empty it.
        while 429 not in codes and len(codes) < 2 * rate:
            codes.append(client.post("/desk/login", data=data, headers=ORIGIN).status_code)
    assert codes[-1] == 429 and codes[:rate] == [403] * rate
