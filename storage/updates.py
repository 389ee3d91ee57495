"""Exactly-once handling of channel updates (Telegram redelivers after a timeout)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, text
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.models import ProcessedUpdate, utcnow

_RECORD = text(
    "INSERT INTO processed_updates (channel, update_id, processed_at) "
    "VALUES (:channel, :update_id, :processed_at) ON CONFLICT DO NOTHING"
).bindparams(bindparam("processed_at", type_=ProcessedUpdate.__table__.c.processed_at.type))


def first_delivery(session: Session, channel: str, update_id: str | int) -> bool:
    """Record the update; False if it was recorded before (a redelivery). One statement
    in the same transaction as the update's effects, so both or neither. A parallel
    delivery of the same update waits for the first to commit (PostgreSQL's unique
    index; SQLite's single writer) and then gets False.

    Written out because the same upsert clause suits SQLite (3.24+) and PostgreSQL,
    and SQLAlchemy's own insert would add RETURNING, which hides the row count."""
    given = {"channel": channel, "update_id": str(update_id), "processed_at": utcnow()}
    return rows_changed(session, _RECORD, given) == 1


def prune_processed(session: Session, before: datetime) -> int:
    """Forget update ids older than any redelivery could be (Telegram retries for hours)."""
    return rows_changed(
        session, delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
    )
