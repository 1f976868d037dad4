"""The desk's accounts on a real SQLite file and a real PostgreSQL database: users,
passwords, lockout and throttling, sessions, API tokens and the audit log; and the
`newsdesk user` and `newsdesk token` commands run as a user runs them."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, Table, select

from newsdesk.store import account_rules, accounts, api_tokens, audit, login, sessions
from newsdesk.store.account_rules import AccountError
from newsdesk.store.schema import api_tokens as api_token_table
from newsdesk.store.schema import audit_log, login_attempts, users
from newsdesk.store.schema import sessions as session_table

from .conftest import run_newsdesk
from .server import engine_at

# Cheap parameters, so that twenty wrong passwords take milliseconds, not seconds.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
ADDRESS = "203.0.113.7"
POLICY = login.LoginPolicy()


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    with engine_at(store_url) as made:
        yield made


def add(engine: Engine, name: str = "张三", role: str = "editor") -> accounts.User:
    with engine.begin() as connection:
        return accounts.add_user(connection, name, role, PASSWORD, START, actor=None, hasher=FAST)


def try_login(
    engine: Engine,
    password: str,
    now: datetime,
    name: str = "张三",
    address: str = ADDRESS,
    policy: login.LoginPolicy = POLICY,
) -> login.LoginResult:
    with engine.begin() as connection:
        return login.verify_login(connection, name, password, address, now, policy, FAST)


def every_value(engine: Engine, *tables: Table) -> str:
    """Every value of every row of the tables, as one text."""
    with engine.connect() as connection:
        return repr([connection.execute(select(table)).all() for table in tables])


# Users ----------------------------------------------------------------------


def test_users_are_added_listed_and_removed(engine: Engine) -> None:
    add(engine, "张三", "editor")
    add(engine, "li.si_2", "admin")
    with engine.begin() as connection:
        listed = accounts.list_users(connection)
        assert [(u.name, u.role) for u in listed] == [("li.si_2", "admin"), ("张三", "editor")]
        assert listed[1].to_json()["last_login"] is None
        accounts.remove_user(connection, "张三", START, actor="li.si_2")
        assert [u.name for u in accounts.list_users(connection)] == ["li.si_2"]
        with pytest.raises(AccountError, match="no user named"):
            accounts.remove_user(connection, "张三", START, actor=None)


def test_a_name_taken_in_any_case_is_refused(engine: Engine) -> None:
    add(engine, "Alice")
    for taken in ("Alice", "alice", "ＡＬＩＣＥ"):
        with pytest.raises(AccountError, match="exists already"), engine.begin() as connection:
            accounts.add_user(connection, taken, "author", PASSWORD, START, actor=None, hasher=FAST)
    assert try_login(engine, PASSWORD, START, name="alice").ok


@pytest.mark.parametrize("name", ["", "a" * 65, "-bob", ".hidden", "a b", "a/b", "<script>", "x\n"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(AccountError, match="user name"):
        account_rules.check_name(name)


@pytest.mark.parametrize("name", ["张三", "li.si_2", "O-Brien", "_bot", "7days", "田中さん"])
def test_names_of_letters_digits_and_dots_are_taken(name: str) -> None:
    assert account_rules.check_name(name) == name


@pytest.mark.parametrize("role", ["", "root", "Admin", "editor "])
def test_bad_roles_are_refused(role: str) -> None:
    with pytest.raises(AccountError, match="unknown role"):
        account_rules.check_role(role)


@pytest.mark.parametrize(
    ("password", "problem"),
    [("", "empty"), (" " * 12, "empty"), ("short", "at least 10"), ("x" * 1025, "at most")],
)
def test_weak_passwords_are_refused(password: str, problem: str) -> None:
    with pytest.raises(AccountError, match=problem):
        account_rules.check_password(password)


def test_adding_a_user_checks_name_role_and_password(engine: Engine) -> None:
    for name, role, password in [
        ("a/b", "author", PASSWORD),
        ("bob", "root", PASSWORD),
        ("bob", "author", "short"),
    ]:
        with pytest.raises(AccountError), engine.begin() as connection:
            accounts.add_user(connection, name, role, password, START, actor=None, hasher=FAST)
    with engine.connect() as connection:
        assert accounts.list_users(connection) == []


def test_passwords_are_stored_as_argon2id_hashes_only(engine: Engine) -> None:
    add(engine)
    with engine.connect() as connection:
        (hashed,) = connection.execute(select(users.c.password_hash)).scalars()
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in every_value(engine, users, audit_log)


# Logging in ---------------------------------------------------------------------


def test_the_right_password_logs_in_and_a_wrong_one_does_not(engine: Engine) -> None:
    add(engine)
    assert try_login(engine, "wrong password", START).reason == "wrong-password"
    assert try_login(engine, PASSWORD, START, name="nobody").reason == "no-such-user"
    result = try_login(engine, PASSWORD, START)
    assert result.ok and result.user is not None
    assert result.user.last_login == START and result.user.failed_logins == 0


def test_a_changed_password_replaces_the_old_one_and_ends_sessions(engine: Engine) -> None:
    user = add(engine)
    with engine.begin() as connection:
        session = sessions.create_session(connection, user.id, START)
        accounts.change_password(
            connection, "张三", "a new passphrase", START, actor=None, hasher=FAST
        )
        assert sessions.find_session(connection, session.token, START) is None
    assert try_login(engine, PASSWORD, START).reason == "wrong-password"
    assert try_login(engine, "a new passphrase", START).ok


def test_a_hash_with_old_parameters_is_replaced_at_login(engine: Engine) -> None:
    add(engine)  # hashed with FAST; the default hasher asks for more
    with engine.begin() as connection:
        assert login.verify_login(connection, "张三", PASSWORD, ADDRESS, START).ok
    with engine.connect() as connection:
        (hashed,) = connection.execute(select(users.c.password_hash)).scalars()
    assert not PasswordHasher().check_needs_rehash(hashed)
    assert try_login(engine, PASSWORD, START).reason == "ok"


def test_twenty_wrong_passwords_lock_the_account_until_the_window_passes(engine: Engine) -> None:
    add(engine)
    policy = login.LoginPolicy(address_free_failures=1000)
    for attempt in range(19):
        now = START + timedelta(seconds=attempt)
        assert (
            try_login(engine, f"wrong {attempt:>10}", now, policy=policy).reason == "wrong-password"
        )
    twentieth = try_login(engine, "wrong again!", START + timedelta(seconds=19), policy=policy)
    assert twentieth.reason == "locked"
    assert twentieth.retry_after == policy.lock_for.total_seconds()
    # Locked: even the right password is refused, until the lock ends.
    during = START + timedelta(minutes=10)
    assert try_login(engine, PASSWORD, during, policy=policy).reason == "locked"
    after = START + timedelta(seconds=19) + policy.lock_for
    assert try_login(engine, PASSWORD, after, policy=policy).ok
    with engine.connect() as connection:
        actions = [entry.action for entry in audit.list_audit(connection)]
    assert "user.locked" in actions


def test_failures_spread_beyond_the_window_do_not_lock(engine: Engine) -> None:
    add(engine)
    policy = login.LoginPolicy(address_free_failures=1000)
    for attempt in range(40):
        now = START + attempt * policy.account_window / 15
        assert try_login(engine, "wrong password", now, policy=policy).reason == "wrong-password"


def test_an_address_with_many_failures_is_slowed_down(engine: Engine) -> None:
    add(engine)
    policy = login.LoginPolicy(address_free_failures=10)
    # Failures spread over many names (none locks): the address itself is slowed.
    for attempt in range(10):
        result = try_login(engine, PASSWORD, START, name=f"guess{attempt}", policy=policy)
        assert result.reason == "no-such-user"
    slowed = try_login(engine, PASSWORD, START, policy=policy)
    assert slowed.reason == "throttled" and slowed.retry_after == 1.0
    # Another address is not slowed; this one may try again after the delay, and each
    # failure doubles it.
    assert try_login(engine, PASSWORD, START, address="198.51.100.1", policy=policy).ok
    second = START + timedelta(seconds=1)
    assert try_login(engine, "wrong password", second, policy=policy).reason == "wrong-password"
    assert try_login(engine, PASSWORD, second, policy=policy).retry_after == 2.0
    assert try_login(engine, PASSWORD, second + timedelta(seconds=2), policy=policy).ok
    # The addresses of one IPv6 /64 are one client.
    for attempt in range(12):
        try_login(engine, "wrong", START, address=f"2001:db8::{attempt + 1}", policy=policy)
    assert try_login(engine, PASSWORD, START, address="2001:db8::ffff", policy=policy).reason == (
        "throttled"
    )
    later = START + policy.address_window
    with engine.begin() as connection:
        assert login.prune_login_attempts(connection, later, policy) == 2
        assert connection.execute(select(login_attempts)).all() == []


def test_a_disabled_user_cannot_log_in_and_loses_sessions(engine: Engine) -> None:
    user = add(engine)
    with engine.begin() as connection:
        session = sessions.create_session(connection, user.id, START)
        accounts.set_disabled(connection, "张三", True, START, actor=None)
        assert sessions.find_session(connection, session.token, START) is None
    assert try_login(engine, PASSWORD, START).reason == "disabled"
    with engine.begin() as connection:
        accounts.set_disabled(connection, "张三", False, START, actor=None)
    assert try_login(engine, PASSWORD, START).ok


# Sessions ---------------------------------------------------------------------


def test_a_session_is_found_by_its_token_until_it_expires(engine: Engine) -> None:
    user = add(engine)
    policy = sessions.SessionPolicy(lifetime=timedelta(hours=2), idle=timedelta(hours=1))
    with engine.begin() as connection:
        made = sessions.create_session(connection, user.id, START, policy)
        found = sessions.find_session(connection, made.token, START + timedelta(minutes=50), policy)
        assert found is not None and found.user.name == "张三"
        assert found.csrf_secret == made.csrf_secret
        assert found.last_seen == START + timedelta(minutes=50)
        # Seen at 0:50, so still alive at 1:40; never past its lifetime.
        assert sessions.find_session(connection, made.token, START + timedelta(minutes=100), policy)
        assert (
            sessions.find_session(connection, made.token, START + timedelta(hours=2), policy)
            is None
        )
        assert sessions.find_session(connection, "not a token", START, policy) is None
        assert sessions.prune_sessions(connection, START + timedelta(hours=2), policy) == 1


def test_a_session_left_idle_expires(engine: Engine) -> None:
    user = add(engine)
    policy = sessions.SessionPolicy(idle=timedelta(minutes=30))
    with engine.begin() as connection:
        made = sessions.create_session(connection, user.id, START, policy)
        assert (
            sessions.find_session(connection, made.token, START + timedelta(minutes=31), policy)
            is None
        )


def test_logging_in_rotates_the_session_and_logging_out_ends_it(engine: Engine) -> None:
    user = add(engine)
    with engine.begin() as connection:
        planted = sessions.create_session(connection, user.id, START)
        fresh = sessions.rotate_session(connection, planted.token, user.id, START)
        assert fresh.token != planted.token and fresh.csrf_secret != planted.csrf_secret
        assert sessions.find_session(connection, planted.token, START) is None
        assert sessions.find_session(connection, fresh.token, START) is not None
        assert sessions.revoke_session(connection, fresh.token)
        assert sessions.find_session(connection, fresh.token, START) is None
        assert not sessions.revoke_session(connection, fresh.token)


def test_session_tokens_are_stored_as_hashes_only(engine: Engine) -> None:
    user = add(engine)
    with engine.begin() as connection:
        made = sessions.create_session(connection, user.id, START)
    assert made.token not in every_value(engine, session_table, audit_log)


# API tokens -------------------------------------------------------------------


def test_an_api_token_is_shown_once_and_only_its_hash_is_stored(engine: Engine) -> None:
    add(engine)
    with engine.begin() as connection:
        made, token = api_tokens.create_api_token(connection, "张三", "pipeline", START, actor=None)
    assert token.startswith("nd_") and len(token) > 40
    assert token not in every_value(engine, api_token_table, users, audit_log)
    assert token not in json.dumps(made.to_json())
    with engine.begin() as connection:
        bearer = api_tokens.verify_bearer(connection, token, START)
        assert bearer is not None and bearer.user.name == "张三" and bearer.token_id == made.id
        assert api_tokens.verify_bearer(connection, token[:-1] + "x", START) is None
        assert api_tokens.verify_bearer(connection, "", START) is None
        (listed,) = api_tokens.list_api_tokens(connection, "张三")
        assert listed.last_used == START and listed.name == "pipeline"
        api_tokens.revoke_api_token(connection, made.id, START, actor=None)
        assert api_tokens.verify_bearer(connection, token, START) is None


def test_a_removed_users_sessions_and_tokens_stop_working(engine: Engine) -> None:
    user = add(engine)
    with engine.begin() as connection:
        session = sessions.create_session(connection, user.id, START)
        _, token = api_tokens.create_api_token(connection, "张三", "pipeline", START, actor=None)
        accounts.remove_user(connection, "张三", START, actor=None)
    with engine.begin() as connection:
        assert sessions.find_session(connection, session.token, START) is None
        assert api_tokens.verify_bearer(connection, token, START) is None
        assert connection.execute(select(session_table)).all() == []
        assert connection.execute(select(api_token_table)).all() == []
    # A new user of the same name gets none of them back.
    add(engine)
    with engine.begin() as connection:
        assert api_tokens.verify_bearer(connection, token, START) is None


def test_the_audit_log_records_who_did_what(engine: Engine) -> None:
    add(engine, "admin1", "admin")
    with engine.begin() as connection:
        accounts.add_user(
            connection, "王五", "author", PASSWORD, START, actor="admin1", hasher=FAST
        )
        accounts.set_role(connection, "王五", "editor", START, actor="admin1")
        audit.record(connection, START, "王五", "article.publish", "hello-world", "scheduled")
        entries = audit.list_audit(connection)
        assert [(e.actor, e.action, e.target) for e in entries] == [
            ("王五", "article.publish", "hello-world"),
            ("admin1", "user.role", "王五"),
            ("admin1", "user.add", "王五"),
            (None, "user.add", "admin1"),
        ]
        assert entries[0].at == START
        older = audit.list_audit(connection, before=entries[1].id, limit=1)
        assert [e.action for e in older] == ["user.add"]
        assert len(audit.list_audit(connection, actor="admin1")) == 2


# The command line --------------------------------------------------------------


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsdesk.toml").write_text('[site]\ntitle = "测试"\n', encoding="utf-8")
    return site


def test_the_user_commands_add_list_change_and_remove(tmp_path: Path, database_url: str) -> None:
    """On a new database: the commands migrate it first."""
    site = make_site(tmp_path)
    where = ["--site", str(site), "--database-url", database_url]
    added = run_newsdesk(
        "user", "add", "张三", "--role", "editor", *where, "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    assert "added user 张三 (editor)" in added.stderr
    listed = run_newsdesk("user", "list", *where)
    assert "张三" in listed.stdout and "editor" in listed.stdout and "never" in listed.stdout
    (shown,) = json.loads(run_newsdesk("user", "list", *where, "--json").stdout)
    assert shown["name"] == "张三" and shown["role"] == "editor"
    assert shown["created"].endswith("+08:00"), "times in the site's zone"
    changed = run_newsdesk(
        "user", "passwd", "张三", *where, "--password-stdin", stdin="another passphrase\n"
    )
    assert changed.returncode == 0, changed.stderr
    with engine_at(database_url) as engine:
        assert try_login(engine, "another passphrase", START).ok
    removed = run_newsdesk("user", "remove", "张三", *where)
    assert removed.returncode == 0 and "removed user 张三" in removed.stderr
    assert json.loads(run_newsdesk("user", "list", *where, "--json").stdout) == []


def test_the_user_commands_refuse_bad_input_in_one_line(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    where = ["--site", str(site), "--database-url", f"sqlite:///{tmp_path / 'desk.sqlite'}"]
    ok = run_newsdesk(
        "user", "add", "bob", "--role", "admin", *where, "--password-stdin", stdin=PASSWORD
    )
    assert ok.returncode == 0, ok.stderr
    refused = {
        "duplicate": run_newsdesk(
            "user", "add", "BOB", "--role", "author", *where, "--password-stdin", stdin=PASSWORD
        ),
        "short": run_newsdesk(
            "user", "add", "carol", "--role", "author", *where, "--password-stdin", stdin="short\n"
        ),
        "empty": run_newsdesk(
            "user", "add", "carol", "--role", "author", *where, "--password-stdin", stdin="\n"
        ),
        "name": run_newsdesk(
            "user", "add", "a/b", "--role", "author", *where, "--password-stdin", stdin=PASSWORD
        ),
        "role": run_newsdesk(
            "user", "add", "carol", "--role", "root", *where, "--password-stdin", stdin=PASSWORD
        ),
        "no terminal": run_newsdesk("user", "add", "carol", "--role", "author", *where, stdin=""),
        "missing": run_newsdesk("user", "remove", "nobody", *where),
        "passwd missing": run_newsdesk(
            "user", "passwd", "nobody", *where, "--password-stdin", stdin=PASSWORD
        ),
        "token missing": run_newsdesk("token", "create", "nobody", *where),
    }
    for case, result in refused.items():
        assert result.returncode == 2, (case, result.stderr)
        assert "Traceback" not in result.stderr, case
    assert "exists already" in refused["duplicate"].stderr
    assert "at least 10 characters" in refused["short"].stderr
    assert "empty" in refused["empty"].stderr
    assert "invalid user name" in refused["name"].stderr
    assert "'root' is not one of" in refused["role"].stderr
    assert "--password-stdin" in refused["no terminal"].stderr
    assert "no user named 'nobody'" in refused["missing"].stderr
    assert [
        u["name"] for u in json.loads(run_newsdesk("user", "list", *where, "--json").stdout)
    ] == ["bob"]
    no_site = run_newsdesk("user", "list", "--site", str(tmp_path / "elsewhere"))
    assert no_site.returncode == 2 and "no newsdesk.toml" in no_site.stderr


def test_token_create_prints_the_token_once_and_stores_its_hash(
    tmp_path: Path, store_url: str
) -> None:
    site = make_site(tmp_path)
    database_url = store_url
    where = ["--site", str(site), "--database-url", database_url]
    run_newsdesk(
        "user", "add", "bot", "--role", "author", *where, "--password-stdin", stdin=PASSWORD
    )
    created = run_newsdesk("token", "create", "bot", "--label", "daily notes", *where)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("nd_") and "\n" not in token
    assert "shown this once" in created.stderr
    listed = run_newsdesk("token", "list", *where, "--json")
    (shown,) = json.loads(listed.stdout)
    assert shown["name"] == "daily notes" and shown["user"] == "bot"
    assert token not in listed.stdout + run_newsdesk("token", "list", *where).stdout
    with engine_at(database_url) as engine:
        assert token not in every_value(engine, api_token_table, users, audit_log)
        with engine.begin() as connection:
            bearer = api_tokens.verify_bearer(connection, token, START)
            assert bearer is not None and bearer.user.name == "bot"
            actions = [entry.action for entry in audit.list_audit(connection)]
        assert actions == ["token.create", "user.add"]
    revoked = run_newsdesk("token", "revoke", str(shown["id"]), *where)
    assert revoked.returncode == 0, revoked.stderr
    with engine_at(database_url) as engine, engine.begin() as connection:
        assert api_tokens.verify_bearer(connection, token, START) is None
