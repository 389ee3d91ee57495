"""The conversation engine end to end, on real databases."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.definition import Survey, load_catalogue
from surveys.engine import CONSENT, QUOTE, ConversationEngine, EngineError, Reply
from surveys.people import People

CATALOGUE = load_catalogue()
KEY = b"engine-test-key-0123456789"

PROFILE_FOR = {
    "checkin-4-7": ("child_in_care", "4-7"),
    "checkin-8-11": ("child_in_care", "8-11"),
    "checkin-11-17": ("child_in_care", "11-17"),
    "checkin-care-leaver": ("care_leaver", "16-25"),
    "carer-feedback": ("carer", "adult"),
    "pulse": ("child_in_care", "11-17"),
}


def make_engine(database: Database) -> ConversationEngine:
    return ConversationEngine(database.sessions, CATALOGUE)


def person(database: Database, survey_id: str, user: int = 1) -> str:
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("test", user)
    cohort, band = PROFILE_FOR[survey_id]
    people.set_profile(pseudonym, "test", cohort=cohort, age_band=band)
    return pseudonym


def through_consent(engine: ConversationEngine, pseudonym: str, survey_id: str) -> Reply:
    reply = engine.begin(pseudonym, channel="test", survey_id=survey_id)
    assert reply.prompt is not None and reply.prompt.step == CONSENT
    assert "worried" in reply.prompt.text  # the safeguarding promise is in the consent
    reply = engine.handle(pseudonym, choice="yes", step=CONSENT)
    assert reply.prompt is not None and reply.prompt.step == QUOTE
    return engine.handle(pseudonym, text="no thanks")


def answer_for(survey: Survey, reply: Reply) -> dict[str, str]:
    """A valid answer: the top option by button, or words for free text."""
    prompt = reply.prompt
    assert prompt is not None
    if prompt.type == "text":
        return {"text": "I like my bedroom and my mates are nice"}
    question = survey.question(prompt.step)
    best = [o for o in question.options if o.satisfied_or_better]
    counted = [o for o in question.options if o.counts]
    chosen = best[-1] if best else counted[0]
    return {"choice": chosen.value, "step": prompt.step}


@pytest.mark.parametrize("survey_id", sorted(CATALOGUE))
def test_each_survey_completes_end_to_end(database: Database, survey_id: str) -> None:
    engine = make_engine(database)
    pseudonym = person(database, survey_id)
    survey = CATALOGUE[survey_id]
    reply = through_consent(engine, pseudonym, survey_id)
    seen: list[str] = []
    while reply.state == "active":
        assert reply.prompt is not None
        assert reply.prompt.progress.endswith(f"of {reply.prompt.total}")
        seen.append(reply.prompt.step)
        reply = engine.handle(pseudonym, **answer_for(survey, reply))
        assert reply.accepted, reply.messages
    assert reply.state == "completed"
    assert any("Thank you" in m for m in reply.messages)
    with transaction(database.sessions) as session:
        stored = session.scalars(select(models.Answer)).all()
        assert {a.question_id for a in stored} == set(seen)
        assert all(a.survey_id == survey_id for a in stored)
        for answer in stored:
            question = survey.question(answer.question_id)
            assert answer.is_kpi == question.kpi
            if question.kpi:
                assert answer.satisfied_or_better is True
        respondent = session.scalar(select(models.Respondent))
        assert respondent.consent_version == survey.consent_version
        assert respondent.quote_consent is False


def test_typed_answers_back_skip_stop_and_resume(database: Database) -> None:
    engine = make_engine(database)
    pseudonym = person(database, "pulse")
    reply = through_consent(engine, pseudonym, "pulse")
    first = reply.prompt.step
    reply = engine.handle(pseudonym, text="v happy")
    assert reply.accepted
    second = reply.prompt.step
    assert second != first
    reply = engine.handle(pseudonym, text="purple monkey dishwasher")
    assert not reply.accepted and reply.prompt.step == second
    assert reply.messages  # a kind re-ask
    reply = engine.handle(pseudonym, text="back")
    assert reply.prompt.step == first
    assert reply.prompt.current_answer == "5"
    reply = engine.handle(pseudonym, text="4")
    assert reply.prompt.step == second
    reply = engine.handle(pseudonym, text="Stop")
    assert reply.state == "paused"
    reply = engine.begin(pseudonym, channel="test")
    assert reply.prompt.step == second
    assert any("Welcome back" in m for m in reply.messages)
    with transaction(database.sessions) as session:
        values = dict(session.execute(select(models.Answer.question_id, models.Answer.value)).all())
    assert values == {first: "4"}


def test_required_question_cannot_be_skipped_optional_can(database: Database) -> None:
    engine = make_engine(database)
    pseudonym = person(database, "pulse")
    reply = through_consent(engine, pseudonym, "pulse")
    reply = engine.handle(pseudonym, text="skip")
    assert not reply.accepted and "skip" in reply.messages[0]
    while reply.prompt is not None and not reply.prompt.optional:
        reply = engine.handle(pseudonym, text="5")
    assert reply.prompt is not None and reply.prompt.optional
    reply = engine.handle(pseudonym, text="skip")
    assert reply.accepted


def test_skipping_an_answered_question_after_back_takes_its_answer_back(
    database: Database,
) -> None:
    engine = make_engine(database)
    pseudonym = person(database, "checkin-11-17")
    survey = CATALOGUE["checkin-11-17"]
    reply = through_consent(engine, pseudonym, "checkin-11-17")
    while reply.prompt is not None and not reply.prompt.optional:
        reply = engine.handle(pseudonym, **answer_for(survey, reply))
    assert reply.prompt is not None
    optional = reply.prompt.step
    reply = engine.handle(pseudonym, **answer_for(survey, reply))
    assert reply.accepted and reply.prompt is not None and reply.prompt.step != optional

    def stored() -> set[str]:
        with transaction(database.sessions) as session:
            return set(session.scalars(select(models.Answer.question_id)).all())

    assert optional in stored()
    reply = engine.handle(pseudonym, text="back")
    assert reply.prompt is not None and reply.prompt.step == optional
    reply = engine.handle(pseudonym, text="skip")
    assert reply.accepted and optional not in stored()


def test_stale_and_forged_buttons_change_nothing(database: Database) -> None:
    engine = make_engine(database)
    pseudonym = person(database, "pulse")
    reply = through_consent(engine, pseudonym, "pulse")
    step = reply.prompt.step
    forged = engine.handle(pseudonym, choice="99", step=step)
    assert not forged.accepted and forged.prompt.step == step
    reply = engine.handle(pseudonym, choice="5", step=step)
    stale = engine.handle(pseudonym, choice="1", step=step)
    assert not stale.accepted
    with transaction(database.sessions) as session:
        values = session.scalars(select(models.Answer.value)).all()
    assert values == ["5"]


def test_declining_consent_keeps_nothing(database: Database) -> None:
    engine = make_engine(database)
    pseudonym = person(database, "pulse")
    engine.begin(pseudonym, channel="test", survey_id="pulse")
    reply = engine.handle(pseudonym, text="nah")
    assert reply.state == "declined"
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.SurveySession.id))) == 0


def test_profile_needed_first(database: Database) -> None:
    engine = make_engine(database)
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("test", 5)
    people.register(pseudonym, "test")
    with pytest.raises(EngineError):
        engine.begin(pseudonym, channel="test")


def test_due_survey_is_full_checkin_then_pulse(database: Database) -> None:
    engine = make_engine(database)
    pseudonym = person(database, "checkin-11-17")
    reply = engine.begin(pseudonym, channel="test")
    assert reply.survey_id == "checkin-11-17"


def test_resume_in_a_new_process(database: Database, settings) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(database)
    pseudonym = person(database, "checkin-8-11")
    reply = through_consent(engine, pseudonym, "checkin-8-11")
    for _ in range(3):
        reply = engine.handle(pseudonym, **answer_for(CATALOGUE["checkin-8-11"], reply))
    expected_step = reply.prompt.step
    engine.handle(pseudonym, text="stop")
    script = textwrap.dedent(
        f"""
        from heard.wiring import open_database
        from heard.settings import load_settings
        from surveys.definition import load_catalogue
        from surveys.engine import ConversationEngine
        settings = load_settings(environ={{"HEARD_DATA_DIR": {str(settings.data_dir)!r},
            "HEARD_DATABASE_URL": {settings.database_url!r}}}, env_file=None)
        db = open_database(settings)
        engine = ConversationEngine(db.sessions, load_catalogue())
        reply = engine.begin({pseudonym!r}, channel="test")
        print(reply.prompt.step)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected_step


