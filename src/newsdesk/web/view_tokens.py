"""Proofs of a page view: short-lived tokens, signed with a secret every worker and
node shares (kept in the database), bound to one article and the time they were
issued. A beacon that carries a valid one followed a page (or token request) of its
article; the served pages carry one, put in as each page is answered."""

import hashlib
import hmac

from sqlalchemy import Engine

from newsdesk.site.theme import VIEW_TOKEN_SLOT
from newsdesk.store import views

# Tokens are issued for whole steps of time, so that one is signed per article and
# step, and a served page changes (its ETag with it, and its gzip made again) once a
# step, not per request. At most half the lifetime: a page served late in a step
# still carries a token valid for half of it.
LONGEST_STEP = 300
# Allowance for a token checked by a node whose clock is behind the issuer's.
_CLOCK_SKEW = 60
_SIGNATURE_CHARS = 32
_SLOT = b'data-token="' + VIEW_TOKEN_SLOT.encode() + b'"'


class ViewTokens:
    def __init__(self, engine: Engine, lifetime_seconds: int):
        with engine.begin() as connection:
            self._secret = views.token_secret(connection).encode()
        self.lifetime = lifetime_seconds
        self.step = max(1, min(LONGEST_STEP, lifetime_seconds // 2))
        self._issued: dict[str, tuple[int, str]] = {}

    def issue(self, slug: str, now: float) -> str:
        """A token for `slug`, valid for the lifetime from the start of `now`'s step."""
        step = self.step_start(now)
        issued = self._issued.get(slug)
        if issued is None or issued[0] != step:
            # One entry per article: only slugs of published articles are issued.
            issued = self._issued[slug] = (step, f"{step:x}.{self._sign(slug, step)}")
        return issued[1]

    def seconds_left(self, now: float) -> int:
        """How long a token issued at `now` stays valid."""
        return self.lifetime - (int(now) - self.step_start(now))

    def step_start(self, now: float) -> int:
        return int(now) // self.step * self.step

    def valid(self, slug: str, token: str, now: float) -> bool:
        """Whether `token` was issued for `slug` by this site and has not expired."""
        stamp, _, signature = token.partition(".")
        if len(stamp) > 12 or len(signature) != _SIGNATURE_CHARS:
            return False
        try:
            step = int(stamp, 16)
        except ValueError:
            return False
        if not step - _CLOCK_SKEW <= now <= step + self.lifetime:
            return False
        return hmac.compare_digest(signature, self._sign(slug, step))

    def _sign(self, slug: str, step: int) -> str:
        message = f"{slug}\n{step}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:_SIGNATURE_CHARS]


def has_slot(content: bytes) -> bool:
    """Whether a page was rendered with the slot for a token (see `fill`)."""
    return _SLOT in content


def fill(content: bytes, token: str) -> bytes:
    """The page with `token` in its slot. Only the first: the slot is an attribute in
    the article's header, before any text an author wrote."""
    return content.replace(_SLOT, b'data-token="' + token.encode() + b'"', 1)
