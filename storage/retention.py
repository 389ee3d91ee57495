"""Retention: raw words go after the retention period; annotations, counts and the
record of what was done stay."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.alert_history import REMOVED, trimmed
from storage.audit import audit
from storage.db import rows_changed
from storage.models import Answer, Comment, Respondent, SafeguardingAlert, utcnow

__all__ = ["REMOVED", "apply_retention", "trim_alert_histories"]


def apply_retention(
    session: Session, inactive_before: datetime, *, timezone: str = "Europe/London"
) -> dict[str, int]:
    """Remove free text of people inactive since `inactive_before`, and the words of
    closed safeguarding alerts raised before then: the alert's text, the sealed contact
    details and the words in its history given before then (`timezone`: the council's,
    in which the history's times are written). Writes one audit record."""
    now = utcnow()
    stale = select(Respondent.id).where(Respondent.last_active_at < inactive_before)
    text_answers = select(Comment.answer_id).where(
        Comment.respondent_id.in_(stale), Comment.text.is_not(None)
    )
    answers = rows_changed(
        session,
        update(Answer)
        .where(Answer.id.in_(text_answers))
        .values(value=REMOVED)
        .execution_options(synchronize_session=False),
    )
    comments = rows_changed(
        session,
        update(Comment)
        .where(Comment.respondent_id.in_(stale), Comment.text.is_not(None))
        .values(text=None, text_removed_at=now)
        .execution_options(synchronize_session=False),
    )
    alerts = rows_changed(
        session,
        update(SafeguardingAlert)
        .where(
            SafeguardingAlert.created_at < inactive_before,
            SafeguardingAlert.status.in_(("actioned", "closed")),
            SafeguardingAlert.text.is_not(None),
        )
        .values(text=None, text_removed_at=now)
        .execution_options(synchronize_session=False),
    )
    # How to reach them, given after a disclosure, goes as their words do (by when it was
    # given); that they asked, and when, stays, with when the details went.
    contacts = rows_changed(
        session,
        update(SafeguardingAlert)
        .where(
            SafeguardingAlert.created_at < inactive_before,
            SafeguardingAlert.status.in_(("actioned", "closed")),
            SafeguardingAlert.contact_answered_at < inactive_before,
            SafeguardingAlert.contact_sealed.is_not(None),
        )
        .values(contact_sealed=None, contact_removed_at=now)
        .execution_options(synchronize_session=False),
    )
    histories = trim_alert_histories(session, inactive_before, timezone=timezone)
    counts = {
        "comments": comments,
        "text_answers": answers,
        "alerts": alerts,
        "alert_contacts": contacts,
        "alert_histories": histories,
    }
    audit(session, "scheduler", "retention", target=inactive_before.date().isoformat(), **counts)
    return counts


def trim_alert_histories(session: Session, before: datetime, *, timezone: str) -> int:
    """The same rule as an alert's own words, entry by entry: once an alert is actioned
    or closed, the words in each line of its history written before `before` (a staff
    note, the lead's message, the young person's reply) are taken out; the time, who and
    what was done stay. An alert raised after `before` has no line so old; one reopened
    (by a late reply) keeps everything until it is closed again. Returns how many
    alerts' histories changed."""
    rows = session.execute(
        select(SafeguardingAlert.id, SafeguardingAlert.note).where(
            SafeguardingAlert.created_at < before,
            SafeguardingAlert.status.in_(("actioned", "closed")),
            SafeguardingAlert.note.is_not(None),
        )
    ).all()
    changed = 0
    for alert_id, note in rows:
        kept = trimmed(note, before, timezone)
        if kept != note:
            changed += rows_changed(
                session,
                update(SafeguardingAlert)
                .where(SafeguardingAlert.id == alert_id, SafeguardingAlert.note == note)
                .values(note=kept)
                .execution_options(synchronize_session=False),
            )
    return changed
