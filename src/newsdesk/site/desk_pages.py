"""The desk's pages (login form, article list), rendered by the site's theme in the
site's language: every string through the locale, no inline script or style."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsdesk.site.desk_list import SORTS, STATUSES, DeskFilters, DeskRow, DeskUser
from newsdesk.site.theme import Theme


@dataclass(frozen=True)
class LoginForm:
    csrf: str
    next: str = ""
    name: str = ""
    message: str = ""


@dataclass(frozen=True)
class Choices:
    """The values the list's filters offer, from the articles listed."""

    categories: list[tuple[str, str]]
    tags: list[tuple[str, str]]
    authors: list[tuple[str, str]]

    @classmethod
    def of(cls, rows: Sequence[DeskRow]) -> "Choices":
        def pairs(names: set[str]) -> list[tuple[str, str]]:
            return [(name, name) for name in sorted(names)]

        return cls(
            pairs({row.category for row in rows if row.category}),
            pairs({tag for row in rows for tag in row.tags}),
            pairs({author for row in rows for author in row.authors}),
        )


def login_page(theme: Theme, form: LoginForm) -> bytes:
    return _render(theme, "desk/login.html", user=None, csrf=form.csrf, next=form.next,
                   name=form.name, message=form.message)  # fmt: skip


def articles_page(
    theme: Theme,
    user: DeskUser,
    csrf: str,
    every: Sequence[DeskRow],
    shown: Sequence[DeskRow],
    filters: DeskFilters,
) -> bytes:
    """The list of `shown` (the rows `filters` kept of `every`)."""
    statuses = [(status, theme.locale.text(f"desk_status_{status}")) for status in STATUSES]
    return _render(theme, "desk/articles.html", user=user, csrf=csrf, rows=shown,
                   filters=filters, choices=Choices.of(every), statuses=statuses,
                   sorts=SORTS)  # fmt: skip


def _render(theme: Theme, template: str, **context: Any) -> bytes:
    return theme.env.get_template(template).render(context).encode()


@dataclass(frozen=True)
class Account:
    """A user as the admin's list shows them: `state` is active, disabled or locked."""

    name: str
    role: str
    last_login: str
    state: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "last_login": self.last_login,
                "state": self.state}  # fmt: skip


def users_page(theme: Theme, user: DeskUser, csrf: str, accounts: Sequence[Account]) -> bytes:
    return _render(theme, "desk/users.html", user=user, csrf=csrf, accounts=accounts)
