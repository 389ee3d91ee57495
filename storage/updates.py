"""Exactly-once handling of channel updates (Telegram redelivers after a timeout)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import ProcessedUpdate


def already_processed(session: Session, channel: str, update_id: str | int) -> bool:
    return (
        session.scalar(
            select(ProcessedUpdate.id)
            .where(ProcessedUpdate.channel == channel)
            .where(ProcessedUpdate.update_id == str(update_id))
        )
        is not None
    )


def mark_processed(session: Session, channel: str, update_id: str | int) -> None:
    """Recorded in the same transaction as the update's effects, so both or neither."""
    session.add(ProcessedUpdate(channel=channel, update_id=str(update_id)))
    session.flush()


def prune_processed(session: Session, before: datetime) -> int:
    """Forget update ids older than any redelivery could be (Telegram retries for hours)."""
    return session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
    ).rowcount
