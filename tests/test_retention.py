"""Retention: after the period, the words go and the annotations stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from heard.wiring import Database
from storage import models
from storage.alerts import raise_alert, set_alert_status
from storage.audit import audit_entries
from storage.comments import add_comment, annotate_comment
from storage.db import transaction
from storage.respondents import get_or_create_respondent
from storage.retention import REMOVED, apply_retention
from storage.surveys import ensure_survey_version, save_answer, start_session

OLD = datetime(2023, 1, 10, tzinfo=UTC)


def _person_with_comment(session, pseudonym: str, when: datetime) -> None:  # type: ignore[no-untyped-def]
    respondent = get_or_create_respondent(session, pseudonym, "web")
    respondent.last_active_at = when
    version = ensure_survey_version(
        session, survey_id="pulse", version="v", content_hash="h" * 64, title="t", definition={}
    )
    survey_session = start_session(
        session,
        respondent_id=respondent.id,
        version=version,
        channel="web",
        first_question_id="anything_else",
        when=when,
    )
    answer = save_answer(
        session,
        survey_session,
        question_id="anything_else",
        value=f"words of {pseudonym}",
        is_kpi=False,
        satisfied_or_better=None,
        when=when,
    )
    comment = add_comment(
        session,
        respondent_id=respondent.id,
        text=f"words of {pseudonym}",
        channel="web",
        cohort="care_leaver",
        age_band="16-25",
        quote_consent=True,
        answer_id=answer.id,
        when=when,
    )
    annotate_comment(session, comment, themes=["housing"], polarity=-0.4, subjectivity=0.6)


def test_retention_removes_old_words_keeps_annotations_and_recent_text(database: Database) -> None:
    now = datetime.now(UTC)
    with transaction(database.sessions) as session:
        _person_with_comment(session, "old-person", OLD)
        _person_with_comment(session, "recent-person", now - timedelta(days=30))
        old_alert = raise_alert(
            session,
            pseudonym="old-person",
            text="old words",
            category="missing",
            level="concern",
            channel="web",
            cohort=None,
            age_band=None,
            when=OLD,
        )
        set_alert_status(session, old_alert, "closed", by="lead", when=OLD + timedelta(days=1))
        raise_alert(
            session,
            pseudonym="open",
            text="open words",
            category="missing",
            level="concern",
            channel="web",
            cohort=None,
            age_band=None,
            when=OLD,
        )
    with transaction(database.sessions) as session:
        counts = apply_retention(session, now - timedelta(days=730))
    assert counts == {
        "comments": 1,
        "text_answers": 1,
        "alerts": 1,
        "alert_contacts": 0,
        "alert_histories": 0,
    }
    with transaction(database.sessions) as session:
        comments = {c.text: c for c in session.scalars(select(models.Comment))}
        assert set(comments) == {None, "words of recent-person"}
        removed = comments[None]
        assert removed.themes == ["housing"] and removed.polarity == -0.4
        assert removed.text_removed_at is not None
        values = set(session.scalars(select(models.Answer.value)))
        assert values == {REMOVED, "words of recent-person"}
        alert_texts = set(session.scalars(select(models.SafeguardingAlert.text)))
        assert alert_texts == {None, "open words"}  # an open alert keeps its words
        assert audit_entries(session, "retention")[0].detail["comments"] == 1
