"""The `newsdesk user` and `newsdesk token` commands: the desk's accounts, managed by
whoever has a shell on the server (a thin layer over newsdesk.store's accounts)."""

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from newsdesk.errors import InputError, NewsdeskError
from newsdesk.site.config import CONFIG_NAME, load_config
from newsdesk.site.inputs import find_config
from newsdesk.store.account_rules import ROLES, check_name, check_password

# The store's modules (SQLAlchemy, Argon2) load only when a command runs.
if TYPE_CHECKING:
    from sqlalchemy import Engine

err = Console(stderr=True, highlight=False, emoji=False)
out = Console(highlight=False, emoji=False)
Command = TypeVar("Command", bound=Callable[..., Any])


@dataclass(frozen=True)
class Desk:
    """A site's accounts: its database, and its time zone to show times in."""

    engine: "Engine"
    zone: ZoneInfo


def _desk_options(command: Command) -> Command:
    """The --site and --database-url options every command here takes."""
    command = click.option(
        "--database-url",
        default=None,
        help="Database URL, as for serve (default: $NEWSDESK_DATABASE_URL, else the site's).",
    )(command)
    return click.option(
        "--site", type=click.Path(path_type=Path), default=Path("."), help="The site folder."
    )(command)


@contextmanager
def _open_desk(site: Path, url: str | None) -> Iterator[Desk]:
    """The site's database, migrated, and its time zone."""
    from newsdesk.store.database import database_url, open_store

    config_path = find_config(site)
    if config_path is None:
        raise NewsdeskError(f"{site}: no {CONFIG_NAME} here or above; run newsdesk init first")
    zone = ZoneInfo(load_config(config_path).site.timezone)
    engine = open_store(database_url(config_path.parent, url))
    try:
        yield Desk(engine, zone)
    finally:
        engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)


def _read_password(from_stdin: bool) -> str:
    """The new password: stdin's text without its final line break, or typed twice at a
    prompt that does not echo."""
    if from_stdin:
        given = sys.stdin.read().removesuffix("\n").removesuffix("\r")
        if "\n" in given:
            raise InputError("the password on standard input has more than one line")
        return given
    if not sys.stdin.isatty():
        raise InputError("no terminal to ask for the password on: use --password-stdin")
    password: str = click.prompt(
        "Password", hide_input=True, confirmation_prompt="Repeat the password"
    )
    return password


@click.group()
def user() -> None:
    """Manage the desk's users (admin, editor, author)."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_desk_options
def user_add(
    name: str, role: str, password_stdin: bool, site: Path, database_url: str | None
) -> None:
    """Add a user NAME with a role; the password is asked for twice (or read from stdin)."""
    from newsdesk.store.accounts import add_user

    check_name(name)
    password = check_password(_read_password(password_stdin))
    with _open_desk(site, database_url) as desk, desk.engine.begin() as connection:
        added = add_user(connection, name, role, password, _now(), actor=None)
    err.print(f"added user {added.name} ({added.role})", markup=False, soft_wrap=True)


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the users as JSON.")
@_desk_options
def user_list(as_json: bool, site: Path, database_url: str | None) -> None:
    """List the users: role, when added, last login, and whether they can log in."""
    from newsdesk.store.accounts import list_users

    with _open_desk(site, database_url) as desk, desk.engine.begin() as connection:
        found = list_users(connection)
    if as_json:
        click.echo(json.dumps([u.to_json(desk.zone) for u in found], ensure_ascii=False, indent=2))
        return
    if not found:
        err.print("no users yet; add one with: newsdesk user add NAME --role admin")
        return
    now = _now()
    table = Table("name", "role", "created", "last login", "state")
    for one in found:
        if one.disabled:
            state = "disabled"
        elif one.locked(now) and one.locked_until is not None:
            state = f"locked until {_shown(one.locked_until, desk.zone)}"
        else:
            state = "active"
        last = "never" if one.last_login is None else _shown(one.last_login, desk.zone)
        table.add_row(one.name, one.role, _shown(one.created, desk.zone), last, state)
    out.print(table)


def _shown(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@user.command("remove")
@click.argument("name")
@_desk_options
def user_remove(name: str, site: Path, database_url: str | None) -> None:
    """Remove user NAME: their sessions end and their API tokens stop working."""
    from newsdesk.store.accounts import remove_user

    with _open_desk(site, database_url) as desk, desk.engine.begin() as connection:
        removed = remove_user(connection, name, _now(), actor=None)
    err.print(f"removed user {removed.name}", markup=False, soft_wrap=True)


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_desk_options
def user_passwd(name: str, password_stdin: bool, site: Path, database_url: str | None) -> None:
    """Set a new password for NAME; it also unlocks the account and ends its sessions."""
    from newsdesk.store.accounts import change_password, get_user

    with _open_desk(site, database_url) as desk:
        with desk.engine.begin() as connection:
            get_user(connection, name)  # before asking for a password in vain
        password = check_password(_read_password(password_stdin))
        with desk.engine.begin() as connection:
            changed = change_password(connection, name, password, _now(), actor=None)
    err.print(f"changed the password of {changed.name}", markup=False, soft_wrap=True)


@click.group()
def token() -> None:
    """Manage the API tokens pipelines send as `Authorization: Bearer TOKEN`."""


@token.command("create")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
@_desk_options
def token_create(name: str, label: str, site: Path, database_url: str | None) -> None:
    """Create an API token acting for user NAME and print it (shown this once only)."""
    from newsdesk.store.api_tokens import create_api_token

    with _open_desk(site, database_url) as desk, desk.engine.begin() as connection:
        made, secret = create_api_token(connection, name, label, _now(), actor=None)
    click.echo(secret)
    err.print(
        f"created API token {made.id} ({made.name}) for {made.user}; it is shown this once: "
        "keep it now (only its hash is stored)",
        markup=False,
        soft_wrap=True,
    )


@token.command("list")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the tokens as JSON.")
@_desk_options
def token_list(name: str | None, as_json: bool, site: Path, database_url: str | None) -> None:
    """List the API tokens (of user NAME): id, name, user, created, last used; never a token."""
    from newsdesk.store.api_tokens import list_api_tokens

    with _open_desk(site, database_url) as desk, desk.engine.begin() as connection:
        found = list_api_tokens(connection, name)
    if as_json:
        click.echo(json.dumps([t.to_json(desk.zone) for t in found], ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "user", "created", "last used")
    for one in found:
        last = "never" if one.last_used is None else _shown(one.last_used, desk.zone)
        table.add_row(str(one.id), one.name, one.user, _shown(one.created, desk.zone), last)
    out.print(table)


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
@_desk_options
def token_revoke(token_id: int, site: Path, database_url: str | None) -> None:
    """Revoke the API token ID (see `newsdesk token list`)."""
    from newsdesk.store.api_tokens import revoke_api_token

    with _open_desk(site, database_url) as desk, desk.engine.begin() as connection:
        revoked = revoke_api_token(connection, token_id, _now(), actor=None)
    err.print(f"revoked API token {revoked.id} of {revoked.user}", markup=False, soft_wrap=True)
