"""Bearer tokens for the desk's API (`Authorization: Bearer TOKEN`): shown once when
made, kept only as a hash, acting with their user's role.

Functions that write must run in a transaction the caller commits (`engine.begin()`).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import Connection, delete, insert, select, update

from newsdesk.store import audit
from newsdesk.store.account_rules import AccountError
from newsdesk.store.accounts import User, get_user, iso, moment, user_from_row
from newsdesk.store.credentials import API_TOKEN_PREFIX, new_token, token_hash
from newsdesk.store.schema import api_tokens, users

TOKEN_NAME_MAX = 64
# `last_used` is written at most this often: a busy pipeline is not one write per call.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiToken:
    """What is known of a token: never the token itself."""

    id: int
    name: str
    user: str
    created: datetime
    last_used: datetime | None

    def to_json(self, zone: tzinfo = UTC) -> dict[str, object]:
        """Times in ISO 8601, in `zone` (the site's)."""
        return {
            "id": self.id,
            "name": self.name,
            "user": self.user,
            "created": iso(self.created, zone),
            "last_used": iso(self.last_used, zone),
        }


@dataclass(frozen=True)
class Bearer:
    """The user a valid token acts for, and which token it was."""

    user: User
    token_id: int


def create_api_token(
    connection: Connection, user_name: str, token_name: str, now: datetime, *, actor: str | None
) -> tuple[ApiToken, str]:
    """A new token for the user: its description, and the token, which exists nowhere
    else from then on."""
    user = get_user(connection, user_name)
    token_name = token_name.strip()
    if not 1 <= len(token_name) <= TOKEN_NAME_MAX:
        raise AccountError(f"a token's name has 1 to {TOKEN_NAME_MAX} characters")
    token = new_token(API_TOKEN_PREFIX)
    row = {
        "token_hash": token_hash(token),
        "name": token_name,
        "user_id": user.id,
        "created": now.timestamp(),
    }
    token_id = connection.execute(insert(api_tokens).returning(api_tokens.c.id), row).scalar_one()
    audit.record(
        connection, now, actor, "token.create", user.name, f"token {token_id} {token_name}"
    )
    made = ApiToken(token_id, token_name, user.name, now.astimezone(UTC), None)
    return made, token


def list_api_tokens(connection: Connection, user_name: str | None = None) -> list[ApiToken]:
    """The tokens of every user, or of one, oldest first."""
    query = (
        select(api_tokens, users.c.name.label("user_name"))
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id)
    )
    if user_name is not None:
        query = query.where(api_tokens.c.user_id == get_user(connection, user_name).id)
    return [
        ApiToken(
            id=row.id,
            name=row.name,
            user=row.user_name,
            created=datetime.fromtimestamp(row.created, UTC),
            last_used=moment(row.last_used),
        )
        for row in connection.execute(query)
    ]


def revoke_api_token(
    connection: Connection, token_id: int, now: datetime, *, actor: str | None
) -> ApiToken:
    """Revoke a token by its id; AccountError when there is none."""
    found = [token for token in list_api_tokens(connection) if token.id == token_id]
    if not found:
        raise AccountError(f"no API token {token_id}")
    connection.execute(delete(api_tokens).where(api_tokens.c.id == token_id))
    audit.record(connection, now, actor, "token.revoke", found[0].user, f"token {token_id}")
    return found[0]


def verify_bearer(connection: Connection, token: str, now: datetime) -> Bearer | None:
    """The user the token acts for, or None: unknown token, or user disabled or removed."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    query = (
        select(users, api_tokens.c.id.label("token_id"), api_tokens.c.last_used)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == token_hash(token))
    )
    row = connection.execute(query).first()
    if row is None or row.disabled:
        return None
    seconds = now.timestamp()
    if row.last_used is None or row.last_used <= seconds - TOUCH_EVERY.total_seconds():
        touch = update(api_tokens).where(api_tokens.c.id == row.token_id)
        connection.execute(touch.values(last_used=seconds))
    return Bearer(user_from_row(row), row.token_id)
