"""Desk sessions: a random token in the browser's cookie, only its hash in the
database, so that any server sharing the database accepts it and a copy of the
database lets no one in.

Functions that write (all but `find_session` on a fresh session) must run in a
transaction the caller commits (`engine.begin()`). Times are timezone-aware.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from newsdesk.store.accounts import User, user_from_row
from newsdesk.store.credentials import new_token, token_hash
from newsdesk.store.schema import sessions, users
from newsdesk.store.views import site_secret

_FORM_SECRET = "desk_form_secret"


@dataclass(frozen=True)
class SessionPolicy:
    # A session ends this long after it began, however active.
    lifetime: timedelta = timedelta(days=7)
    # …or once it was not used for this long.
    idle: timedelta = timedelta(hours=12)
    # `last_seen` is written at most this often: not one write per request.
    touch_every: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class NewSession:
    """A session just made: `token` goes into the cookie and is not kept anywhere."""

    token: str
    csrf_secret: str
    expires: datetime


@dataclass(frozen=True)
class Session:
    user: User
    # The key the desk derives each form's CSRF token from.
    csrf_secret: str
    created: datetime
    expires: datetime
    last_seen: datetime


def create_session(
    connection: Connection, user_id: int, now: datetime, policy: SessionPolicy = SessionPolicy()
) -> NewSession:
    token = new_token()
    csrf_secret = secrets.token_hex(32)
    expires = now + policy.lifetime
    row = {
        "token_hash": token_hash(token),
        "user_id": user_id,
        "created": now.timestamp(),
        "expires": expires.timestamp(),
        "last_seen": now.timestamp(),
        "csrf_secret": csrf_secret,
    }
    connection.execute(insert(sessions), row)
    return NewSession(token, csrf_secret, expires)


def rotate_session(
    connection: Connection,
    old_token: str | None,
    user_id: int,
    now: datetime,
    policy: SessionPolicy = SessionPolicy(),
) -> NewSession:
    """A new session for a login, ending the one the browser had before (if any): a
    token planted in a browser before its user logs in is worth nothing after."""
    if old_token:
        revoke_session(connection, old_token)
    return create_session(connection, user_id, now, policy)


def revoke_session(connection: Connection, token: str) -> bool:
    """End the session (logout); whether there was one."""
    ended = connection.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))
    return ended.rowcount > 0


def find_session(
    connection: Connection, token: str, now: datetime, policy: SessionPolicy = SessionPolicy()
) -> Session | None:
    """The live session of that token with its user, or None: unknown, expired, idle
    too long, or its user disabled or removed. Notes the session as seen."""
    hashed = token_hash(token)
    query = (
        select(
            users,
            sessions.c.created.label("session_created"),
            sessions.c.expires,
            sessions.c.last_seen,
            sessions.c.csrf_secret,
        )
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == hashed)
    )
    row = connection.execute(query).first()
    seconds = now.timestamp()
    if row is None or row.disabled:
        return None
    if row.expires <= seconds or row.last_seen <= seconds - policy.idle.total_seconds():
        return None
    last_seen = row.last_seen
    if last_seen <= seconds - policy.touch_every.total_seconds():
        touch = update(sessions).where(sessions.c.token_hash == hashed).values(last_seen=seconds)
        connection.execute(touch)
        last_seen = seconds
    return Session(
        user=user_from_row(row),
        csrf_secret=row.csrf_secret,
        created=datetime.fromtimestamp(row.session_created, UTC),
        expires=datetime.fromtimestamp(row.expires, UTC),
        last_seen=datetime.fromtimestamp(last_seen, UTC),
    )


def form_secret(connection: Connection) -> str:
    """The key the CSRF tokens of forms sent before any session (the login form) are
    signed with: made on first use, shared by every server of the database."""
    return site_secret(connection, _FORM_SECRET)


def prune_sessions(
    connection: Connection, now: datetime, policy: SessionPolicy = SessionPolicy()
) -> int:
    """Delete sessions that ended; how many."""
    seconds = now.timestamp()
    ended = (sessions.c.expires <= seconds) | (
        sessions.c.last_seen <= seconds - policy.idle.total_seconds()
    )
    return connection.execute(delete(sessions).where(ended)).rowcount
