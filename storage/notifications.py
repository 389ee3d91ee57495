"""Which safeguarding alerts staff have not yet been told about, or have left unanswered,
and the claims that make each notice and each escalation go out once.

A sweep claims an alert with one conditional UPDATE before it sends anything, so two
sweeps (two schedulers, or a scheduler and anything else) never both send it. The
claim is a lease: one older than `lease` was left by a process that died between
claiming and finishing, and the next sweep takes it again, so nothing is lost. Each
channel that has had the notice is recorded as it goes (`*_sent_by`), so a retry after
a partial failure sends only what failed. Marking sent and releasing both check the
claim is still ours, so a sweep that overran its lease cannot undo another's work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.db import rows_changed
from storage.models import SafeguardingAlert

Kind = Literal["notice", "escalation"]
NOTICE: Kind = "notice"
ESCALATION: Kind = "escalation"


@dataclass(frozen=True)
class AlertToTell:
    """What a notice may say: never the words, never the person."""

    id: int
    category: str
    level: str
    status: str
    route: str | None
    created_at: datetime
    sent_by: frozenset[str]  # channels that already have this notice (or escalation)
    reopened_at: datetime | None = None  # when it was last made new again, if ever

    @property
    def waiting_since(self) -> datetime:
        """Since when it has waited to be acknowledged: the escalation counts from this."""
        return self.reopened_at or self.created_at


@dataclass(frozen=True)
class _Columns:
    claimed: InstrumentedAttribute[Any]
    done: InstrumentedAttribute[Any]
    sent_by: InstrumentedAttribute[Any]


_COLUMNS: dict[Kind, _Columns] = {
    NOTICE: _Columns(
        SafeguardingAlert.notice_claimed_at,
        SafeguardingAlert.notified_at,
        SafeguardingAlert.notice_sent_by,
    ),
    ESCALATION: _Columns(
        SafeguardingAlert.escalation_claimed_at,
        SafeguardingAlert.escalated_at,
        SafeguardingAlert.escalation_sent_by,
    ),
}


def channels_of(raw: str | None) -> frozenset[str]:
    return frozenset(part for part in (raw or "").split(",") if part)


def _joined(channels: Iterable[str]) -> str:
    return ",".join(sorted(set(channels)))


def waiting_since() -> ColumnElement[datetime]:
    """When each alert began waiting to be acknowledged: reopened, or else raised."""
    return func.coalesce(SafeguardingAlert.reopened_at, SafeguardingAlert.created_at)


def notice_owed_since() -> ColumnElement[datetime]:
    """When each alert's route became owed its current notice: due again, or else raised."""
    return func.coalesce(SafeguardingAlert.notice_due_since, SafeguardingAlert.created_at)


def _free(kind: Kind, now: datetime, lease: timedelta) -> ColumnElement[bool]:
    """Not done, and not claimed, or claimed so long ago that the claimant must be gone."""
    columns = _COLUMNS[kind]
    return (columns.done.is_(None)) & or_(columns.claimed.is_(None), columns.claimed < now - lease)


def _due(
    session: Session, kind: Kind, where: ColumnElement[bool], limit: int, after: int
) -> list[AlertToTell]:
    alert = SafeguardingAlert
    rows = session.execute(
        select(
            alert.id,
            alert.category,
            alert.level,
            alert.status,
            alert.route,
            alert.created_at,
            _COLUMNS[kind].sent_by,
            alert.reopened_at,
        )
        .where(where)
        .where(alert.id > after)
        .order_by(alert.id)
        .limit(limit)
    )
    return [
        AlertToTell(
            id=row[0],
            category=row[1],
            level=row[2],
            status=row[3],
            route=row[4],
            created_at=row[5],
            sent_by=channels_of(row[6]),
            reopened_at=row[7],
        )
        for row in rows
    ]


def notices_due(
    session: Session, now: datetime, lease: timedelta, limit: int = 100, after: int = 0
) -> list[AlertToTell]:
    """Alerts whose notice has not gone out and that no live sweep holds, in the order
    they were raised, from the one after alert `after` (a sweep reads page by page, so
    alerts it must leave, for a route nobody can hear, never hide the ones behind)."""
    return _due(session, NOTICE, _free(NOTICE, now, lease), limit, after)


def escalations_due(
    session: Session,
    waiting_before: datetime,
    now: datetime,
    lease: timedelta,
    limit: int = 100,
    after: int = 0,
) -> list[AlertToTell]:
    """Alerts still "new" that began waiting (were raised or, since, reopened) at or before
    `waiting_before`, not yet escalated or held, page by page as `notices_due`."""
    where = (
        (SafeguardingAlert.status == "new")
        & (waiting_since() <= waiting_before)
        & _free(ESCALATION, now, lease)
    )
    return _due(session, ESCALATION, where, limit, after)


def claim(
    session: Session,
    kind: Kind,
    alert_id: int,
    now: datetime,
    lease: timedelta,
    *,
    route: str | None = None,
) -> bool:
    """Take the alert for this sweep, `now` being the claim; False if done or held.

    An escalation is claimed only while the alert is still "new": acknowledging it
    meanwhile stops it. `route`, if given, is stored unless the alert has one already.
    """
    values: dict[str, Any] = {_COLUMNS[kind].claimed.key: now}
    if route is not None:
        values["route"] = func.coalesce(SafeguardingAlert.route, route)
    statement = (
        update(SafeguardingAlert)
        .where(SafeguardingAlert.id == alert_id)
        .where(_free(kind, now, lease))
        .values(values)
    )
    if kind == ESCALATION:
        statement = statement.where(SafeguardingAlert.status == "new")
    return rows_changed(session, statement) == 1


def _ours(kind: Kind, alert_id: int, claimed: datetime) -> ColumnElement[bool]:
    return (SafeguardingAlert.id == alert_id) & (_COLUMNS[kind].claimed == claimed)


def record_sent(
    session: Session, kind: Kind, alert_id: int, claimed: datetime, channels: Iterable[str]
) -> bool:
    """Note the channels that now have it, while the claim is still ours."""
    columns = _COLUMNS[kind]
    statement = (
        update(SafeguardingAlert)
        .where(_ours(kind, alert_id, claimed))
        .values({columns.sent_by.key: _joined(channels)})
    )
    return rows_changed(session, statement) == 1


def finish(session: Session, kind: Kind, alert_id: int, claimed: datetime, when: datetime) -> bool:
    """Mark it sent and let go of the claim; False if the claim was no longer ours."""
    columns = _COLUMNS[kind]
    statement = (
        update(SafeguardingAlert)
        .where(_ours(kind, alert_id, claimed))
        .values({columns.done.key: when, columns.claimed.key: None})
    )
    return rows_changed(session, statement) == 1


def release(session: Session, kind: Kind, alert_id: int, claimed: datetime) -> None:
    """Let go of our claim after a failed send, so the next sweep tries again."""
    session.execute(
        update(SafeguardingAlert)
        .where(_ours(kind, alert_id, claimed))
        .values({_COLUMNS[kind].claimed.key: None})
    )


def unsent_count(session: Session, owed_before: datetime) -> int:
    """Alerts whose notice has still not gone out and was owed at or before `owed_before`
    (since it was raised or, if its route is to be told again, since then)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(SafeguardingAlert)
            .where(SafeguardingAlert.notified_at.is_(None))
            .where(notice_owed_since() <= owed_before)
        )
        or 0
    )
