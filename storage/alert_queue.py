"""Reading safeguarding alerts for the queue: one alert, counts, filters, who may be given
one, and the same person's others.

Raising and status changes live in `storage.alerts`; this module only reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import SafeguardingAlert, StaffUser

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


NOBODY = "none"  # the filter value for "no route yet" and "assigned to nobody"


@dataclass(frozen=True)
class QueueFilter:
    """Which alerts the queue shows: None for any, NOBODY for none set, else the value."""

    route: str | None = None
    assignee: int | str | None = None

    @property
    def active(self) -> bool:
        return self.route is not None or self.assignee is not None


def alert_queue(
    session: Session,
    statuses: tuple[str, ...],
    limit: int = 200,
    only: QueueFilter | None = None,
) -> list[SafeguardingAlert]:
    """Alerts in `statuses`, newest first; an open queue puts new, then urgent, then oldest first.

    The open queue is short, so it is ordered in Python, the same on every backend.
    """
    query = select(SafeguardingAlert).where(SafeguardingAlert.status.in_(statuses))
    only = only or QueueFilter()
    if only.route == NOBODY:
        query = query.where(SafeguardingAlert.route.is_(None))
    elif only.route is not None:
        query = query.where(SafeguardingAlert.route == only.route)
    if only.assignee == NOBODY:
        query = query.where(SafeguardingAlert.assigned_to.is_(None))
    elif isinstance(only.assignee, int):
        query = query.where(SafeguardingAlert.assigned_to == only.assignee)
    rows = list(session.scalars(query.order_by(SafeguardingAlert.created_at.desc()).limit(limit)))
    rank = {status: n for n, status in enumerate(("new", "acknowledged", "actioned", "closed"))}
    if all(s in OPEN_STATUSES for s in statuses):
        return sorted(
            rows,
            key=lambda a: (rank.get(a.status, 9), a.level != "urgent", a.created_at, a.id),
        )
    return rows


def routes_in_use(session: Session) -> list[str]:
    """Every route an alert has been given, for the queue's filter."""
    return sorted(
        session.scalars(
            select(SafeguardingAlert.route).where(SafeguardingAlert.route.is_not(None)).distinct()
        )
    )


def assignable_staff(session: Session) -> list[StaffUser]:
    """Who an alert may be given to: active accounts with the safeguarding role."""
    return list(
        session.scalars(
            select(StaffUser)
            .where(StaffUser.role == "safeguarding")
            .where(StaffUser.active.is_(True))
            .order_by(StaffUser.email)
        )
    )


def staff_emails(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """The email of each staff id given (inactive accounts too: an old assignee still shows)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(wanted)))
    return {row[0]: row[1] for row in rows}


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
