"""Typed answers to "Can we use your words?" (quote consent), read as typed answers to
questions are (surveys.matching), carefully: consent is stored once, and only on a
clear yes; anything unclear is asked again and loses nothing already given."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from heard.wiring import Database
from storage import models
from storage.datafiles import DataFileError
from storage.db import transaction
from surveys.definition import load_catalogue
from surveys.engine import CONSENT, QUOTE, QUOTE_LONGEST, ConversationEngine
from surveys.matching import match_answer
from surveys.messages import load_messages
from surveys.people import People

CATALOGUE = load_catalogue()
KEY = b"quote-consent-key-0123456789"
MESSAGES = load_messages()
SURVEY = "checkin-11-17"

YES = ["ye thats fine", "yeah go on", "yes u can", "sure", "ok", "ya", "no problem",
       "no worries", "Yes, you can use my words", "yep no problem", "sure why not", "YES!!",
       "yesss", "ｙｅｓ", "👍", "go for it", "of course"]  # fmt: skip
NO = ["no", "nah", "rather not", "dont quote me", "no thanks", "No thanks", "nope",
      "absolutely not", "of course not", "please don't", "no way", "not really", "👎",
      "id rather not", "private", "i dont", "prefer not to say", "ask me later"]  # fmt: skip
UNCLEAR = ["not bothered", "im not bothered", "i dont mind", "dont care", "whatever",
           "maybe", "dunno", "not sure", "yeah i guess", "yes probably", "yes u cant",
           "u cannot use my words", "yes no", "yes but not now", "sure, not bothered",
           "1", "2", "what does that mean?", "can you use my name?", "purple monkey",
           "sometimes", "go away", "im fine", "its ok", "i'm good thanks", "yeah whatever",
           "course"]  # fmt: skip
# Hostile, empty or huge input: never an error, never a yes unless it plainly says yes.
HOSTILE = [("", None), ("   ", None), ("\x00", None), ("\u202e\u202e", None), ("?" * 50, None),
           ("y" * 600, None), ("yes " * 2000, None), ("no " * 20_000, None),
           ("🙂" * 5000, None), ("<script>alert(1)</script>", None),
           ("'); DROP TABLE respondents;--", None), ("yes\x00no", None),
           ("ｎｏｔ ｂｏｔｈｅｒｅｄ", None), ("\ud800yes", True), ("\u200byes\u200b", True),
           ("y" * 400, True)]  # fmt: skip


def read(text: str, language: str = "en") -> bool | None:
    """The engine's reading at the quote step (ConversationEngine._yes_or_no)."""
    engine = ConversationEngine(sessionmaker(), CATALOGUE).speaking(language)
    return engine._yes_or_no(QUOTE, text, None)


def read_as_documented(text: str, language: str = "en") -> bool | None:
    """The same, spelt out: the yes and no words, then the careful match."""
    messages = load_messages(language=language)
    if len(text.strip()) > QUOTE_LONGEST:
        return None
    decision = messages.yes_or_no(text)
    if decision is not None:
        return decision
    result = match_answer(messages.quote_reading, text, language, careful=True)
    return {"yes": True, "no": False}.get(str(result.value)) if result.ok else None


@pytest.mark.parametrize("typed", YES)
def test_yes_as_teenagers_type_it(typed: str) -> None:
    assert read(typed) is True


@pytest.mark.parametrize("typed", NO)
def test_no_as_teenagers_type_it(typed: str) -> None:
    assert read(typed) is False


@pytest.mark.parametrize("typed", UNCLEAR)
def test_unclear_is_never_a_yes(typed: str) -> None:
    assert read(typed) is None


@pytest.mark.parametrize(("typed", "meaning"), HOSTILE)
def test_hostile_empty_or_huge_input(typed: str, meaning: bool | None) -> None:
    assert read(typed) is meaning


@pytest.mark.parametrize("typed", [*YES, *NO, *UNCLEAR, *(t for t, _ in HOSTILE)])
def test_the_engine_reads_as_documented(typed: str) -> None:
    assert read(typed) is read_as_documented(typed)


@pytest.mark.parametrize(
    ("language", "typed", "meaning"),
    [
        ("ar", "نعم", True),
        ("ar", "ايوه استعملوا كلماتي", True),
        ("ar", "نعم، تستطيعون استعمال كلماتي", True),  # the button's words, typed
        ("ar", "لا مشكلة", True),
        ("ar", "لا، شكرًا", False),
        ("ar", "ما بدي", False),
        ("ar", "la2", False),
        ("ar", "مش مهم", None),
        ("ar", "ايوه بس مش هلق", None),
        ("ar", "ye thats fine", True),  # English still works
        ("ps", "هو", True),
        ("ps", "هو، زما خبرې کارولی شئ", True),
        ("ps", "هېڅ ستونزه نشته", True),
        ("ps", "نه، مننه", False),
        ("ps", "na", False),
        ("ps", "شاید", None),
        ("ps", "dont quote me", False),
    ],
)
def test_arabic_and_pashto_keep_working(language: str, typed: str, meaning: bool | None) -> None:
    assert read(typed, language) is meaning


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ('quote_words:\n  "yes": [sure thing]\n  "no": [sure thing]\n', "listed under both"),
        ('quote_words:\n  maybe: ["up to you"]\n', "unknown meaning"),
        ('quote_words:\n  "no": [no, "nah"]\n', "list of words"),
    ],
)
def test_quote_words_file_problems_are_reported(tmp_path: Path, section: str, problem: str) -> None:
    english = Path(__file__).parents[1] / "surveys" / "messages.yaml"
    text = english.read_text("utf-8")
    start = text.index("quote_words:")
    end = text.index("command_words:")
    path = tmp_path / "messages.yaml"
    path.write_text(text[:start] + section + text[end:], "utf-8")
    with pytest.raises(DataFileError, match=problem):
        load_messages(path)


