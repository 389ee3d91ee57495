"""Answers the child can no longer see do not count.

A question with `show_if` is asked only while an earlier answer allows it. When the
person goes back and changes that earlier answer, the later question is no longer
theirs to answer: the engine removes its answer, and the analysis leaves out any
such answer already stored (older data, imports), so the measure counts only what
the person could see.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, target
from hypothesis import strategies as st
from sqlalchemy import delete, select

from analysis import loading
from analysis.importer import import_rows, read_rows
from analysis.kpi import kpi_figures
from analysis.periods import parse_period
from heard.catalogue_sync import sync_catalogue
from heard.settings import load_settings
from heard.wiring import Database, open_database
from storage import models
from storage.db import transaction
from storage.respondents import get_or_create_respondent, set_profile
from storage.surveys import save_answer, start_session, survey_versions
from surveys.definition import Question, Survey, load_catalogue
from surveys.engine import CONSENT, QUOTE, ConversationEngine, Reply, decode_value, encode_value
from surveys.people import People

CATALOGUE = load_catalogue()
KEY = b"hidden-answers-key-0123456789"
PROFILE_FOR = {
    "checkin-8-11": ("child_in_care", "8-11"),
    "checkin-11-17": ("child_in_care", "11-17"),
    "checkin-care-leaver": ("care_leaver", "16-25"),
    "carer-feedback": ("carer", "adult"),
}
WITH_SHOW_IF = sorted(s for s in PROFILE_FOR if any(q.show_if for q in CATALOGUE[s].questions))
_users = itertools.count(1)

Answers = dict[str, str | list[str]]


def visible_only(survey: Survey, answers: Answers) -> Answers:
    """The answers a person can still see: those to questions `show_if` still shows."""
    shown = {q.id for q in survey.visible_questions(answers)}
    return {qid: value for qid, value in answers.items() if qid in shown}


def stored(database: Database, session_id: int) -> dict[str, models.Answer]:
    with transaction(database.sessions) as session:
        rows = session.scalars(
            select(models.Answer).where(models.Answer.session_id == session_id)
        ).all()
        return {row.question_id: row for row in rows}


def start(database: Database, survey_id: str) -> tuple[ConversationEngine, str, Reply]:
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("hidden", next(_users))
    cohort, band = PROFILE_FOR[survey_id]
    people.set_profile(pseudonym, "hidden", cohort=cohort, age_band=band)
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.begin(pseudonym, channel="hidden", survey_id=survey_id)
    assert reply.prompt is not None and reply.prompt.step == CONSENT
    reply = engine.handle(pseudonym, choice="yes", step=CONSENT)
    assert reply.prompt is not None and reply.prompt.step == QUOTE
    return engine, pseudonym, engine.handle(pseudonym, text="no thanks")


def answer(
    engine: ConversationEngine, pseudonym: str, survey: Survey, step: str, pick: int
) -> tuple[Reply, str | list[str]]:
    """Answer `step` with its option number `pick` (words, for a free-text question)."""
    question = survey.question(step)
    if question.type == "text":
        return engine.handle(pseudonym, text="it is fine thanks"), "it is fine thanks"
    option = question.options[pick % len(question.options)].value
    value: str | list[str] = [option] if question.type == "multi" else option
    return engine.handle(pseudonym, choice=encode_value(value), step=step), value


# --------------------------------------------------------------------------- the engine


def test_changing_an_answer_so_a_question_is_hidden_removes_its_answer(database: Database):
    """Know your PA: yes, then "Does your PA get back to you?" yes; back twice and
    change to "no": the PA answers were never the person's to give, and go."""
    survey = CATALOGUE["checkin-care-leaver"]
    engine, pseudonym, reply = start(database, "checkin-care-leaver")
    while reply.prompt is not None and reply.prompt.step != "know_pa":
        reply, _ = answer(engine, pseudonym, survey, reply.prompt.step, 0)
    session_id = reply.session_id
    assert session_id is not None
    for step, value in (("know_pa", "yes"), ("pa_gets_back", "yes"), ("pa_trust", "yes")):
        assert reply.prompt is not None and reply.prompt.step == step
        reply = engine.handle(pseudonym, choice=value, step=step)
    answers = stored(database, session_id)
    assert answers["pa_gets_back"].is_kpi and answers["pa_trust"].is_kpi
    for _ in range(3):
        reply = engine.handle(pseudonym, text="back")
    assert reply.prompt is not None and reply.prompt.step == "know_pa"
    reply = engine.handle(pseudonym, choice="no", step="know_pa")
    assert reply.accepted and reply.prompt is not None
    assert reply.prompt.step == "know_local_offer"  # the PA questions are skipped over
    answers = stored(database, session_id)
    assert answers["know_pa"].value == "no"
    assert not {"pa_gets_back", "pa_trust", "pa_changes"} & set(answers)


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    data = Path(tmp_path_factory.mktemp("hidden"))
    environ = {"HEARD_DATA_DIR": str(data), "HEARD_DATABASE_URL": f"sqlite:///{data / 'h.db'}"}
    database = open_database(load_settings(environ=environ, env_file=None))
    yield database
    database.close()


