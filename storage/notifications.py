"""Which safeguarding alerts staff have not yet been told about, or have left unanswered.

The notice is sent first and the alerts marked after, so a crash in between
means a second notice, never a missed one: for safeguarding, at least once.

An escalation is claimed before it is sent (a conditional UPDATE, so the bot's
sweep and the scheduler's cannot both repeat it) and released if sending fails,
so the next sweep tries again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.models import SafeguardingAlert


@dataclass(frozen=True)
class PendingAlert:
    """Only what a notice may say: never the words, the person or the category."""

    id: int
    urgent: bool


def unnotified_alerts(session: Session, limit: int = 200) -> list[PendingAlert]:
    rows = session.execute(
        select(SafeguardingAlert.id, SafeguardingAlert.level)
        .where(SafeguardingAlert.notified_at.is_(None))
        .order_by(SafeguardingAlert.created_at, SafeguardingAlert.id)
        .limit(limit)
    )
    return [PendingAlert(id=row.id, urgent=row.level == "urgent") for row in rows]


def mark_notified(session: Session, alert_ids: Sequence[int], when: datetime) -> int:
    if not alert_ids:
        return 0
    changed = rows_changed(
        session,
        update(SafeguardingAlert)
        .where(SafeguardingAlert.id.in_(list(alert_ids)))
        .where(SafeguardingAlert.notified_at.is_(None))
        .values(notified_at=when),
    )
    return changed


@dataclass(frozen=True)
class UnacknowledgedAlert:
    """What an escalation may say: when the alert was raised, never what it says."""

    id: int
    created_at: datetime


def unacknowledged_alerts(
    session: Session, older_than: datetime, limit: int = 200
) -> list[UnacknowledgedAlert]:
    """Alerts still "new" that were raised at or before `older_than` and not yet escalated."""
    rows = session.execute(
        select(SafeguardingAlert.id, SafeguardingAlert.created_at)
        .where(SafeguardingAlert.status == "new")
        .where(SafeguardingAlert.escalated_at.is_(None))
        .where(SafeguardingAlert.created_at <= older_than)
        .order_by(SafeguardingAlert.created_at, SafeguardingAlert.id)
        .limit(limit)
    )
    return [UnacknowledgedAlert(id=row.id, created_at=row.created_at) for row in rows]


def claim_escalation(session: Session, alert_id: int, when: datetime) -> bool:
    """Mark one alert escalated if it still needs it; False if acknowledged or taken."""
    changed = rows_changed(
        session,
        update(SafeguardingAlert)
        .where(SafeguardingAlert.id == alert_id)
        .where(SafeguardingAlert.status == "new")
        .where(SafeguardingAlert.escalated_at.is_(None))
        .values(escalated_at=when),
    )
    return changed == 1


def release_escalation(session: Session, alert_id: int, when: datetime) -> None:
    """Undo our own claim after a failed send, so the next sweep escalates it again."""
    session.execute(
        update(SafeguardingAlert)
        .where(SafeguardingAlert.id == alert_id)
        .where(SafeguardingAlert.escalated_at == when)
        .values(escalated_at=None)
    )
