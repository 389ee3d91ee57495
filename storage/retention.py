"""Retention: raw words go after the retention period; annotations and counts stay."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.audit import audit
from storage.db import rows_changed
from storage.models import Answer, Comment, Respondent, SafeguardingAlert, utcnow

REMOVED = "[removed after the retention period]"


def apply_retention(session: Session, inactive_before: datetime) -> dict[str, int]:
    """Remove free text of people inactive since `inactive_before`, and the words of
    closed safeguarding alerts raised before then. Writes one audit record."""
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
    counts = {"comments": comments, "text_answers": answers, "alerts": alerts}
    audit(session, "scheduler", "retention", target=inactive_before.date().isoformat(), **counts)
    return counts
