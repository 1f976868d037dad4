"""What the desk's accounts must look like: roles, names and passwords, and the error
for one that does not (no hashing here: the command line checks input without
loading Argon2)."""

import re
import unicodedata

from newsdesk.errors import NewsdeskError

ROLES = ("admin", "editor", "author")
NAME_MAX = 64
PASSWORD_MIN = 10
# Argon2 hashes any length, but a megabyte "password" would only cost the server time.
PASSWORD_MAX = 1024
# A letter, digit or underscore first (so a name is never taken for an option or a
# hidden file), then letters (any script: 张三 is a name), digits and `._-`.
_NAME = re.compile(r"\w[\w.-]*")


class AccountError(NewsdeskError):
    """A user, role, password or token that cannot be used as given."""


def check_name(name: str) -> str:
    """The name in NFC, or AccountError saying what is wrong with it."""
    name = unicodedata.normalize("NFC", name)
    if not 1 <= len(name) <= NAME_MAX:
        raise AccountError(f"a user name has 1 to {NAME_MAX} characters, not {len(name)}")
    if not _NAME.fullmatch(name):
        raise AccountError(
            f"invalid user name {name!r}: use letters, digits and . _ - "
            "(starting with a letter or digit)"
        )
    return name


def name_key(name: str) -> str:
    """What two names are compared by: `Alice`, `alice` and `ａｌｉｃｅ` are one user."""
    return unicodedata.normalize("NFKC", name).casefold()[:NAME_MAX]


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if not password.strip():
        raise AccountError("the password is empty")
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"a password has at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"a password has at most {PASSWORD_MAX} characters")
    return password
