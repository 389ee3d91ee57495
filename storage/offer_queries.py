"""Local-offer questions, logged with what was answered but never who asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import OfferQuery, utcnow


def record_offer_query(
    session: Session,
    *,
    text: str,
    channel: str,
    answer_ids: list[str],
    top_score: float | None,
    confident: bool,
    age: int | None = None,
    when: datetime | None = None,
) -> OfferQuery:
    row = OfferQuery(
        text=text[:2000],
        channel=channel,
        answer_ids=answer_ids,
        top_score=top_score,
        confident=confident,
        age=age,
        created_at=when or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def unanswered_offer_queries(
    session: Session, since: datetime | None = None, limit: int = 200
) -> list[OfferQuery]:
    """The questions Heard could not answer with confidence, newest first."""
    query = select(OfferQuery).where(OfferQuery.confident.is_(False))
    if since is not None:
        query = query.where(OfferQuery.created_at >= since)
    return list(session.scalars(query.order_by(OfferQuery.created_at.desc()).limit(limit)))
