"""Secrets of the desk's accounts: Argon2id password hashes, random tokens kept only
as hashes, and the rules names, roles and passwords must follow."""

import hashlib
import re
import secrets
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from newsdesk.errors import NewsdeskError

ROLES = ("admin", "editor", "author")
NAME_MAX = 64
PASSWORD_MIN = 10
# Argon2 hashes any length, but a megabyte "password" would only cost the server time.
PASSWORD_MAX = 1024
# A letter, digit or underscore first (so a name is never taken for an option or a
# hidden file), then letters (any script: 张三 is a name), digits and `._-`.
_NAME = re.compile(r"\w[\w.-]*")
# 32 random bytes: as strong as the SHA-256 they are kept as.
_TOKEN_BYTES = 32
# Bearer tokens say what they are, so that secret scanners and people can tell.
API_TOKEN_PREFIX = "nd_"
# argon2-cffi's defaults: Argon2id with RFC 9106's second recommended profile
# (t=3, 64 MiB, p=4).
DEFAULT_HASHER = PasswordHasher()


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


def hash_password(password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    return hasher.hash(check_password(password))


def password_matches(hashed: str | None, password: str, hasher: PasswordHasher) -> bool:
    """Whether the password is the one hashed, in the time a real check takes even when
    there is no hash (an unknown user): timing tells no one which names exist. Argon2's
    own comparison is constant-time."""
    try:
        hasher.verify(hashed or _stand_in_hash(hasher), password[:PASSWORD_MAX])
    except (VerificationError, InvalidHashError):
        return False
    return hashed is not None


@lru_cache(maxsize=8)
def _stand_in_hash(hasher: PasswordHasher) -> str:
    """A hash with the hasher's parameters, verified against when there is no user."""
    return hasher.hash(secrets.token_urlsafe(16))


def new_token(prefix: str = "") -> str:
    """A random token for a cookie or an Authorization header."""
    return prefix + secrets.token_urlsafe(_TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps of a token. Tokens are random, so a plain SHA-256 is
    enough (no salt, no stretching): finding a token from its hash means guessing 256
    bits. Being deterministic, it is also what a token is looked up by."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
