"""Free-text comments and their theme and sentiment annotations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Comment, utcnow


def add_comment(
    session: Session,
    *,
    respondent_id: int,
    text: str,
    channel: str,
    cohort: str | None,
    age_band: str | None,
    quote_consent: bool,
    answer_id: int | None = None,
    survey_id: str | None = None,
    question_id: str | None = None,
    when: datetime | None = None,
) -> Comment:
    row = Comment(
        respondent_id=respondent_id,
        answer_id=answer_id,
        survey_id=survey_id,
        question_id=question_id,
        channel=channel,
        cohort=cohort,
        age_band=age_band,
        text=text,
        quote_consent=quote_consent,
        created_at=when or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def comment_for_answer(session: Session, answer_id: int) -> Comment | None:
    return session.scalar(select(Comment).where(Comment.answer_id == answer_id))


def annotate_comment(
    session: Session,
    comment: Comment,
    *,
    themes: list[str],
    polarity: float,
    subjectivity: float,
    when: datetime | None = None,
) -> None:
    comment.themes = themes
    comment.polarity = polarity
    comment.subjectivity = subjectivity
    comment.analysed_at = when or utcnow()
    session.flush()


def comments_with_words(session: Session, after_id: int = 0, limit: int = 1000) -> list[Comment]:
    """Comments whose words are still held, by id after `after_id` (a batch at a time)."""
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.id > after_id)
            .where(Comment.text.is_not(None))
            .order_by(Comment.id)
            .limit(limit)
        )
    )


def unanalysed_comments(session: Session, limit: int = 1000) -> list[Comment]:
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.analysed_at.is_(None))
            .where(Comment.text.is_not(None))
            .order_by(Comment.id)
            .limit(limit)
        )
    )
