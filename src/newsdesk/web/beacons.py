"""View beacons: which ones count, and counting them.

A beacon counts when it proves a page view (a valid token for its article, see
view_tokens), comes from the site's own pages or an origin in `api.cors_origins`,
is not a bot's, and its client address is under the per-article cap; any other is
accepted and answered the same way, but not counted."""

import asyncio
import time
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from newsdesk.publish.live import LiveSite
from newsdesk.store import views, visitors
from newsdesk.web.http import Request
from newsdesk.web.view_tokens import ViewTokens


class Beacons:
    def __init__(self, live: LiveSite, tokens: ViewTokens):
        self.live = live
        self.tokens = tokens
        config = live.config
        self.zone = live.content.zone
        self.window = timedelta(minutes=config.views.window_minutes)
        self.per_address = config.views.per_address
        # "*" lets any site read the API, not make its visitors' beacons count.
        self._listed = {origin.rstrip("/") for origin in config.api.cors_origins} - {"*"}
        self._origins = self._listed | {_origin(config.site.base_url)}
        self._salt: tuple[date, str] | None = None

    def token(self, slug: str) -> dict[str, Any]:
        """A proof of a page view of `slug`, for a page that has none in it."""
        now = time.time()
        return {
            "slug": slug,
            "token": self.tokens.issue(slug, now),
            "expires_in": self.tokens.seconds_left(now),
        }

    async def count(self, request: Request, slug: str) -> tuple[bool, int]:
        """Counts the beacon if it should; whether it did, and the article's counted
        views."""
        agent = request.headers.get("user-agent", "")
        proven = self._proven(request, slug) and not visitors.is_bot(agent)
        now = datetime.now(self.zone)
        engine = self.live.engine

        def count() -> tuple[bool, int]:
            # The salt is read in its own transaction, before this one.
            keys = self._keys(request.client, agent, now.date()) if proven else None
            with engine.begin() as connection:
                counted = keys is not None and views.record_view(
                    connection,
                    slug,
                    keys[0],
                    now,
                    self.window,
                    address=keys[1],
                    per_address=self.per_address,
                )
                return counted, views.view_total(connection, slug)

        return await asyncio.to_thread(count)

    def _proven(self, request: Request, slug: str) -> bool:
        token = request.query.get("token", "")
        return self.tokens.valid(slug, token, time.time()) and self._same_site(request)

    def _same_site(self, request: Request) -> bool:
        """Whether the beacon was sent by the site's own pages (or a listed origin's):
        a page elsewhere may make its readers' browsers send beacons, but browsers say
        where from."""
        origin = request.headers.get("origin")
        listed = origin is not None and origin in self._listed
        if request.headers.get("sec-fetch-site") == "cross-site" and not listed:
            return False
        if origin is None:
            return True
        host = request.headers.get("host", "")
        return origin in self._origins or origin in (f"http://{host}", f"https://{host}")

    def _keys(self, client: str, agent: str, day: date) -> tuple[str, str]:
        """The ids of the visitor and of its address on `day`."""
        if self._salt is None or self._salt[0] != day:
            with self.live.engine.begin() as connection:
                self._salt = (day, views.visitor_salt(connection, day))
        salt = self._salt[1]
        return visitors.visitor_id(salt, client, agent), visitors.address_id(salt, client)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
