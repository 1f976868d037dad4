"""View counts as the site shows them: each article's counted total and its hot
score from recent days, read together so that a snapshot is consistent."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from newsdesk.site.config import HotSection
from newsdesk.store import views
from newsdesk.text.digest import digest


@dataclass(frozen=True)
class Counts:
    totals: dict[str, int]  # counted views by slug
    scores: dict[str, float]  # time-decayed recent views by slug

    @property
    def key(self) -> str:
        """Changes when any count or score does."""
        return digest(sorted(self.totals.items()), sorted(self.scores.items()))


def read_counts(engine: Engine, today: date, hot: HotSection) -> Counts:
    with engine.connect() as connection:
        totals = views.view_totals(connection)
        scores = views.hot_scores(connection, today, hot.days, hot.half_life_days)
    return Counts(totals, scores)


def forget_visits(engine: Engine, window_minutes: int) -> None:
    """Visits older than the window, and per-address counts of past periods, decide
    nothing any more."""
    window = timedelta(minutes=window_minutes)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        views.prune_visits(connection, (now - window).timestamp())
        views.prune_caps(connection, now, window)
