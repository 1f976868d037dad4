"""Secrets of the desk's accounts: Argon2id password hashes, and random tokens kept
only as hashes."""

import hashlib
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from newsdesk.store.account_rules import PASSWORD_MAX, check_password

# 32 random bytes: as strong as the SHA-256 they are kept as.
_TOKEN_BYTES = 32
# Bearer tokens say what they are, so that secret scanners and people can tell.
API_TOKEN_PREFIX = "nd_"
# argon2-cffi's defaults: Argon2id with RFC 9106's second recommended profile
# (t=3, 64 MiB, p=4).
DEFAULT_HASHER = PasswordHasher()


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
