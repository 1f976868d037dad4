"""The desk's users: adding, listing, removing, passwords and roles.

Every function takes a Connection; those that write must run in a transaction the
caller commits (`with engine.begin() as connection:`), which also holds the audit
entry each change appends. `actor` is the name of who makes the change, None for the
command line.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from argon2 import PasswordHasher
from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from newsdesk.store import audit
from newsdesk.store.account_rules import AccountError, check_name, check_role, name_key
from newsdesk.store.credentials import DEFAULT_HASHER, hash_password
from newsdesk.store.schema import api_tokens, sessions, users


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    created: datetime
    last_login: datetime | None
    disabled: bool
    locked_until: datetime | None
    failed_logins: int

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def to_json(self, zone: tzinfo = UTC) -> dict[str, object]:
        """Times in ISO 8601, in `zone` (the site's)."""
        return {
            "name": self.name,
            "role": self.role,
            "created": iso(self.created, zone),
            "last_login": iso(self.last_login, zone),
            "disabled": self.disabled,
            "locked_until": iso(self.locked_until, zone),
            "failed_logins": self.failed_logins,
        }


def iso(when: datetime | None, zone: tzinfo) -> str | None:
    return None if when is None else when.astimezone(zone).isoformat()


def moment(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def user_from_row(row: Row[tuple[object, ...]]) -> User:
    """A User from a row holding the columns of `users` (by name)."""
    values = row._mapping
    return User(
        id=values["id"],
        name=values["name"],
        role=values["role"],
        created=datetime.fromtimestamp(values["created"], UTC),
        last_login=moment(values["last_login"]),
        disabled=bool(values["disabled"]),
        locked_until=moment(values["locked_until"]),
        failed_logins=values["failed_logins"],
    )


def add_user(
    connection: Connection,
    name: str,
    role: str,
    password: str,
    now: datetime,
    *,
    actor: str | None,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> User:
    """A new, enabled user; AccountError for a bad name, role or password, or a name
    taken (compared without case: see `credentials.name_key`)."""
    name, role = check_name(name), check_role(role)
    hashed = hash_password(password, hasher)
    if find_user(connection, name) is not None:
        raise AccountError(f"a user named {name!r} exists already")
    row = {
        "name": name,
        "name_key": name_key(name),
        "role": role,
        "password_hash": hashed,
        "created": now.timestamp(),
        "disabled": False,
        "failed_logins": 0,
    }
    try:
        # A savepoint: on PostgreSQL a failed INSERT would otherwise end the transaction.
        with connection.begin_nested():
            connection.execute(insert(users), row)
    except IntegrityError as error:  # added by someone else since find_user looked
        raise AccountError(f"a user named {name!r} exists already") from error
    audit.record(connection, now, actor, "user.add", name, f"role {role}")
    user = find_user(connection, name)
    assert user is not None
    return user


def find_user(connection: Connection, name: str) -> User | None:
    """The user of that name (without regard to case), or None."""
    query = select(users).where(users.c.name_key == name_key(name))
    row = connection.execute(query).first()
    return None if row is None else user_from_row(row)


def get_user(connection: Connection, name: str) -> User:
    """The user of that name, or AccountError."""
    user = find_user(connection, name)
    if user is None:
        raise AccountError(f"no user named {name!r}")
    return user


def list_users(connection: Connection) -> list[User]:
    """Every user, by name."""
    return [user_from_row(row) for row in connection.execute(select(users).order_by(users.c.name))]


def remove_user(connection: Connection, name: str, now: datetime, *, actor: str | None) -> User:
    """Remove the user with their sessions and API tokens (the audit log keeps their
    name); AccountError when there is no such user."""
    user = get_user(connection, name)
    signed_out = _revoke_all(connection, user.id)
    tokens = connection.execute(delete(api_tokens).where(api_tokens.c.user_id == user.id))
    connection.execute(delete(users).where(users.c.id == user.id))
    detail = f"{signed_out} sessions ended, {tokens.rowcount} API tokens revoked"
    audit.record(connection, now, actor, "user.remove", user.name, detail)
    return user


def change_password(
    connection: Connection,
    name: str,
    password: str,
    now: datetime,
    *,
    actor: str | None,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> User:
    """Set a new password. It also unlocks the account, and ends its sessions: whoever
    knew the old password is signed out. API tokens are kept (revoke them apart)."""
    user = get_user(connection, name)
    hashed = hash_password(password, hasher)
    connection.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(password_hash=hashed, locked_until=None, failed_logins=0, failed_since=None)
    )
    signed_out = _revoke_all(connection, user.id)
    audit.record(connection, now, actor, "user.passwd", user.name, f"{signed_out} sessions ended")
    return get_user(connection, name)


def set_role(
    connection: Connection, name: str, role: str, now: datetime, *, actor: str | None
) -> User:
    user = get_user(connection, name)
    role = check_role(role)
    connection.execute(update(users).where(users.c.id == user.id).values(role=role))
    audit.record(connection, now, actor, "user.role", user.name, f"{user.role} → {role}")
    return get_user(connection, name)


def set_disabled(
    connection: Connection, name: str, disabled: bool, now: datetime, *, actor: str | None
) -> User:
    """Disable the user (they cannot log in, their sessions end, their API tokens stop
    working until enabled again) or enable them."""
    user = get_user(connection, name)
    connection.execute(update(users).where(users.c.id == user.id).values(disabled=disabled))
    if disabled:
        _revoke_all(connection, user.id)
    audit.record(connection, now, actor, "user.disable" if disabled else "user.enable", user.name)
    return get_user(connection, name)


def _revoke_all(connection: Connection, user_id: int) -> int:
    """End every session of the user; how many there were."""
    return connection.execute(delete(sessions).where(sessions.c.user_id == user_id)).rowcount