def test_redelivered_update_changes_nothing(database: Database) -> None:
    engine = make_engine(database)
    pseudonym = person(database, "pulse")
    reply = through_consent(engine, pseudonym, "pulse")
    first = engine.handle(pseudonym, text="5", update_key=("telegram", 1001))
    assert first.accepted and first.prompt.step != reply.prompt.step
    again = engine.handle(pseudonym, text="5", update_key=("telegram", 1001))
    assert again.state == "duplicate"
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Answer.id))) == 1
        current = engine.current(pseudonym)
        assert current.prompt.step == first.prompt.step


def test_a_form_answer_is_checked_against_its_step_in_one_transaction(
    database: Database,
) -> None:
    """answer_step: a page for a question no longer showing saves nothing; a resubmitted
    page (same key) gets where the person is now; neither stores a second answer."""
    engine = make_engine(database)
    pseudonym = person(database, "pulse")
    shown = through_consent(engine, pseudonym, "pulse").prompt.step
    first = engine.answer_step(pseudonym, shown, text="5", update_key=("web", "nonce-1"))
    assert first.accepted and first.prompt.step != shown
    old_tab = engine.answer_step(pseudonym, shown, text="1", update_key=("web", "nonce-2"))
    assert not old_tab.accepted and old_tab.prompt.step == first.prompt.step
    assert engine.messages.stale_button in old_tab.messages
    next_step = first.prompt.step
    sent = engine.answer_step(pseudonym, next_step, text="stop", update_key=("web", "nonce-3"))
    assert sent.state == "paused"
    again = engine.answer_step(pseudonym, next_step, text="stop", update_key=("web", "nonce-3"))
    assert again.state == "paused" and again.prompt.step == next_step
    with transaction(database.sessions) as session:
        assert session.scalars(select(models.Answer.value)).all() == ["5"]
    no_checkin_open = person(database, "pulse", user=2)
    nobody = engine.answer_step(no_checkin_open, "x", text="5")
    assert nobody.state == "none" and not nobody.accepted


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_page_posted_twice_at_once_shows_where_the_first_left_them(
    database: Database,
) -> None:
    """A double tap spread over two workers: the second post waits on the first's update
    key, finds it taken, and must show the question the first moved them to, not the
    one it read before the first committed (PostgreSQL, read committed)."""
    reached, release = threading.Event(), threading.Event()

    def paused_hook(session, text, context):  # type: ignore[no-untyped-def]
        reached.set()  # the first post's key is written, its answer not yet committed
        assert release.wait(30)

    first = ConversationEngine(database.sessions, CATALOGUE, safeguarding=paused_hook)
    second = make_engine(database)
    pseudonym = person(database, "pulse")
    step = through_consent(second, pseudonym, "pulse").prompt.step
    key = ("web", "double-tap")
    with ThreadPoolExecutor(2) as pool:
        landed = pool.submit(first.answer_step, pseudonym, step, text="5", update_key=key)
        assert reached.wait(30)
        again = pool.submit(second.answer_step, pseudonym, step, text="5", update_key=key)
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        for _ in range(300):
            with database.engine.connect() as connection:
                if connection.scalar(text(waiting)):
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("the second post never waited on the first's update key")
        release.set()
        moved, shown = landed.result(timeout=30), again.result(timeout=30)
    assert moved.accepted and moved.prompt.step != step
    assert shown.prompt is not None and shown.prompt.step == moved.prompt.step
    with transaction(database.sessions) as session:
        assert session.scalars(select(models.Answer.value)).all() == ["5"]
