"""Logging in: a password checked with Argon2id, accounts locked after repeated
failures, and client addresses slowed down after many.

`verify_login` must run in a transaction the caller commits (`engine.begin()`): it
counts failures, and on success it may store a stronger hash of the password. The
clock is a parameter (`now`, timezone-aware), so that windows and locks can be tested
without waiting.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from sqlalchemy import Connection, case, delete, select, update

from newsdesk.store import audit
from newsdesk.store.accounts import User, find_user
from newsdesk.store.credentials import DEFAULT_HASHER, password_matches
from newsdesk.store.schema import login_attempts, users
from newsdesk.store.upsert import insert
from newsdesk.store.visitors import client_network

Reason = Literal["ok", "wrong-password", "no-such-user", "disabled", "locked", "throttled"]


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures lock an account or slow an address, and for how long."""

    # Failures of one account within `account_window` that lock it for `lock_for`.
    account_failures: int = 20
    account_window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)
    # Failures from one address within `address_window` before it is slowed down:
    # then each further try waits 1, 2, 4, … seconds after the last failure, at most
    # `address_max_delay`.
    address_free_failures: int = 10
    address_window: timedelta = timedelta(minutes=15)
    address_max_delay: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class LoginResult:
    reason: Reason
    # The user logged in (reason "ok"), else None.
    user: User | None = None
    # For "locked" and "throttled": seconds until a try is taken again.
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


def verify_login(
    connection: Connection,
    name: str,
    password: str,
    address: str,
    now: datetime,
    policy: LoginPolicy = LoginPolicy(),
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> LoginResult:
    """Check a name and password sent from `address` (the client's IP address).

    The reason says what happened; a login page should show the same words for
    "wrong-password", "no-such-user" and "disabled", so as not to tell which names
    exist. Every outcome but "throttled" costs one Argon2 verification, an unknown
    name included.
    """
    key = _address_key(address)
    wait = throttle_delay(connection, key, now, policy)
    if wait > 0:
        return LoginResult("throttled", retry_after=wait)
    user = find_user(connection, name)
    stored = None if user is None else _password_hash(connection, user.id)
    matches = password_matches(stored, password, hasher)
    if user is None:
        _address_failed(connection, key, now, policy)
        return LoginResult("no-such-user")
    if user.locked(now):
        assert user.locked_until is not None
        _address_failed(connection, key, now, policy)
        retry_after = (user.locked_until - now).total_seconds()
        return LoginResult("locked", retry_after=retry_after)
    if not matches:
        _address_failed(connection, key, now, policy)
        return _account_failed(connection, user, now, policy)
    if user.disabled:
        return LoginResult("disabled")
    assert stored is not None
    values: dict[str, object] = {
        "last_login": now.timestamp(),
        "failed_logins": 0,
        "failed_since": None,
        "locked_until": None,
    }
    if hasher.check_needs_rehash(stored):
        values["password_hash"] = hasher.hash(password)
    connection.execute(update(users).where(users.c.id == user.id).values(**values))
    audit.record(connection, now, user.name, "user.login", user.name)
    logged_in = find_user(connection, user.name)
    return LoginResult("ok", user=logged_in)


def throttle_delay(
    connection: Connection, address_key: str, now: datetime, policy: LoginPolicy
) -> float:
    """Seconds the address must still wait before its next try is taken (0: none)."""
    query = select(login_attempts).where(login_attempts.c.address == address_key)
    row = connection.execute(query).first()
    if row is None or row.window_start <= now.timestamp() - policy.address_window.total_seconds():
        return 0.0
    excess: int = row.failures - policy.address_free_failures
    if excess < 0:
        return 0.0
    delay = min(2.0**excess, policy.address_max_delay.total_seconds())
    last_failure: float = row.last_failure
    return max(0.0, last_failure + delay - now.timestamp())


def prune_login_attempts(connection: Connection, now: datetime, policy: LoginPolicy) -> int:
    """Forget addresses whose window has passed; how many were forgotten."""
    threshold = now.timestamp() - policy.address_window.total_seconds()
    stale = delete(login_attempts).where(login_attempts.c.window_start <= threshold)
    return connection.execute(stale).rowcount


def _address_key(address: str) -> str:
    """The address as stored: its client network, hashed when too long for the column
    (a proxy's odd value)."""
    network = client_network(address)
    return network if len(network) <= 64 else hashlib.sha256(network.encode()).hexdigest()


def _password_hash(connection: Connection, user_id: int) -> str:
    query = select(users.c.password_hash).where(users.c.id == user_id)
    hashed: str = connection.execute(query).scalar_one()
    return hashed


def _address_failed(connection: Connection, key: str, now: datetime, policy: LoginPolicy) -> None:
    """Count a failure from the address, in a window that starts anew once it passed."""
    seconds = now.timestamp()
    expired = login_attempts.c.window_start <= seconds - policy.address_window.total_seconds()
    statement = insert(connection.dialect.name, login_attempts)
    statement = statement.on_conflict_do_update(
        index_elements=[login_attempts.c.address],
        set_={
            "failures": case((expired, 1), else_=login_attempts.c.failures + 1),
            "window_start": case((expired, seconds), else_=login_attempts.c.window_start),
            "last_failure": seconds,
        },
    )
    row = {"address": key, "failures": 1, "window_start": seconds, "last_failure": seconds}
    connection.execute(statement, row)


def _account_failed(
    connection: Connection, user: User, now: datetime, policy: LoginPolicy
) -> LoginResult:
    """Count a wrong password for the account (in SQL: concurrent failures all count);
    lock it when that makes `account_failures` within the window."""
    seconds = now.timestamp()
    threshold = seconds - policy.account_window.total_seconds()
    fresh = users.c.failed_since.is_(None) | (users.c.failed_since <= threshold)
    counted = connection.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(
            failed_logins=case((fresh, 1), else_=users.c.failed_logins + 1),
            failed_since=case((fresh, seconds), else_=users.c.failed_since),
        )
        .returning(users.c.failed_logins)
    ).scalar_one()
    if counted < policy.account_failures:
        return LoginResult("wrong-password")
    until = now + policy.lock_for
    connection.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(locked_until=until.timestamp(), failed_logins=0, failed_since=None)
    )
    detail = f"{counted} wrong passwords; locked until {until.isoformat()}"
    audit.record(connection, now, None, "user.locked", user.name, detail)
    return LoginResult("locked", retry_after=policy.lock_for.total_seconds())
