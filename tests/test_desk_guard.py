"""The desk's guard, list and API through the app in-process, on SQLite and
PostgreSQL: CSRF and cross-site refusals, roles, bearer tokens, the headers of every
desk answer, the article list's filters, and hostile titles and names left inert."""

from collections.abc import Iterator
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from newsdesk.site.desk_list import DeskFilters, DeskUser
from newsdesk.site.desk_pages import articles_page
from newsdesk.site.locale import MESSAGES
from newsdesk.site.security import DESK_POLICY
from newsdesk.site.theme import Theme
from newsdesk.store.api_tokens import list_api_tokens, revoke_api_token
from tests.asgi import InProcess
from tests.conftest import BACKENDS, Templates
from tests.desk_site import START, desk_site, new_token, signed_in
from tests.xss_payloads import PAYLOADS

ORIGIN = {"origin": "http://127.0.0.1:8000"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset"}
HOSTILE = [p.text for p in PAYLOADS if not p.markdown_only][:40]


@pytest.fixture(scope="module", params=BACKENDS)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[InProcess]:
    root = tmp_path_factory.mktemp("desk-guard")
    yield from desk_site(root, templates, request.param, HOSTILE)


def test_a_post_without_a_csrf_token_or_with_another_sessions_is_refused(app: InProcess) -> None:
    mine, _ = signed_in(app, "zhang")
    _, theirs = signed_in(app, "wang")
    with mine:
        for data in ({}, {"csrf": ""}, {"csrf": theirs}, {"csrf": theirs.upper()}):
            answer = mine.post("/desk/logout", data=data, headers=ORIGIN)
            assert answer.status_code == 403, data
            assert "CSRF" in answer.text
        header = {**ORIGIN, "x-csrf-token": theirs}
        assert mine.post("/desk/logout", headers=header).status_code == 403
        assert mine.get("/desk/").status_code == 200  # still signed in


def test_a_cross_site_post_is_refused_even_with_the_right_token(app: InProcess) -> None:
    client, csrf = signed_in(app, "zhang")
    with client:
        for headers in (
            {"origin": "https://evil.example"},
            {"origin": "null"},
            {"sec-fetch-site": "cross-site"},
            {"sec-fetch-site": "same-site"},
        ):
            answer = client.post("/desk/logout", data={"csrf": csrf}, headers=headers)
            assert answer.status_code == 403, headers
        assert client.get("/desk/").status_code == 200


def test_the_api_takes_a_cookie_only_with_the_csrf_header(app: InProcess) -> None:
    client, csrf = signed_in(app, "zhang")
    with client:
        assert client.get("/api/v1/desk/me").status_code == 403
        answer = client.get("/api/v1/desk/me", headers={"x-csrf-token": csrf})
        assert answer.status_code == 200
        assert answer.json() == {"name": "zhang", "role": "editor", "via": "session"}


def test_a_page_without_a_session_goes_to_the_login_form(app: InProcess) -> None:
    with app.client() as client:
        answer = client.get("/desk/?status=draft")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/desk/login?next=/desk/%3Fstatus%3Ddraft"
        assert client.get("/desk/no-such-page").status_code == 303
        answer = client.get("/api/v1/desk/articles")
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.json()["error"]["status"] == 401


def test_a_wrong_role_is_refused_on_the_page_and_the_api(app: InProcess) -> None:
    client, csrf = signed_in(app, "lin")
    with client:
        page = client.get("/desk/users")
        assert page.status_code == 403
        assert "你的角色无权执行此操作" in page.text
        api = client.get("/api/v1/desk/users", headers={"x-csrf-token": csrf})
        assert api.status_code == 403 and api.json()["error"]["status"] == 403
    token = new_token(app, "zhang")
    with app.client() as pipeline:
        answer = pipeline.get("/api/v1/desk/users", headers={"authorization": f"Bearer {token}"})
        assert answer.status_code == 403
    admin, _ = signed_in(app, "admin")
    with admin:
        page = admin.get("/desk/users")
        assert page.status_code == 200 and "lin" in page.text


def test_a_bearer_token_works_until_revoked(app: InProcess) -> None:
    token = new_token(app, "lin")
    bearer = {"authorization": f"Bearer {token}"}
    with app.client() as pipeline:
        me = pipeline.get("/api/v1/desk/me", headers=bearer)
        assert me.json() == {"name": "lin", "role": "author", "via": "token"}
        for wrong in ("nd_" + "x" * 43, "", "not-a-token", token + "x"):
            answer = pipeline.get("/api/v1/desk/me", headers={"authorization": f"Bearer {wrong}"})
            assert answer.status_code == 401, wrong
        with app.live.engine.begin() as connection:
            token_id = max(t.id for t in list_api_tokens(connection))
            revoke_api_token(connection, token_id, START, actor=None)
        assert pipeline.get("/api/v1/desk/me", headers=bearer).status_code == 401
        # A token is for the API: the pages know only sessions.
        assert pipeline.get("/desk/", headers=bearer).status_code == 303


def test_every_desk_answer_is_not_stored_and_not_framed(app: InProcess) -> None:
    client, csrf = signed_in(app, "admin")
    token = new_token(app, "admin")
    with client, app.client() as anonymous:
        answers = [
            anonymous.get("/desk/login"),
            anonymous.get("/desk/"),
            anonymous.post("/desk/login", data={}, headers=ORIGIN),
            anonymous.get("/api/v1/desk/me"),
            anonymous.request("PUT", "/desk/"),
            client.get("/desk/"),
            client.get("/desk/users"),
            client.get("/desk/nothing-here"),
            client.request("PUT", "/desk/", headers={**ORIGIN, "x-csrf-token": csrf}),
            client.get("/api/v1/desk/articles", headers={"authorization": f"Bearer {token}"}),
            client.get("/api/v1/desk/nothing", headers={"authorization": f"Bearer {token}"}),
            client.post("/desk/logout", data={"csrf": csrf}, headers=ORIGIN),
        ]
    for answer in answers:
        where = f"{answer.request.method} {answer.request.url.path} {answer.status_code}"
        assert answer.headers["cache-control"] == "no-store", where
        assert answer.headers.get_list("content-security-policy") == [DESK_POLICY], where
        assert "frame-ancestors 'none'" in DESK_POLICY
        assert answer.headers["x-frame-options"] == "DENY", where
    assert {a.status_code for a in answers} >= {200, 303, 401, 403, 404, 405}


def test_the_list_shows_drafts_scheduled_articles_and_what_an_author_may_edit(
    app: InProcess,
) -> None:
    client, csrf = signed_in(app, "lin")
    api = {"x-csrf-token": csrf}
    with client:
        rows = client.get("/api/v1/desk/articles", headers=api).json()["items"]
        by_path = {row["path"]: row for row in rows}
        assert by_path["desk-draft.md"]["status"] == "draft"
        assert by_path["desk-scheduled.md"]["status"] == "scheduled"
        assert by_path["desk-mine.md"]["status"] == "published"
        # "Lin" names the user lin (names compare without case); wang's is not lin's.
        assert by_path["desk-mine.md"]["editable"] and by_path["desk-draft.md"]["editable"]
        assert not by_path["desk-scheduled.md"]["editable"]
        drafts = client.get("/api/v1/desk/articles?status=draft", headers=api).json()["items"]
        assert {row["status"] for row in drafts} == {"draft"}
        found = client.get("/api/v1/desk/articles?q=林的", headers=api).json()["items"]
        assert [row["path"] for row in found] == ["desk-mine.md"]
        tagged = client.get("/api/v1/desk/articles?tag=DESK", headers=api).json()["items"]
        assert [row["path"] for row in tagged] == ["desk-mine.md"]
        oldest = client.get("/api/v1/desk/articles?sort=oldest", headers=api).json()["items"]
        dated = [row["published"] for row in oldest if row["published"]]
        assert dated == sorted(dated)
        viewed = client.get("/api/v1/desk/articles?sort=views", headers=api).json()["items"]
        totals = [row["views"]["total"] for row in viewed]
        assert totals == sorted(totals, reverse=True)
        page = client.get("/desk/?status=scheduled")
        soup = BeautifulSoup(page.text, "html.parser")
        shown = soup.select("tr.desk-row")
        assert "desk-scheduled.md" in [tr["data-path"] for tr in shown]
        assert all("desk-scheduled" in tr["class"] for tr in shown)
        assert "定时发布" in page.text and "lin" in soup.select_one(".desk-user").text


def test_the_list_counts_each_files_diagnostics(app: InProcess) -> None:
    client, csrf = signed_in(app, "zhang")
    with client:
        rows = client.get("/api/v1/desk/articles", headers={"x-csrf-token": csrf}).json()
        with_findings = [row for row in rows["items"] if row["diagnostics"]]
        assert with_findings, "the demo site has files with diagnostics"
        page = BeautifulSoup(client.get("/desk/").text, "html.parser")
        row = page.select_one(f'tr[data-path="{with_findings[0]["path"]}"]')
        assert row is not None
        summary = row.select_one(".desk-findings summary")
        assert summary is not None and summary.text == str(len(with_findings[0]["diagnostics"]))
        assert with_findings[0]["diagnostics"][0]["code"] in row.text


def test_every_desk_string_is_in_both_languages() -> None:
    chinese = {key for key in MESSAGES["zh-CN"] if key.startswith("desk")}
    assert chinese == {key for key in MESSAGES["en"] if key.startswith("desk")}


def test_hostile_titles_and_names_render_inert_in_the_list(app: InProcess) -> None:
    client, _ = signed_in(app, "admin")
    with client:
        page = client.get("/desk/")
    soup = BeautifulSoup(page.text, "html.parser")
    hostile_rows = soup.select('tr[data-path^="desk-xss-"]')
    assert len(hostile_rows) == len(HOSTILE)
    active = ["script", "iframe", "object", "embed", "svg", "math", "img", "base", "style"]
    assert soup.find_all(active) == []
    assert soup.find_all("meta", attrs={"http-equiv": True}) == []
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), element
            if name in URL_ATTRIBUTES:
                assert not value.lower().lstrip().startswith(("javascript:", "data:")), element
    shown = soup.get_text()
    assert sum(payload in shown for payload in HOSTILE) >= len(HOSTILE) // 2