def test_the_re_ask_says_tap_yes_or_no_in_each_language() -> None:
    assert "tap Yes or No" in MESSAGES.quote_unclear
    for code in ("ar", "ps"):
        assert load_messages(language=code).quote_unclear != MESSAGES.quote_unclear


# ---------------------------------------------------------------- through the engine


def at_the_quote_question(database: Database, user: int = 1, language: str = "en") -> str:
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("test", user)
    people.set_profile(pseudonym, "test", cohort="child_in_care", age_band="11-17")
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.begin(pseudonym, channel="telegram", survey_id=SURVEY, language=language)
    assert reply.prompt is not None and reply.prompt.step == CONSENT
    reply = engine.handle(pseudonym, text="yes", language=language)
    assert reply.prompt is not None and reply.prompt.step == QUOTE
    return pseudonym


def stored(database: Database) -> tuple[bool, str | None, str | None]:
    with transaction(database.sessions) as session:
        respondent = session.scalar(select(models.Respondent))
        survey_session = session.scalar(select(models.SurveySession))
        assert respondent is not None and survey_session is not None
        return (
            respondent.quote_consent,
            respondent.consent_version,
            survey_session.current_question_id,
        )


@pytest.mark.parametrize("typed", ["ye thats fine", "yes u can", "no problem", "ya"])
def test_a_typed_yes_is_stored_once_and_the_check_in_goes_on(
    database: Database, quote_writes: list[str], typed: str
) -> None:
    pseudonym = at_the_quote_question(database)
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.handle(pseudonym, text=typed, update_key=("t", 7))
    assert reply.accepted and reply.prompt is not None
    first = CATALOGUE[SURVEY].questions[0].id
    assert reply.prompt.step == first
    again = engine.handle(pseudonym, text=typed, update_key=("t", 7))  # redelivered
    assert again.state == "duplicate"
    assert stored(database)[0] is True and stored(database)[2] == first
    assert len(quote_writes) == 1


@pytest.mark.parametrize("typed", ["dont quote me", "nah", "rather not", "no thanks"])
def test_a_typed_no_stores_no_consent_and_the_check_in_goes_on(
    database: Database, quote_writes: list[str], typed: str
) -> None:
    pseudonym = at_the_quote_question(database)
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.handle(pseudonym, text=typed)
    assert reply.accepted and reply.prompt is not None and reply.prompt.is_question
    assert stored(database)[0] is False
    assert quote_writes == []


@pytest.mark.parametrize(
    "typed", ["not bothered", "i dont mind", "yes u cant", "1", "", "x" * 50_000, "\x00"]
)
def test_unclear_is_asked_again_and_loses_nothing(
    database: Database, quote_writes: list[str], typed: str
) -> None:
    pseudonym = at_the_quote_question(database)
    before = stored(database)
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.handle(pseudonym, text=typed)
    assert not reply.accepted and reply.state == "active"
    assert reply.messages == (MESSAGES.quote_unclear,)
    assert reply.prompt is not None and reply.prompt.step == QUOTE
    assert [c.value for c in reply.prompt.choices] == ["yes", "no"]
    assert stored(database) == before  # research consent kept, still at the quote step
    assert before[0] is False and before[1] is not None
    assert quote_writes == []
    reply = engine.handle(pseudonym, text="ye thats fine")  # then a clear yes counts
    assert reply.accepted and stored(database)[0] is True
    assert len(quote_writes) == 1


def test_a_disclosure_at_the_quote_question_is_help_not_consent(
    database: Database, quote_writes: list[str]
) -> None:
    pseudonym = at_the_quote_question(database)
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.handle(pseudonym, text="yes but my carer hits me")
    assert reply.alert_id is not None and not reply.accepted
    assert stored(database)[0] is False and quote_writes == []


@pytest.mark.parametrize(
    ("language", "typed", "meaning"),
    [("ar", "اه تمام", True), ("ar", "استعملوا كلماتي", True), ("ar", "لا مشكلة", True),
     ("ar", "نعم، تستطيعون استعمال كلماتي", True), ("ar", "ما بدي", False),
     ("ps", "هو", True), ("ps", "نه، مننه", False)],
)  # fmt: skip
def test_arabic_and_pashto_through_the_engine(
    database: Database, quote_writes: list[str], language: str, typed: str, meaning: bool
) -> None:
    pseudonym = at_the_quote_question(database, language=language)
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.handle(pseudonym, text=typed, language=language)
    assert reply.accepted and reply.alert_id is None
    assert stored(database)[0] is meaning
    assert len(quote_writes) == int(meaning)


def test_unclear_in_arabic_is_asked_again_in_arabic(database: Database) -> None:
    pseudonym = at_the_quote_question(database, language="ar")
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.handle(pseudonym, text="مش مهم", language="ar")
    assert not reply.accepted and reply.alert_id is None
    assert reply.messages == (load_messages(language="ar").quote_unclear,)
    assert stored(database)[0] is False


def test_more_than_an_answer_in_arabic_still_goes_to_a_person(database: Database) -> None:
    """Heard reads disclosures in English only: Arabic words beyond a listed answer are
    passed to a person (a "please read" alert), never taken as consent."""
    pseudonym = at_the_quote_question(database, language="ar")
    engine = ConversationEngine(database.sessions, CATALOGUE)
    reply = engine.handle(pseudonym, text="ايوه استعملوا كلماتي يا جماعة", language="ar")
    assert not reply.accepted and reply.alert_id is not None
    assert stored(database)[0] is False
