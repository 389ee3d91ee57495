"""Property: whatever a young person types or presses, in any order, the engine never
raises, never stores an answer that is not one of the question's options, and never
loses an answer it acknowledged."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from heard.settings import load_settings
from heard.wiring import Database, open_database
from storage import models
from storage.db import transaction
from surveys.definition import load_catalogue
from surveys.engine import CONSENT, QUOTE, ConversationEngine, decode_value
from surveys.people import People

CATALOGUE = load_catalogue()
KEY = b"property-test-key-0123456789"
SURVEYS = {"checkin-8-11": ("child_in_care", "8-11"), "pulse": ("child_in_care", "11-17")}
ANSWERS = [
    "5",
    "4",
    "1",
    "3",
    "10",
    "7/10",
    "yes",
    "yep",
    "ya",
    "nah",
    "no",
    "sometimes",
    "v happy",
    "good",
    "rubbish",
    "😀",
    "😢",
    "1, 2",
    "2 and 3",
    "ok",
    "not happy",
]
COMMANDS = ["back", "skip", "stop", "help", "/stop", "BACK!!", "Skip."]
ODD = ["", "   ", "i like football", "🙂🙂🙂", "x" * 2500, "\x00\x01", "<script>alert(1)</script>"]
_users = itertools.count(1)

action = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(ANSWERS)),
    st.tuples(st.just("type"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("type"), st.one_of(st.sampled_from(ODD), st.text(max_size=60))),
    st.tuples(
        st.just("button"), st.sampled_from(["1", "2", "4", "5", "yes", "no", "bogus", "1,2"])
    ),
    st.tuples(st.just("stale"), st.sampled_from(["1", "5", "yes"])),
    st.tuples(st.just("resume"), st.none()),
)


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory: pytest.TempPathFactory) -> Database:
    data = Path(tmp_path_factory.mktemp("property"))
    settings_ = load_settings(
        environ={"HEARD_DATA_DIR": str(data), "HEARD_DATABASE_URL": f"sqlite:///{data / 'p.db'}"},
        env_file=None,
    )
    return open_database(settings_)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(survey_id=st.sampled_from(sorted(SURVEYS)), actions=st.lists(action, max_size=30))
def test_engine_never_raises_stores_only_valid_answers_and_loses_nothing(
    shared_database: Database, survey_id: str, actions: list[tuple[str, str | None]]
) -> None:
    database = shared_database
    survey = CATALOGUE[survey_id]
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("prop", next(_users))
    cohort, band = SURVEYS[survey_id]
    people.set_profile(pseudonym, "prop", cohort=cohort, age_band=band)
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.begin(pseudonym, channel="prop", survey_id=survey_id)
    if reply.prompt and reply.prompt.step == CONSENT:
        reply = engine.handle(pseudonym, choice="yes", step=CONSENT)
    if reply.prompt and reply.prompt.step == QUOTE:
        reply = engine.handle(pseudonym, text="no")
    session_id = reply.session_id
    acknowledged: dict[str, str] = {}
    for kind, value in actions:
        step = reply.prompt.step if reply.prompt else None
        if kind == "resume":
            engine = ConversationEngine(database.sessions, CATALOGUE)
            reply = engine.begin(pseudonym, channel="prop", survey_id=survey_id)
            if reply.session_id != session_id:
                break  # the earlier check-in finished; a new one began
            continue
        if reply.state in ("completed", "declined"):
            break
        if kind == "type":
            reply = engine.handle(pseudonym, text=value)
            # Nothing typed at an optional question is a skip (an empty Next on the web).
            is_answer = engine.messages.command(value) is None and bool((value or "").strip())
        elif kind == "button":
            reply = engine.handle(pseudonym, choice=value, step=step)
            is_answer = True
        else:
            reply = engine.handle(pseudonym, choice=value, step="not-the-current-step")
            assert not reply.accepted
            is_answer = False
        if reply.accepted and is_answer and step and not step.startswith("@"):
            question = survey.question(step)
            if kind == "button":
                acknowledged[step] = value
            else:
                with transaction(database.sessions) as session:
                    acknowledged[step] = session.scalar(
                        select(models.Answer.value)
                        .where(models.Answer.session_id == session_id)
                        .where(models.Answer.question_id == question.id)
                    )
        with transaction(database.sessions) as session:
            stored = dict(
                session.execute(
                    select(models.Answer.question_id, models.Answer.value).where(
                        models.Answer.session_id == session_id
                    )
                ).all()
            )
        for question_id, raw in stored.items():
            question = survey.question(question_id)
            assert question.is_valid_answer(decode_value(question, raw)), (question_id, raw)
        decoded = {q: decode_value(survey.question(q), v) for q, v in stored.items()}
        visible = {q.id for q in survey.visible_questions(decoded)}
        acknowledged = {q: v for q, v in acknowledged.items() if q in visible}
        assert {q: v for q, v in stored.items() if q in acknowledged} == acknowledged
        assert set(acknowledged) <= set(stored)
