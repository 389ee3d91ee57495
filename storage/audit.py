"""The audit log: every staff view of an alert, export, erasure and login."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.models import AuditEntry


def audit(
    session: Session, actor: str, action: str, target: str | None = None, **detail: Any
) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, target=target, detail=detail)
    session.add(entry)
    session.flush()
    return entry


def person_reference(pseudonym: str) -> str:
    """How the audit log names a person: the start of their pseudonym."""
    return pseudonym[:12]


def forget_person(session: Session, pseudonym: str) -> int:
    """On erasure, audit entries stay (who did what, when) but no longer say about whom."""
    return rows_changed(
        session,
        update(AuditEntry)
        .where(AuditEntry.target == person_reference(pseudonym))
        .values(target="respondent"),
    )


def audit_entries(
    session: Session, action: str | None = None, limit: int = 500
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))
