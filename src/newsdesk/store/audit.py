"""The audit log: who did what to which user, token or article, and when.

Entries are only appended, in the transaction of the change they record, so that a
change and its entry are kept or lost together.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from newsdesk.store.schema import audit_log

# Entries `list_audit` returns when not told how many.
DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    # A user's name; None for the command line (someone with a shell on the server).
    actor: str | None
    action: str
    target: str
    detail: str


def record(
    connection: Connection,
    now: datetime,
    actor: str | None,
    action: str,
    target: str,
    detail: str = "",
) -> None:
    """Append an entry: `action` is a stable dotted code (`user.add`, `article.publish`)."""
    row = {
        "at": now.timestamp(),
        "actor": actor,
        "action": action,
        "target": target,
        "detail": detail,
    }
    connection.execute(insert(audit_log), row)


def list_audit(
    connection: Connection,
    *,
    limit: int = DEFAULT_LIMIT,
    before: int | None = None,
    actor: str | None = None,
    target: str | None = None,
) -> list[AuditEntry]:
    """The newest entries first; `before` (an entry's id) pages back through older ones."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if before is not None:
        query = query.where(audit_log.c.id < before)
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if target is not None:
        query = query.where(audit_log.c.target == target)
    return [
        AuditEntry(
            id=row.id,
            at=datetime.fromtimestamp(row.at, UTC),
            actor=row.actor,
            action=row.action,
            target=row.target,
            detail=row.detail,
        )
        for row in connection.execute(query)
    ]
