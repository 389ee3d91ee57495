"""The audit log: every staff view of an alert, export, erasure and login."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEntry


def audit(
    session: Session, actor: str, action: str, target: str | None = None, **detail: Any
) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, target=target, detail=detail)
    session.add(entry)
    session.flush()
    return entry


def audit_entries(
    session: Session, action: str | None = None, limit: int = 500
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))