def test_the_openapi_document_lists_the_desk_with_bearer_tokens(app: InProcess) -> None:
    with app.client() as client:
        document = client.get("/api/v1/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path in ("/desk/articles", "/desk/me", "/desk/users"):
        operation = document["paths"][path]["get"]
        assert operation["security"] == [{"bearer": []}]
        assert {"200", "401", "403"} <= set(operation["responses"])
    names = {p["name"] for p in document["paths"]["/desk/articles"]["get"]["parameters"]}
    assert names == {"q", "status", "category", "tag", "author", "sort"}


def test_desk_api_calls_past_the_rate_of_an_address_are_answered_429(app: InProcess) -> None:
    rate = app.live.config.server.desk_api_per_minute
    codes = []
    with app.client("192.0.2.77") as client:
        # The bucket refills as the calls go on: a few more than the rate empty it.
        while 429 not in codes and len(codes) < 2 * rate:
            codes.append(client.get("/api/v1/desk/me").status_code)
    assert codes[-1] == 429 and codes[:rate] == [401] * rate


def test_the_desk_speaks_english_with_the_english_locale(app: InProcess) -> None:
    snapshot = app.live.snapshot
    assert snapshot is not None
    config = snapshot.theme.config
    english = replace(config, site=replace(config.site, language="en"))
    user = DeskUser("lin", "author")
    page = articles_page(Theme(english, snapshot.catalog), user, "t", [], [], DeskFilters())
    text = page.decode()
    assert 'lang="en"' in text and "Sign out" in text and "No articles match." in text
    assert not any("\u4e00" <= c <= "\u9fff" for c in text.split("<main", 1)[1].split("</main")[0])