ACTIONS = st.sampled_from(["answer"] * 5 + ["change"] * 3 + ["back", "skip"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    survey_id=st.sampled_from(WITH_SHOW_IF),
    actions=st.lists(
        st.tuples(ACTIONS, st.integers(0, 30), st.integers(0, 5)), min_size=10, max_size=45
    ),
)
# Always tried: the first option of every question up to and past a show_if, then that
# answer changed (out of hours help: "yes" then "no"; moved home: "once" then "no").
@example("carer-feedback", [("answer", 0, 0)] * 8 + [("change", 0, 1)])
@example("checkin-11-17", [("answer", 0, 1)] * 20 + [("change", 0, 0), ("answer", 0, 3)])
@example("checkin-care-leaver", [("answer", 0, 0)] * 13 + [("change", 0, 2), ("back", 0, 0)])
def test_stored_kpi_answers_are_exactly_those_of_visible_questions(
    shared_database: Database, survey_id: str, actions: list[tuple[str, int, int]]
) -> None:
    """Whatever answers, Backs and skips a person gives, what is stored is the last
    answer to each question they can still see, and nothing else; a hidden question's
    answer, once gone, does not come back when the question shows again.

    "change" is Back, pressed until an earlier answer (one a `show_if` looks at, where
    there is one) is showing, then a different answer to it: what a person does to
    change their mind, and the only way a question can become hidden."""
    database = shared_database
    survey = CATALOGUE[survey_id]
    order = [q.id for q in survey.questions]
    sources = {q.show_if.question for q in survey.questions if q.show_if}
    engine, pseudonym, reply = start(database, survey_id)
    session_id = reply.session_id
    assert session_id is not None
    expected: Answers = {}
    hidden_now = 0
    for kind, which, pick in actions:
        if reply.state != "active" or reply.prompt is None:
            break
        step = reply.prompt.step
        if kind == "back":
            reply = engine.handle(pseudonym, text="back")
        elif kind == "skip":
            reply = engine.handle(pseudonym, text="skip")
        else:
            if kind == "change":
                earlier = [q for q in expected if order.index(q) < order.index(step)]
                pool = sorted([q for q in earlier if q in sources] or earlier, key=order.index)
                if not pool:
                    continue
                earlier_step = pool[which % len(pool)]
                for _ in range(len(order)):
                    if reply.prompt is None or reply.prompt.step == earlier_step:
                        break
                    reply = engine.handle(pseudonym, text="back")
                assert reply.prompt is not None and reply.prompt.step == earlier_step
                step = earlier_step
                options = survey.question(step).options
                others = [i for i, o in enumerate(options) if o.value != expected[step]]
                pick = others[pick % len(others)] if others else pick  # a new answer
            reply, value = answer(engine, pseudonym, survey, step, pick)
            if reply.accepted:
                expected[step] = value
                shown = visible_only(survey, expected)
                hidden_now += len(expected) - len(shown)
                expected = shown
        rows = stored(database, session_id)
        answers = {qid: decode_value(survey.question(qid), r.value) for qid, r in rows.items()}
        assert answers == expected, (kind, step)
        assert set(answers) == set(visible_only(survey, answers))
        kpi = {qid for qid, row in rows.items() if row.is_kpi}
        assert kpi == {q.id for q in survey.visible_questions(answers) if q.kpi} & set(answers)
    target(float(hidden_now), label="answers hidden by a changed answer")


# --------------------------------------------------------------------------- the analysis

Q3 = parse_period("2026-Q3")
AUG = datetime(2026, 8, 12, 10, 0, tzinfo=UTC)


def store_directly(database: Database, survey_id: str, sessions: list[Answers]) -> None:
    """Write answers as older Heard (or an import) might have: hidden ones included."""
    sync_catalogue(database, CATALOGUE)
    survey = CATALOGUE[survey_id]
    cohort, band = PROFILE_FOR[survey_id]
    with transaction(database.sessions) as session:
        version = next(v for v in survey_versions(session) if v.survey_id == survey_id)
        for number, answers in enumerate(sessions):
            person = get_or_create_respondent(session, f"old-{next(_users)}-{number}", "web")
            set_profile(session, person, cohort=cohort, age_band=band)
            visit = start_session(
                session,
                respondent_id=person.id,
                version=version,
                channel="web",
                first_question_id=None,
                when=AUG,
            )
            for question_id, value in answers.items():
                question = survey.question(question_id)
                save_answer(
                    session,
                    visit,
                    question_id=question_id,
                    value=encode_value(value),
                    is_kpi=question.kpi,
                    satisfied_or_better=question.is_satisfied_or_better(value)
                    if question.kpi
                    else None,
                    when=AUG,
                )


def counted(database: Database) -> list[tuple[str, str]]:
    """The (survey, question) of every KPI answer the analysis counts in Q3."""
    with database.engine.connect() as connection:
        frame = loading.kpi_answers(connection, Q3, "Europe/London", CATALOGUE)
    pairs = zip(frame["survey_id"].astype(str), frame["question_id"].astype(str), strict=True)
    return sorted(pairs)


def test_an_old_hidden_answer_is_left_out_of_the_measure(database: Database) -> None:
    """Stored before the engine removed them: "know your PA? no" with PA answers after it."""
    hidden: Answers = {
        "know_pa": "no",
        "pa_gets_back": "no",
        "pa_trust": "no",
        "feel_safe_home": "yes",
    }
    shown: Answers = {"know_pa": "yes", "pa_gets_back": "yes", "pa_trust": "no"}
    store_directly(database, "checkin-care-leaver", [hidden, shown])
    assert counted(database) == sorted(
        ("checkin-care-leaver", q) for q in ("feel_safe_home", "pa_gets_back", "pa_trust")
    )
    with database.engine.connect() as connection:
        frame = loading.kpi_answers(connection, Q3, "Europe/London", CATALOGUE)
    [everyone] = kpi_figures(frame)
    assert (everyone.current.satisfied, everyone.current.n) == (2, 3)


def _as_given(question: Question) -> Callable[[str], str | list[str]]:
    return lambda value: [value] if question.type == "multi" else value


def any_answers(survey: Survey) -> st.SearchStrategy[Answers]:
    """Any set of answers to a survey's questions with options, shown or not."""
    questions = [q for q in survey.questions if q.options]
    return st.fixed_dictionaries(
        {},
        optional={
            q.id: st.sampled_from([o.value for o in q.options]).map(_as_given(q)) for q in questions
        },
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_analysis_counts_only_answers_to_visible_questions(
    shared_database: Database, data: st.DataObject
) -> None:
    """Any stored answers, hidden ones included: the KPI answers counted are exactly
    those to KPI questions the person could see."""
    survey_id = data.draw(st.sampled_from(WITH_SHOW_IF))
    survey = CATALOGUE[survey_id]
    sessions = data.draw(st.lists(any_answers(survey), min_size=1, max_size=4))
    with transaction(shared_database.sessions) as session:  # only this example's answers
        session.execute(delete(models.Answer).where(models.Answer.answered_at == AUG))
    store_directly(shared_database, survey_id, sessions)
    expected = sorted(
        (survey_id, qid)
        for answers in sessions
        for qid in visible_only(survey, answers)
        if survey.question(qid).kpi
    )
    assert counted(shared_database) == expected


def test_an_imported_answer_to_a_hidden_question_is_not_counted(database: Database) -> None:
    """A paper form can carry an answer the check-in would never have asked for."""
    header = "respondent_ref,cohort,age_band,survey_id,question_id,answer,answered_at\n"
    lines = [
        ("CL-1", "know_pa", "no"),
        ("CL-1", "pa_trust", "no"),  # asked only of those who know their PA
        ("CL-1", "feel_safe_home", "yes"),
        ("CL-2", "know_pa", "yes"),
        ("CL-2", "pa_trust", "yes"),
    ]
    text = header + "".join(
        f"{ref},care_leaver,16-25,checkin-care-leaver,{question},{answer},2026-08-12\n"
        for ref, question, answer in lines
    )
    columns, rows = read_rows(io.StringIO(text))
    with transaction(database.sessions) as session:
        result = import_rows(
            session,
            columns,
            rows,
            CATALOGUE,
            pseudonym_key=KEY,
            timezone="Europe/London",
            now=datetime(2026, 11, 1, tzinfo=UTC),
        )
    assert result.ok, result
    assert counted(database) == [
        ("checkin-care-leaver", "feel_safe_home"),
        ("checkin-care-leaver", "pa_trust"),
    ]
