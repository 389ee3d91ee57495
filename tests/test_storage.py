"""Models and repositories on SQLite and PostgreSQL alike."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.alerts import alerts, raise_alert, set_alert_status
from storage.audit import audit, audit_entries
from storage.comments import add_comment, annotate_comment
from storage.db import transaction
from storage.offer_queries import record_offer_query, unanswered_offer_queries
from storage.pseudonym import pseudonymise
from storage.reports import store_report, stored_reports
from storage.respondents import (
    erase_respondent,
    export_respondent,
    find_respondent,
    get_or_create_respondent,
    set_profile,
)
from storage.staff import add_staff, find_staff
from storage.surveys import (
    close_idle_sessions,
    ensure_survey_version,
    open_session_for,
    save_answer,
    session_answers,
    start_session,
)
from storage.updates import first_delivery

KEY = b"test-key-0123456789abcdef"


def _survey_version(session):
    return ensure_survey_version(
        session,
        survey_id="pulse",
        version="abc123",
        content_hash="a" * 64,
        title="Pulse",
        definition={"id": "pulse", "questions": []},
    )


def _respondent(session, user_id: int = 42):
    respondent = get_or_create_respondent(
        session, pseudonymise(KEY, "telegram", user_id), "telegram"
    )
    set_profile(session, respondent, cohort="child_in_care", age_band="11-17", consent_version="1")
    return respondent


def test_pseudonym_is_keyed_and_stable() -> None:
    assert pseudonymise(KEY, "telegram", 42) == pseudonymise(KEY, "telegram", "42")
    assert pseudonymise(KEY, "telegram", 42) != pseudonymise(
        b"other-key-0123456789", "telegram", 42
    )
    assert pseudonymise(KEY, "telegram", 42) != pseudonymise(KEY, "web", 42)
    expected = hmac.new(KEY, b"telegram:42", hashlib.sha256).hexdigest()
    assert pseudonymise(KEY, "telegram", 42) == expected


def test_answers_round_trip_and_back_replaces(database: Database) -> None:
    with transaction(database.sessions) as session:
        version = _survey_version(session)
        respondent = _respondent(session)
        survey_session = start_session(
            session,
            respondent_id=respondent.id,
            version=version,
            channel="telegram",
            first_question_id="home",
        )
        save_answer(
            session,
            survey_session,
            question_id="home",
            value="4",
            is_kpi=True,
            satisfied_or_better=True,
        )
        save_answer(
            session,
            survey_session,
            question_id="home",
            value="2",
            is_kpi=True,
            satisfied_or_better=False,
        )
        sid = survey_session.id
        rid = respondent.id
    with transaction(database.sessions) as session:
        assert session_answers(session, sid) == {"home": "2"}
        assert session.scalar(select(func.count(models.Answer.id))) == 1
        found = open_session_for(session, rid, "pulse")
        assert found is not None and found.id == sid
        answer = session.scalar(select(models.Answer))
        assert answer.answered_at.tzinfo is UTC


def test_same_content_hash_is_one_version(database: Database) -> None:
    with transaction(database.sessions) as session:
        first = _survey_version(session)
        second = _survey_version(session)
        assert first.id == second.id


def test_an_update_is_first_delivered_once(database: Database) -> None:
    with transaction(database.sessions) as session:
        assert first_delivery(session, "telegram", 1001)
        assert not first_delivery(session, "telegram", 1001)
        assert first_delivery(session, "web", 1001)  # ids are per channel
    with transaction(database.sessions) as session:
        assert not first_delivery(session, "telegram", "1001")
    with pytest.raises(RuntimeError), transaction(database.sessions) as session:
        assert first_delivery(session, "telegram", 1002)
        raise RuntimeError("the update's work failed")  # so its record rolls back too
    with transaction(database.sessions) as session:
        assert first_delivery(session, "telegram", 1002)
        rows = session.scalars(select(models.ProcessedUpdate.update_id)).all()
    assert sorted(rows) == ["1001", "1001", "1002"]


def test_idle_sessions_close_as_partial(database: Database) -> None:
    old = datetime.now(UTC) - timedelta(days=20)
    with transaction(database.sessions) as session:
        version = _survey_version(session)
        respondent = _respondent(session)
        start_session(
            session,
            respondent_id=respondent.id,
            version=version,
            channel="web",
            first_question_id="home",
            when=old,
        )
    with transaction(database.sessions) as session:
        closed = close_idle_sessions(session, datetime.now(UTC) - timedelta(days=14))
        assert closed == 1
        assert session.scalar(select(models.SurveySession.state)) == "partial"


def test_export_then_erase_leaves_nothing_but_the_alert(database: Database) -> None:
    with transaction(database.sessions) as session:
        version = _survey_version(session)
        respondent = _respondent(session)
        survey_session = start_session(
            session,
            respondent_id=respondent.id,
            version=version,
            channel="telegram",
            first_question_id="anything",
        )
        answer = save_answer(
            session,
            survey_session,
            question_id="anything",
            value="I miss my mates",
            is_kpi=False,
            satisfied_or_better=None,
        )
        comment = add_comment(
            session,
            respondent_id=respondent.id,
            text="I miss my mates",
            channel="telegram",
            cohort="child_in_care",
            age_band="11-17",
            quote_consent=False,
            answer_id=answer.id,
        )
        annotate_comment(session, comment, themes=["friendship"], polarity=-0.2, subjectivity=0.5)
        raise_alert(
            session,
            pseudonym=respondent.pseudonym,
            text="words",
            category="bullying",
            level="concern",
            channel="telegram",
            cohort="child_in_care",
            age_band="11-17",
        )
        pseudonym = respondent.pseudonym
    with transaction(database.sessions) as session:
        respondent = find_respondent(session, pseudonym)
        exported = export_respondent(session, respondent)
        assert exported["answers"][0]["answer"] == "I miss my mates"
        assert exported["comments"][0]["themes"] == ["friendship"]
        assert exported["safeguarding_records_kept"] is True
        erase_respondent(session, respondent)
    with transaction(database.sessions) as session:
        for model in (models.Respondent, models.SurveySession, models.Answer, models.Comment):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
        assert len(alerts(session)) == 1


def test_alert_status_records_who_and_when(database: Database) -> None:
    with transaction(database.sessions) as session:
        alert = raise_alert(
            session,
            pseudonym="p",
            text="t",
            category="missing",
            level="urgent",
            channel="web",
            cohort=None,
            age_band=None,
        )
        set_alert_status(session, alert, "acknowledged", by="lead@council.gov.uk")
        set_alert_status(session, alert, "closed", by="lead@council.gov.uk", note="spoke to SW")
        assert alert.acknowledged_at is not None and alert.closed_at is not None
        assert alert.note == "spoke to SW"
        with pytest.raises(ValueError):
            set_alert_status(session, alert, "forgotten", by="x")


def test_staff_offer_queries_reports_and_audit(database: Database) -> None:
    now = datetime.now(UTC)
    with transaction(database.sessions) as session:
        add_staff(session, email="Ann@Council.gov.uk", password_hash="scrypt$...", role="admin")
        assert find_staff(session, "ann@council.gov.uk") is not None
        with pytest.raises(ValueError):
            add_staff(session, email="b@c.d", password_hash="x", role="boss")
        record_offer_query(
            session,
            text="whats the weather",
            channel="telegram",
            answer_ids=[],
            top_score=0.1,
            confident=False,
        )
        record_offer_query(
            session,
            text="staying put",
            channel="web",
            answer_ids=["staying-put"],
            top_score=9.0,
            confident=True,
        )
        assert [q.text for q in unanswered_offer_queries(session)] == ["whats the weather"]
        store_report(
            session,
            kind="monthly",
            period_label="2026-10",
            period_start=now,
            period_end=now,
            format="html",
            content="<html>1</html>",
            summary={},
        )
        store_report(
            session,
            kind="monthly",
            period_label="2026-10",
            period_start=now,
            period_end=now,
            format="html",
            content="<html>2</html>",
            summary={},
        )
        assert [r.content for r in stored_reports(session)] == ["<html>2</html>"]
        audit(session, "ann@council.gov.uk", "login")
        assert audit_entries(session, "login")[0].actor == "ann@council.gov.uk"


def test_naive_datetimes_are_refused(database: Database) -> None:
    with (
        pytest.raises(Exception, match="timezone-aware"),
        transaction(database.sessions) as session,
    ):
        session.add(models.AuditEntry(actor="x", action="y", at=datetime(2026, 1, 1)))
        session.flush()
