"""View counting, per-day views, hot scores and the visitor salt.

Every function takes a Connection. Those that write (`record_view`, `prune_visits`,
`prune_caps`, `visitor_salt`, `token_secret`) must run in a transaction the caller commits, normally
`with engine.begin() as connection:`. Record one beacon per transaction: on SQLite
the transaction holds the database's write lock (`engine.begin()` begins IMMEDIATE), and
on PostgreSQL the row locks are then always taken in the same order (address's cap,
visit, total, day), so concurrent beacons cannot deadlock.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Insert, Update, bindparam, case, func, or_, select, update

from newsdesk.store.schema import settings, view_caps, view_counts, view_days, view_visits
from newsdesk.store.upsert import insert

_VISITOR_SECRET = "visitor_secret"
_TOKEN_SECRET = "view_token_secret"


def record_view(
    connection: Connection,
    slug: str,
    visitor: str,
    now: datetime,
    window: timedelta,
    *,
    address: str,
    per_address: int,
) -> bool:
    """Count one view of `slug`, unless `visitor` was counted for it within `window`,
    or `address` (see `visitors.address_id`) already had `per_address` views of it
    counted in the current period of `window`.

    `now` must be timezone-aware, in the site's zone: its date is the day counted.
    Returns whether the view was counted. Exact under concurrency: the address's
    count and the visit row are each claimed by one conditional upsert, so of several
    beacons racing for the last place under the cap, or for the same visitor and
    article, exactly one wins; the counters are incremented in SQL. A beacon past the
    cap writes nothing, so a flood of rotated visitors adds no visit rows.
    """
    if now.tzinfo is None:
        raise ValueError("record_view needs a timezone-aware time")
    upserts = _UPSERTS[connection.dialect.name]
    seen_at = now.timestamp()
    place = {
        "address": address,
        "slug": slug,
        "period": int(seen_at // window.total_seconds()),
        "cap": per_address,
    }
    if connection.execute(upserts.place, place).first() is None:
        return False
    claim = {
        "visitor": visitor,
        "slug": slug,
        "seen_at": seen_at,
        "threshold": seen_at - window.total_seconds(),
    }
    if connection.execute(upserts.claim, claim).first() is None:
        # A visitor seen already: the place under the cap goes back to others.
        connection.execute(upserts.give_back, {"cap_address": address, "cap_slug": slug})
        return False
    connection.execute(upserts.total, {"slug": slug})
    connection.execute(upserts.daily, {"slug": slug, "day": now.date()})
    return True


def view_totals(connection: Connection) -> dict[str, int]:
    """Counted views of every article that has any."""
    rows = connection.execute(select(view_counts.c.slug, view_counts.c.count))
    return {slug: count for slug, count in rows}


def view_total(connection: Connection, slug: str) -> int:
    query = select(view_counts.c.count).where(view_counts.c.slug == slug)
    return connection.execute(query).scalar() or 0


def daily_views(
    connection: Connection, slug: str, days: int, today: date
) -> list[tuple[date, int]]:
    """Views per day over the `days` days ending with `today`, oldest first, 0 when none."""
    first = today - timedelta(days=days - 1)
    query = select(view_days.c.day, view_days.c.count).where(
        view_days.c.slug == slug, view_days.c.day.between(first, today)
    )
    counted: dict[date, int] = {day: count for day, count in connection.execute(query)}
    span = (first + timedelta(days=offset) for offset in range(days))
    return [(day, counted.get(day, 0)) for day in span]


def views_between(connection: Connection, first: date, last: date) -> dict[str, int]:
    """Views of each article counted on the days `first` to `last` (both included);
    only articles with any."""
    query = (
        select(view_days.c.slug, func.sum(view_days.c.count))
        .where(view_days.c.day.between(first, last))
        .group_by(view_days.c.slug)
    )
    return {slug: int(count) for slug, count in connection.execute(query)}


def hot_scores(
    connection: Connection, today: date, days: int, half_life_days: float
) -> dict[str, float]:
    """Views over the `days` days ending with `today`, each day's halved every
    `half_life_days` of its age: Σ count_d · 0.5^(age_d / half_life). Only articles
    with views in that span."""
    first = today - timedelta(days=days - 1)
    query = select(view_days.c.slug, view_days.c.day, view_days.c.count).where(
        view_days.c.day.between(first, today)
    )
    scores: dict[str, float] = {}
    for slug, day, count in connection.execute(query):
        age = (today - day).days
        scores[slug] = scores.get(slug, 0.0) + count * 0.5 ** (age / half_life_days)
    return scores


def prune_visits(connection: Connection, before: float) -> int:
    """Forget visits counted before `before` (epoch seconds); returns how many.

    Pass `now - window` or earlier: such a visit no longer stops a count, so
    forgetting it changes nothing but the table's size.
    """
    deleted = connection.execute(view_visits.delete().where(view_visits.c.seen_at < before))
    return deleted.rowcount


def prune_caps(connection: Connection, before: datetime, window: timedelta) -> int:
    """Forget the per-address counts of periods that ended before `before`; returns
    how many. Only the current period's count caps a beacon."""
    period = int(before.timestamp() // window.total_seconds())
    deleted = connection.execute(view_caps.delete().where(view_caps.c.period < period))
    return deleted.rowcount


def visitor_salt(connection: Connection, day: date) -> str:
    """The salt of visitor ids on `day`: HMAC of the day under the site's secret, so
    that it changes at midnight."""
    secret = site_secret(connection, _VISITOR_SECRET)
    return hmac.new(secret.encode(), day.isoformat().encode(), hashlib.sha256).hexdigest()


def token_secret(connection: Connection) -> str:
    """The key that signs the proofs of a page view the beacons carry."""
    return site_secret(connection, _TOKEN_SECRET)


def site_secret(connection: Connection, key: str) -> str:
    """The site's secret named `key`, made on first use and kept in `settings`; when
    two processes make one at once, the first insert wins and both read it back, so
    every worker, node and restart shares it."""
    query = select(settings.c.value).where(settings.c.key == key)
    secret = connection.execute(query).scalar()
    if secret is None:
        connection.execute(
            insert(connection.dialect.name, settings)
            .values(key=key, value=secrets.token_hex(32))
            .on_conflict_do_nothing(index_elements=[settings.c.key])
        )
        secret = connection.execute(query).scalar_one()  # ours, or the race winner's
    return str(secret)


@dataclass(frozen=True)
class _Upserts:
    place: Insert
    give_back: Update
    claim: Insert
    total: Insert
    daily: Insert


def _upserts(dialect_name: str) -> _Upserts:
    """The beacon's statements, built once per dialect: building them is most of a
    beacon's cost in Python."""
    cap = insert(dialect_name, view_caps).values(count=1)
    place = cap.on_conflict_do_update(
        index_elements=[view_caps.c.address, view_caps.c.slug],
        set_={
            "period": cap.excluded.period,
            "count": case(
                (view_caps.c.period == cap.excluded.period, view_caps.c.count + 1), else_=1
            ),
        },
        where=or_(view_caps.c.period != cap.excluded.period, view_caps.c.count < bindparam("cap")),
    ).returning(view_caps.c.count)
    give_back = (
        update(view_caps)
        .where(
            # Not the columns' own names: UPDATE keeps those for values it sets.
            view_caps.c.address == bindparam("cap_address"),
            view_caps.c.slug == bindparam("cap_slug"),
        )
        .values(count=view_caps.c.count - 1)
    )
    visit = insert(dialect_name, view_visits)
    claim = visit.on_conflict_do_update(
        index_elements=[view_visits.c.visitor, view_visits.c.slug],
        set_={"seen_at": visit.excluded.seen_at},
        # Also refuses a late beacon stamped before the counted one.
        where=view_visits.c.seen_at <= bindparam("threshold"),
    ).returning(view_visits.c.seen_at)
    total = (
        insert(dialect_name, view_counts)
        .values(count=1)
        .on_conflict_do_update(
            index_elements=[view_counts.c.slug], set_={"count": view_counts.c.count + 1}
        )
    )
    daily = (
        insert(dialect_name, view_days)
        .values(count=1)
        .on_conflict_do_update(
            index_elements=[view_days.c.slug, view_days.c.day],
            set_={"count": view_days.c.count + 1},
        )
    )
    return _Upserts(place, give_back, claim, total, daily)


_UPSERTS = {name: _upserts(name) for name in ("postgresql", "sqlite")}
