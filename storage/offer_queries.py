"""Local-offer questions, logged with what was answered but never who asked.

A question from someone Heard knows (the bot, the web chat) carries a keyed tag of
the asker, meaningless without the pseudonym key, so erasure can remove it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.models import OfferQuery, utcnow
from storage.text import storable_text


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
    asker_tag: str | None = None,
) -> OfferQuery:
    row = OfferQuery(
        text=storable_text(text)[:2000],
        asker_tag=asker_tag,
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


def offer_queries_by(session: Session, asker_tag: str) -> list[OfferQuery]:
    return list(
        session.scalars(
            select(OfferQuery).where(OfferQuery.asker_tag == asker_tag).order_by(OfferQuery.id)
        )
    )


def erase_offer_queries(session: Session, asker_tag: str) -> int:
    return rows_changed(session, delete(OfferQuery).where(OfferQuery.asker_tag == asker_tag))


def unanswered_offer_queries(
    session: Session, since: datetime | None = None, limit: int = 200
) -> list[OfferQuery]:
    """The questions Heard could not answer with confidence, newest first."""
    query = select(OfferQuery).where(OfferQuery.confident.is_(False))
    if since is not None:
        query = query.where(OfferQuery.created_at >= since)
    return list(session.scalars(query.order_by(OfferQuery.created_at.desc()).limit(limit)))
