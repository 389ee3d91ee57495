"""Typed answers that turn a yes round ("absolutely not", "of course not") are read as a
child means them, or asked again: never as the positive answer. "Do you feel safe where
you live?" answered "absolutely not" is a No, and its safety signal fires.

Also the research consent ("Is that OK?") and "carry on?" steps read typed answers as the
quote step does (ConversationEngine._yes_or_no): "ye thats fine" is a yes there, and
consent is never taken from an unclear answer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.definition import Question, load_catalogue
from surveys.engine import CONSENT, CONTINUE, QUOTE, ConversationEngine, Reply
from surveys.matching import match_answer
from surveys.messages import load_messages
from surveys.people import People

CATALOGUE = load_catalogue()
MESSAGES = load_messages()
KEY = b"negated-answers-key-0123456789"
SURVEY = "checkin-11-17"
FEEL_SAFE = CATALOGUE[SURVEY].question("feel_safe")
HELP = "Thank you for telling Heard"

# What a 14-year-old means by each, to "Do you feel safe where you live?"; None: Heard
# cannot tell and asks again ("Sorry, I didn't quite get that.") and stores nothing.
READINGS: dict[str, str | None] = {
    "absolutely not": "no",
    "of course not": "no",
    "definitely not": "no",
    "certainly not": "no",
    "hell no": "no",
    "no way": "no",
    "not at all": "no",
    "not really": "no",
    "nope": "no",
    "not rly": "no",
    "absolutely": "yes",
    "of course": "yes",
    "definitely": "yes",
    "100%": "yes",
    "yeah definitely": "yes",
    "i do": "yes",
    "i dont": "no",
    "not always": "sometimes",
    "sometimes not": "sometimes",  # sometimes I don't: not always
    "kind of": "sometimes",
    "sort of": "sometimes",
    "ish": "sometimes",
}
# The same shapes typed as teenagers type them, and their neighbours.
MORE: dict[str, str | None] = {
    "ABSOLUTELY NOT!!": "no",
    "absolutely nottt": "no",
    "Of course not.": "no",
    "absolutely not lol": "no",
    "totally not": "no",
    "def not": "no",
    "defo not": "no",
    "ofc not": "no",
    "100% not": "no",
    "hell nah": "no",
    "i do not": "no",
    "i do not feel safe": "no",
    "no i do not": "no",
    "no im not": "no",
    "no not safe": "no",
    "nah i dont": "no",
    "not in the slightest": "no",
    "certainly": "yes",
    "hell yeah": "yes",
    "of course i do": "yes",
    "not totally": "sometimes",
    "not 100%": "sometimes",
    # a "not" after a yes that no list covers: asked again, never a yes
    "yes not": None,
    "always not": None,
    "absolutly not": None,
    "yeah i do not": None,
    "of course i dont": None,
    "yes im safe dont worry": None,
    "yes definitely not": None,
    # double negatives and halfway answers: asked again
    "never not": None,
    "not never": None,
    "not often": None,
    "i do not know": None,
    "yeah no": None,
}


def _ysn_safety_questions() -> list[Question]:
    return [
        q
        for s in CATALOGUE.values()
        for q in s.questions
        if q.type == "yes_sometimes_no" and q.safety_signal is not None
    ]


def reading(question: Question, typed: str) -> str | None:
    result = match_answer(question, typed)
    if not result.ok:
        assert result.value is None and result.reask
        return None
    assert isinstance(result.value, str)
    return result.value


@pytest.mark.parametrize(("typed", "meaning"), [*READINGS.items(), *MORE.items()])
def test_feel_safe_is_read_as_a_child_means_it(typed: str, meaning: str | None) -> None:
    assert reading(FEEL_SAFE, typed) == meaning


@pytest.mark.parametrize("question", _ysn_safety_questions(), ids=lambda q: q.id)
def test_every_yes_sometimes_no_safety_question_reads_absolutely_not_as_no(
    question: Question,
) -> None:
    for typed, meaning in READINGS.items():
        assert reading(question, typed) == meaning, (question.id, typed)
    assert question.signals_risk("no")


@pytest.mark.parametrize("typed", [t for t, m in {**READINGS, **MORE}.items() if m != "yes"])
def test_a_negated_answer_is_never_the_positive_one_anywhere(typed: str) -> None:
    """No closed question in the catalogue reads a "not" answer as yes, its best point."""
    for survey in CATALOGUE.values():
        for question in survey.questions:
            if question.type in ("text", "multi", "scale0_10"):
                continue
            value = reading(question, typed)
            if question.type in ("satisfaction5", "faces5"):
                assert value not in ("4", "5"), (question.id, typed, value)
            else:
                assert value not in ("yes", "often"), (question.id, typed, value)


BULLIED = CATALOGUE[SURVEY].question("bullied")
LONELY = CATALOGUE["checkin-care-leaver"].question("lonely")
HOME_HAPPY = CATALOGUE[SURVEY].question("home_happy")


@pytest.mark.parametrize(
    ("question", "typed", "meaning"),
    [
        # a yes / sometimes / no choice (a "yes" here raises help): the same readings
        (BULLIED, "absolutely not", "no"),
        (BULLIED, "of course not", "no"),
        (BULLIED, "i do not", "no"),
        (BULLIED, "hell no", "no"),
        (BULLIED, "100%", "yes"),
        # often / some of the time / hardly ever
        (LONELY, "not often", "hardly_ever"),
        (LONELY, "no not often", "hardly_ever"),
        (LONELY, "often not", None),
        (LONELY, "always not", None),
        (LONELY, "a lot not", None),
        (LONELY, "never not", None),
        (LONELY, "absolutely not", None),
        # happy faces, 1 very unhappy ... 5 very happy
        (HOME_HAPPY, "not happy", "2"),
        (HOME_HAPPY, "no im not happy", "2"),
        (HOME_HAPPY, "no not happy", "2"),
        (HOME_HAPPY, "really not happy", "1"),
        (HOME_HAPPY, "not bad", "4"),
        (HOME_HAPPY, "happy not", None),
        (HOME_HAPPY, "great not", None),
        (HOME_HAPPY, "love it not", None),
        (HOME_HAPPY, "never not happy", None),
        (HOME_HAPPY, "not not happy", None),
        (HOME_HAPPY, "no im happy", None),
        (HOME_HAPPY, "no its bad", None),
        (HOME_HAPPY, "absolutely not", None),
    ],
    ids=lambda v: v.id if isinstance(v, Question) else str(v),
)
def test_other_answer_shapes(question: Question, typed: str, meaning: str | None) -> None:
    assert reading(question, typed) == meaning


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "\x00", "\u202e", "not " * 5000, "absolutely not " * 100, "🙂" * 5000,
     "<script>absolutely</script> not", "'); DROP TABLE answers;--", "not\x00absolutely",
     "\ud800absolutely not", "ｎｏｔ ａｔ ａｌｌ", "absolutely\u200b not"],
)  # fmt: skip
def test_hostile_empty_or_huge_input_is_never_a_yes(typed: str) -> None:
    for question in (FEEL_SAFE, BULLIED, LONELY, HOME_HAPPY):
        result = match_answer(question, typed)
        assert result.value not in ("yes", "often", "4", "5")
        assert result.ok or result.reask


# ---------------------------------------------------------------- through the engine


def engine_for(database: Database) -> ConversationEngine:
    return ConversationEngine(database.sessions, CATALOGUE)


def child(database: Database, user: int = 1) -> str:
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("test", user)
    people.set_profile(pseudonym, "test", cohort="child_in_care", age_band="11-17")
    return pseudonym


def at_feel_safe(engine: ConversationEngine, pseudonym: str) -> Reply:
    reply = engine.begin(pseudonym, channel="telegram", survey_id=SURVEY)
    assert reply.prompt is not None and reply.prompt.step == CONSENT
    engine.handle(pseudonym, text="yes")
    engine.handle(pseudonym, text="no thanks")
    reply = engine.handle(pseudonym, choice="4", step="home_happy")
    assert reply.prompt is not None and reply.prompt.step == "feel_safe"
    return reply


def assert_no_to_feel_safe_with_help(database: Database, reply: Reply) -> None:
    """ "No" stored for "Do you feel safe where you live?", with its help and one concern
    alert, and the check-in on to the next question."""
    assert reply.accepted and reply.alert_id is not None and not reply.alert_urgent
    assert reply.messages[0].startswith(HELP)
    assert reply.prompt is not None and reply.prompt.step == "feel_settled"
    assert stored_answers(database)["feel_safe"] == "no"
    assert alerts(database) == [
        ("unsafe_home", "concern", 'Chose "No" for "Do you feel safe where you live?"')
    ]


def stored_answers(database: Database) -> dict[str, str]:
    with transaction(database.sessions) as session:
        rows = session.execute(select(models.Answer.question_id, models.Answer.value)).all()
    return dict(rows)


def alerts(database: Database) -> list[tuple[str, str, str | None]]:
    with transaction(database.sessions) as session:
        found = session.scalars(select(models.SafeguardingAlert)).all()
        return [(a.category, a.level, a.text) for a in found]


def test_absolutely_not_to_feeling_safe_is_no_and_raises_help(database: Database) -> None:
    engine = engine_for(database)
    pseudonym = child(database)
    at_feel_safe(engine, pseudonym)
    reply = engine.handle(pseudonym, text="absolutely not")
    assert_no_to_feel_safe_with_help(database, reply)


@pytest.mark.parametrize(("typed", "meaning"), READINGS.items())
def test_every_phrase_through_the_engine(
    database: Database, typed: str, meaning: str | None
) -> None:
    engine = engine_for(database)
    pseudonym = child(database)
    at_feel_safe(engine, pseudonym)
    reply = engine.handle(pseudonym, text=typed)
    assert stored_answers(database).get("feel_safe") == meaning
    assert (reply.alert_id is not None) is (meaning == "no")
    assert [a[0] for a in alerts(database)] == (["unsafe_home"] if meaning == "no" else [])
    assert reply.prompt is not None
    assert reply.prompt.step == ("feel_safe" if meaning is None else "feel_settled")


@pytest.mark.parametrize("typed", ["never not", "yes not", "absolutly not", "not often"])
def test_unclear_is_asked_again_and_nothing_is_stored(database: Database, typed: str) -> None:
    engine = engine_for(database)
    pseudonym = child(database)
    at_feel_safe(engine, pseudonym)
    reply = engine.handle(pseudonym, text=typed)
    assert not reply.accepted and reply.alert_id is None
    assert reply.prompt is not None and reply.prompt.step == "feel_safe"
    assert "feel_safe" not in stored_answers(database) and alerts(database) == []
    reply = engine.handle(pseudonym, text="absolutely not")  # then a clear answer counts
    assert reply.alert_id is not None and stored_answers(database)["feel_safe"] == "no"


# ---------------------------------------------------------------- consent and carry on


def consent_version(database: Database) -> str | None:
    with transaction(database.sessions) as session:
        return session.scalar(select(models.Respondent.consent_version))


def sessions(database: Database) -> int:
    with transaction(database.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(models.SurveySession)) or 0)


def test_reading_at_consent_and_carry_on() -> None:
    engine = ConversationEngine(None, CATALOGUE)  # type: ignore[arg-type]
    for step in (CONSENT, CONTINUE, QUOTE):
        for typed in ("ye thats fine", "yes please", "no problem", "sure why not", "100%"):
            assert engine._yes_or_no(step, typed, None) is True, (step, typed)
        for typed in ("absolutely not", "of course not", "id rather not", "nah", "no thanks"):
            assert engine._yes_or_no(step, typed, None) is False, (step, typed)
        for typed in ("not bothered", "i dont mind", "maybe", "whatever", "yes not", "1",
                      "yes but not now", "its ok", "", "x" * 600, "yes " * 200):  # fmt: skip
            assert engine._yes_or_no(step, typed, None) is None, (step, typed)
    # about being quoted only: no answer to "Is that OK?" or "carry on?"
    for typed in ("use my words", "you can use my words", "dont quote me", "private",
                  "you can", "dont use my words"):  # fmt: skip
        assert engine._yes_or_no(CONSENT, typed, None) is None, typed
        assert engine._yes_or_no(CONTINUE, typed, None) is None, typed
        assert engine._yes_or_no(QUOTE, typed, None) is not None, typed


def test_ye_thats_fine_at_consent_starts_the_check_in(database: Database) -> None:
    engine = engine_for(database)
    pseudonym = child(database)
    engine.begin(pseudonym, channel="telegram", survey_id=SURVEY)
    for unclear in ("not bothered", "use my words", "dont quote me", "i dont mind"):
        reply = engine.handle(pseudonym, text=unclear)
        # typed words are told the step's own two buttons ("isn't one of the choices" is for
        # a button): "Please tap “Yes, let's start” or “Not now”, or type yes or no."
        asked = MESSAGES.step_unclear.format(yes=MESSAGES.consent_yes, no=MESSAGES.consent_no)
        assert not reply.accepted and reply.messages == (asked,)
        assert "“Yes, let's start” or “Not now”" in asked and "{" not in asked
        assert reply.prompt is not None and reply.prompt.step == CONSENT
        assert consent_version(database) is None and sessions(database) == 1
    reply = engine.handle(pseudonym, text="ye thats fine")
    assert reply.prompt is not None and reply.prompt.step == QUOTE
    assert consent_version(database) is not None


def test_absolutely_not_at_consent_declines(database: Database) -> None:
    engine = engine_for(database)
    pseudonym = child(database)
    engine.begin(pseudonym, channel="telegram", survey_id=SURVEY)
    reply = engine.handle(pseudonym, text="absolutely not")
    assert reply.state == "declined" and consent_version(database) is None
    assert sessions(database) == 0


def test_ye_thats_fine_carries_on_after_help(database: Database) -> None:
    engine = engine_for(database)
    pseudonym = child(database)
    at_feel_safe(engine, pseudonym)
    reply = engine.handle(pseudonym, text="my carer hits me")
    assert reply.alert_id is not None and reply.prompt is not None
    assert reply.prompt.step == CONTINUE
    reply = engine.handle(pseudonym, text="whatever")
    assert not reply.accepted and reply.prompt is not None and reply.prompt.step == CONTINUE
    assert reply.messages == (
        "Sorry, I didn't catch that. Please tap “Carry on” or “Stop for now”, or type yes or no.",
    )
    reply = engine.handle(pseudonym, text="ye thats fine")
    assert reply.prompt is not None and reply.prompt.step == "feel_safe"
