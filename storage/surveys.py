"""Survey versions, sessions and answers: where a young person's words are kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.models import Answer, Comment, Respondent, SurveySession, SurveyVersion, utcnow


def ensure_survey_version(
    session: Session,
    *,
    survey_id: str,
    version: str,
    content_hash: str,
    title: str,
    definition: dict[str, Any],
) -> SurveyVersion:
    """Record a definition once; a changed definition becomes a new row, never an edit."""
    existing = session.scalar(
        select(SurveyVersion).where(SurveyVersion.content_hash == content_hash)
    )
    if existing is not None:
        return existing
    row = SurveyVersion(
        survey_id=survey_id,
        version=version,
        content_hash=content_hash,
        title=title,
        definition=definition,
    )
    session.add(row)
    session.flush()
    return row


def survey_version(session: Session, version_id: int) -> SurveyVersion | None:
    return session.get(SurveyVersion, version_id)


def survey_version_hash(session: Session, version_id: int) -> str | None:
    """Only the content hash: the engine needs no more, and the definition is large JSON."""
    return session.scalar(select(SurveyVersion.content_hash).where(SurveyVersion.id == version_id))


def survey_versions(session: Session, survey_id: str | None = None) -> list[SurveyVersion]:
    query = select(SurveyVersion).order_by(SurveyVersion.survey_id, SurveyVersion.created_at)
    if survey_id is not None:
        query = query.where(SurveyVersion.survey_id == survey_id)
    return list(session.scalars(query))


def start_session(
    session: Session,
    *,
    respondent_id: int,
    version: SurveyVersion,
    channel: str,
    first_question_id: str | None,
    invite_id: int | None = None,
    when: datetime | None = None,
) -> SurveySession:
    now = when or utcnow()
    row = SurveySession(
        respondent_id=respondent_id,
        survey_version_id=version.id,
        survey_id=version.survey_id,
        channel=channel,
        state="active",
        current_question_id=first_question_id,
        history=[],
        invite_id=invite_id,
        started_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def open_session_for(
    session: Session, respondent_id: int, survey_id: str | None = None
) -> SurveySession | None:
    """The person's unfinished check-in (active or paused), newest first."""
    query = (
        select(SurveySession)
        .where(SurveySession.respondent_id == respondent_id)
        .where(SurveySession.state.in_(("active", "paused")))
        .order_by(SurveySession.updated_at.desc(), SurveySession.id.desc())
    )
    if survey_id is not None:
        query = query.where(SurveySession.survey_id == survey_id)
    return session.scalars(query).first()


def respondent_with_open_session(
    session: Session, pseudonym: str
) -> tuple[Respondent | None, SurveySession | None]:
    """The person and their newest unfinished check-in in one query: every update needs both."""
    row = session.execute(
        select(Respondent, SurveySession)
        .outerjoin(
            SurveySession,
            and_(
                SurveySession.respondent_id == Respondent.id,
                SurveySession.state.in_(("active", "paused")),
            ),
        )
        .where(Respondent.pseudonym == pseudonym)
        .order_by(SurveySession.updated_at.desc(), SurveySession.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, None
    return row[0], row[1]


def get_session(session: Session, session_id: int) -> SurveySession | None:
    return session.get(SurveySession, session_id)


def session_answers(session: Session, session_id: int) -> dict[str, str]:
    rows = session.execute(
        select(Answer.question_id, Answer.value).where(Answer.session_id == session_id)
    ).all()
    return {question_id: value for question_id, value in rows}


def save_answer(
    session: Session,
    survey_session: SurveySession,
    *,
    question_id: str,
    value: str,
    is_kpi: bool,
    satisfied_or_better: bool | None,
    when: datetime | None = None,
    known_new: bool = False,
    flush: bool = True,
    language: str = "en",
) -> Answer:
    """Store one answer, replacing an earlier answer to the same question (after `back`).

    `known_new`: the caller has just read the session's answers and this question has
    none, so there is no row to look for (a racing duplicate still hits the unique key).
    `flush=False` leaves the writes to the commit, so the session's row is updated once.
    `language`: the surveys.languages code the answer was given in.
    """
    now = when or utcnow()
    row = (
        None
        if known_new
        else session.scalar(
            select(Answer)
            .where(Answer.session_id == survey_session.id)
            .where(Answer.question_id == question_id)
        )
    )
    if row is None:
        row = Answer(
            session_id=survey_session.id,
            respondent_id=survey_session.respondent_id,
            survey_version_id=survey_session.survey_version_id,
            survey_id=survey_session.survey_id,
            question_id=question_id,
            channel=survey_session.channel,
        )
        session.add(row)
    row.value = value
    row.is_kpi = is_kpi
    row.satisfied_or_better = satisfied_or_better
    row.language = language
    row.answered_at = now
    survey_session.updated_at = now
    if flush:
        session.flush()
    return row


def remove_answers(session: Session, session_id: int, question_ids: list[str]) -> int:
    """Drop answers to questions that a changed earlier answer has now hidden."""
    if not question_ids:
        return 0
    session.execute(
        delete(Comment).where(
            Comment.answer_id.in_(
                select(Answer.id)
                .where(Answer.session_id == session_id)
                .where(Answer.question_id.in_(question_ids))
            )
        )
    )
    changed = rows_changed(
        session,
        delete(Answer)
        .where(Answer.session_id == session_id)
        .where(Answer.question_id.in_(question_ids)),
    )
    return changed


def close_idle_sessions(session: Session, idle_before: datetime) -> int:
    """Sessions untouched since `idle_before` end as partial; their answers stay."""
    changed = rows_changed(
        session,
        update(SurveySession)
        .where(SurveySession.state.in_(("active", "paused")))
        .where(SurveySession.updated_at < idle_before)
        .values(state="partial"),
    )
    return changed


def count_answers(session: Session) -> int:
    return session.scalar(select(func.count(Answer.id))) or 0


def last_completed_at(
    session: Session, respondent_id: int, survey_ids: list[str]
) -> datetime | None:
    """When this person last finished one of these surveys, to decide what is due."""
    if not survey_ids:
        return None
    return session.scalar(
        select(func.max(SurveySession.completed_at))
        .where(SurveySession.respondent_id == respondent_id)
        .where(SurveySession.survey_id.in_(survey_ids))
        .where(SurveySession.state == "completed")
    )


def delete_session(session: Session, survey_session: SurveySession) -> None:
    """Only for a check-in that was declined at consent, so it holds no answers."""
    session.delete(survey_session)
    session.flush()
