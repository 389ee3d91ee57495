"""Reading safeguarding alerts for the queue: one alert, counts, and the same person's others.

Raising and status changes live in `storage.alerts`; this module only reads.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import SafeguardingAlert

OPEN_STATUSES = ("new", "acknowledged")
DONE_STATUSES = ("actioned", "closed")


def get_alert(session: Session, alert_id: int) -> SafeguardingAlert | None:
    return session.get(SafeguardingAlert, alert_id)


def alert_counts(session: Session) -> dict[str, int]:
    """How many alerts in each status, plus `urgent_new`: what the staff nav shows."""
    rows = session.execute(
        select(SafeguardingAlert.status, func.count()).group_by(SafeguardingAlert.status)
    ).all()
    counts = {status: int(count) for status, count in rows}
    counts["urgent_new"] = int(
        session.scalar(
            select(func.count())
            .select_from(SafeguardingAlert)
            .where(SafeguardingAlert.status == "new")
            .where(SafeguardingAlert.level == "urgent")
        )
        or 0
    )
    return counts


def alert_queue(
    session: Session, statuses: tuple[str, ...], limit: int = 200
) -> list[SafeguardingAlert]:
    """Alerts in `statuses`, newest first; an open queue puts new, then urgent, then oldest first.

    The open queue is short, so it is ordered in Python, the same on every backend.
    """
    rows = list(
        session.scalars(
            select(SafeguardingAlert)
            .where(SafeguardingAlert.status.in_(statuses))
            .order_by(SafeguardingAlert.created_at.desc())
            .limit(limit)
        )
    )
    rank = {status: n for n, status in enumerate(("new", "acknowledged", "actioned", "closed"))}
    if all(s in OPEN_STATUSES for s in statuses):
        return sorted(
            rows,
            key=lambda a: (rank.get(a.status, 9), a.level != "urgent", a.created_at, a.id),
        )
    return rows


def alerts_from_same_person(
    session: Session, alert: SafeguardingAlert, limit: int = 50
) -> list[SafeguardingAlert]:
    """Other alerts with the same pseudonym, newest first, so a pattern is visible."""
    return list(
        session.scalars(
            select(SafeguardingAlert)
            .where(SafeguardingAlert.pseudonym == alert.pseudonym)
            .where(SafeguardingAlert.id != alert.id)
            .order_by(SafeguardingAlert.created_at.desc())
            .limit(limit)
        )
    )
