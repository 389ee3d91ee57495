"""The engine as a person meets it, in every channel: what they read after Back, after a
disclosure, at an empty Next, when they pause and carry on, and from one survey to the next.

Each test here failed on the engine before issue 13 was fixed. Real databases (SQLite
and PostgreSQL) through the `database` fixture.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.definition import load_catalogue
from surveys.engine import CONSENT, CONTINUE, QUOTE, ConversationEngine, Reply
from surveys.messages import load_messages
from surveys.people import People

CATALOGUE = load_catalogue()
KEY = b"engine-journey-key-0123456789"
MESSAGES = load_messages()


def engine_for(database: Database) -> ConversationEngine:
    return ConversationEngine(database.sessions, CATALOGUE)


def someone(database: Database, cohort: str, band: str, user: int = 1) -> str:
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("test", user)
    people.set_profile(pseudonym, "test", cohort=cohort, age_band=band)
    return pseudonym


def consented(
    engine: ConversationEngine, pseudonym: str, survey_id: str, channel: str = "telegram"
) -> Reply:
    reply = engine.begin(pseudonym, channel=channel, survey_id=survey_id)
    assert reply.prompt is not None and reply.prompt.step == CONSENT
    engine.handle(pseudonym, text="ye")
    return engine.handle(pseudonym, text="nah not now")


def stored_answers(database: Database) -> dict[str, str]:
    with transaction(database.sessions) as session:
        rows = session.execute(select(models.Answer.question_id, models.Answer.value)).all()
    return dict(rows)


def test_back_names_the_answer_in_words_not_letters(database: Database) -> None:
    engine = engine_for(database)
    child = someone(database, "child_in_care", "11-17")
    reply = consented(engine, child, "checkin-11-17")
    assert reply.prompt is not None and reply.prompt.step == "home_happy"
    engine.handle(child, text="v happy")
    reply = engine.handle(child, text="sometimes")  # feel_safe
    reply = engine.handle(child, text="back")
    assert reply.prompt is not None and reply.prompt.step == "feel_safe"
    assert "You said: Sometimes." in reply.messages[0]
    assert "s, o, m" not in reply.messages[0]


def test_a_disclosure_at_a_yes_no_question_is_help_not_an_answer(database: Database) -> None:
    engine = engine_for(database)
    child = someone(database, "child_in_care", "11-17")
    consented(engine, child, "checkin-11-17")
    engine.handle(child, text="ok")  # home_happy
    reply = engine.handle(child, text="my stepdad hits me and i dont want to go home")
    assert reply.alert_id is not None
    assert reply.messages[0].startswith("Thank you for telling Heard")
    assert reply.prompt is not None and reply.prompt.step == CONTINUE
    assert "feel_safe" not in stored_answers(database)  # "dont" was not read as "No"
    reply = engine.handle(child, text="ok carry on")
    assert reply.prompt is not None and reply.prompt.step == "feel_safe"  # asked again
    reply = engine.handle(child, text="not rly")
    assert stored_answers(database)["feel_safe"] == "no"


def test_a_disclosure_in_a_free_text_box_is_kept_for_the_alert_only(database: Database) -> None:
    engine = engine_for(database)
    young = someone(database, "care_leaver", "16-25")
    reply = consented(engine, young, "pulse")
    while reply.prompt is not None and reply.prompt.type != "text":
        reply = engine.handle(young, text="good")
    assert reply.prompt is not None and reply.prompt.step == "anything_else"
    reply = engine.handle(young, text="he touches me when no one is around")
    assert reply.alert_id is not None and reply.prompt is not None
    assert reply.prompt.step == CONTINUE
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count()).select_from(models.Comment)) == 0
        assert session.scalar(select(func.count()).select_from(models.SafeguardingAlert)) == 1
    assert "anything_else" not in stored_answers(database)
    reply = engine.handle(young, text="yes")  # carry on: the box was the last question
    assert reply.state == "completed"


def test_help_after_the_last_question_does_not_say_carry_on(database: Database) -> None:
    """Outside a question there is nothing to carry on with: the reply says only the help."""
    engine = engine_for(database)
    young = someone(database, "care_leaver", "16-25")
    reply = consented(engine, young, "pulse")
    while reply.prompt is not None and reply.prompt.type != "text":
        reply = engine.handle(young, text="good")
    reply = engine.handle(young, text="i want to kill myself")
    assert "carry on with the questions if" not in reply.messages[0]
    assert reply.prompt is not None and reply.prompt.step == CONTINUE


def test_the_question_total_never_changes_as_branches_open(database: Database) -> None:
    engine = engine_for(database)
    child = someone(database, "child_in_care", "11-17")
    reply = consented(engine, child, "checkin-11-17")
    survey = CATALOGUE["checkin-11-17"]
    totals, positions = set(), []
    while reply.state == "active" and reply.prompt is not None:
        prompt = reply.prompt
        totals.add(prompt.total)
        positions.append(prompt.position)
        question = survey.question(prompt.step)
        if prompt.type == "text":
            reply = engine.handle(child, text="skip")
        elif question.id in ("know_social_worker", "siblings_apart"):
            reply = engine.handle(child, choice="no", step=prompt.step)  # closes a branch
        else:
            counted = [o for o in question.options if o.counts]
            reply = engine.handle(child, choice=counted[0].value, step=prompt.step)
    assert reply.state == "completed"
    assert totals == {len(survey.questions)}
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_consent_is_asked_once_for_the_pulse_after_a_full_check_in(database: Database) -> None:
    engine = engine_for(database)
    young = someone(database, "care_leaver", "16-25")
    reply = consented(engine, young, "checkin-care-leaver")
    survey = CATALOGUE["checkin-care-leaver"]
    while reply.state == "active" and reply.prompt is not None:
        if reply.prompt.type == "text":
            reply = engine.handle(young, text="skip")
            continue
        counted = [o for o in survey.question(reply.prompt.step).options if o.counts]
        reply = engine.handle(young, choice=counted[0].value, step=reply.prompt.step)
    assert reply.state == "completed"
    reply = engine.begin(young, channel="telegram", survey_id="pulse")
    assert reply.prompt is not None and reply.prompt.step == "home_happy"
    assert reply.prompt.step not in (CONSENT, QUOTE)


def test_consent_is_asked_again_when_its_words_change(database: Database) -> None:
    engine = engine_for(database)
    young = someone(database, "care_leaver", "16-25")
    consented(engine, young, "pulse")
    with transaction(database.sessions) as session:
        session.execute(models.Respondent.__table__.update().values(consent_version="old-words"))
        session.execute(models.SurveySession.__table__.delete())
    reply = engine.begin(young, channel="telegram", survey_id="pulse")
    assert reply.prompt is not None and reply.prompt.step == CONSENT


@pytest.mark.parametrize(
    ("channel", "says", "never_says"),
    [
        ("telegram", "/forgetme", "press Next"),
        ("web", "press Next", "/forgetme"),
        ("webchat", "See or delete my answers", "/forgetme"),
    ],
)
def test_the_opening_speaks_the_channels_language(
    database: Database, channel: str, says: str, never_says: str
) -> None:
    engine = engine_for(database)
    child = someone(database, "child_in_care", "8-11")
    reply = engine.begin(child, channel=channel, survey_id="checkin-8-11")
    assert reply.prompt is not None
    assert says in reply.prompt.text and never_says not in reply.prompt.text
    assert "15 questions" not in reply.prompt.text


def test_the_pulse_says_how_many_questions_it_asks(database: Database) -> None:
    survey = CATALOGUE["pulse"]
    engine = engine_for(database)
    young = someone(database, "care_leaver", "16-25")
    reply = consented(engine, young, "pulse")
    assert reply.prompt is not None and reply.prompt.total == len(survey.questions)
    counted = [q for q in survey.questions if q.type != "text"]
    words = {3: "three", 4: "four"}
    assert f"{words[len(counted)]} questions" in survey.intro
    assert "anything else" in survey.intro  # the last, optional, box is named too


def test_an_empty_next_asks_for_a_choice_and_skips_an_empty_optional_box(
    database: Database,
) -> None:
    engine = engine_for(database)
    child = someone(database, "child_in_care", "8-11")
    reply = consented(engine, child, "checkin-8-11", channel="web")
    step = reply.prompt.step if reply.prompt else ""
    reply = engine.answer_step(child, step, text="")
    assert not reply.accepted
    assert reply.messages == (MESSAGES.nothing_chosen,)
    assert "didn't quite get" not in " ".join(reply.messages)
    survey = CATALOGUE["checkin-8-11"]
    while reply.prompt is not None and reply.prompt.type != "text":
        counted = [o for o in survey.question(reply.prompt.step).options if o.counts]
        reply = engine.answer_step(child, reply.prompt.step, choice=counted[0].value)
    assert reply.prompt is not None and reply.prompt.optional
    text_step = reply.prompt.step
    reply = engine.answer_step(child, text_step, text="   ")
    assert reply.accepted and (reply.prompt is None or reply.prompt.step != text_step)


def test_typing_carry_on_picks_a_paused_check_in_up_again(database: Database) -> None:
    engine = engine_for(database)
    child = someone(database, "child_in_care", "11-17")
    consented(engine, child, "checkin-11-17")
    engine.handle(child, text="meh")
    reply = engine.handle(child, text="stop")
    assert reply.state == "paused"
    assert engine.handle_if_active(child, "whats a pathway plan", update_key=("t", 1)) is None
    reply = engine.handle_if_active(child, "ok carry on", update_key=("t", 2))
    assert reply is not None and reply.state == "active"
    assert reply.messages == (MESSAGES.welcome_back,)
    assert reply.prompt is not None and reply.prompt.step == "feel_safe"
    assert engine.handle_if_active(child, "yess", update_key=("t", 3)) is not None
    assert stored_answers(database)["feel_safe"] == "yes"


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [
        ("ye", True),
        ("yess", True),
        ("yse", True),
        ("ok carry on", True),
        ("Yesss!!", True),
        ("nah not now", False),
        ("yeah nah", False),
        ("noo", False),
        ("not sure", None),
        ("yes but not now", None),
        ("my foster carer", None),
    ],
)
def test_yes_and_no_as_teenagers_type_them(typed: str, meaning: bool | None) -> None:
    assert MESSAGES.yes_or_no(typed) is meaning


@pytest.mark.parametrize(
    "typed",
    ["how do i get a bus pass", "can i stay with my foster carers after 18?", "is this private?"],
)
def test_a_question_of_theirs_is_never_read_as_an_answer(typed: str) -> None:
    """'pass' and 'private' mean "I'd rather not say" on their own, not inside a question."""
    from surveys.matching import is_a_question, match_answer

    survey = CATALOGUE["checkin-care-leaver"]
    for question in survey.questions:
        if question.type == "text":
            continue
        result = match_answer(question, typed)
        assert not result.ok, (question.id, result.value)
    assert is_a_question(typed)
    assert not is_a_question("pass") and not is_a_question("could be better")


def test_no_to_feeling_safe_shows_help_raises_a_concern_and_still_counts(
    database: Database,
) -> None:
    """Pressing "No" to "Do you feel safe where you live?" is the child's answer (it counts)
    and a sign to act on: the same help as typed words above the next question, and a
    concern alert."""
    engine = engine_for(database)
    child = someone(database, "child_in_care", "11-17")
    consented(engine, child, "checkin-11-17")
    engine.handle(child, choice="4", step="home_happy")
    reply = engine.handle(child, choice="no", step="feel_safe")
    assert reply.alert_id is not None and not reply.alert_urgent
    assert reply.messages[0].startswith("Thank you for telling Heard")
    assert reply.prompt is not None and reply.prompt.step == "feel_settled"
    assert stored_answers(database)["feel_safe"] == "no"
    with transaction(database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.category == "unsafe_home" and alert.level == "concern"
        assert alert.text == 'Chose "No" for "Do you feel safe where you live?"'
    reply = engine.handle(child, choice="yes", step="feel_settled")
    assert reply.alert_id is None  # only the marked answers


def test_the_feel_safe_questions_are_all_marked() -> None:
    safe = [
        (s.id, q.id)
        for s in CATALOGUE.values()
        for q in s.questions
        if "feel safe" in q.text.lower() and q.safety_signal is None
    ]
    assert safe == []


@pytest.mark.parametrize(
    ("words", "thanks"),
    [
        ("أريد أن أقتل نفسي", "شكراً على رسالتك"),  # help in Arabic: Heard ships it
        ("زه غواړم ځان ووژنم", "ستا د پیغام مننه"),  # and in Pashto
        ("Moja opiekunka mnie bije każdego dnia", "Thank you for your message. Someone at"),
    ],
)
def test_words_in_another_language_reach_a_person_to_read_them(
    database: Database, words: str, thanks: str
) -> None:
    """Heard's detector reads English only; a message it cannot read is never guessed at or
    dropped, and the help comes in the message's language when Heard ships it."""
    engine = engine_for(database)
    child = someone(database, "child_in_care", "11-17")
    consented(engine, child, "checkin-11-17")
    reply = engine.handle(child, text=words)  # at "How happy are you with where you live?"
    assert reply.alert_id is not None
    assert reply.messages[0].startswith(thanks)
    assert "999" in reply.messages[0] and "0800 1111" in reply.messages[0]
    assert stored_answers(database) == {}
    with transaction(database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.category == "please_read" and alert.text == words
        assert alert.detected_by.startswith("please read: message in ")


@pytest.mark.parametrize(
    "words", ["ok", "yes pls", "v happy", "nah not rly", "its grand innit", "7/10", "idk tbh"]
)
def test_short_english_answers_are_never_sent_to_be_read(words: str) -> None:
    from analysis.safeguarding import other_language

    assert other_language(words) is None
