"""Surveys in Arabic and Pashto: translation files checked on load, English where a word
is missing, `heard surveys check` listing every translation, and the engine asking,
reading and storing answers in the person's language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from heard.cli import main
from heard.wiring import Database
from storage import models
from storage.datafiles import DataFileError
from storage.db import transaction
from surveys import languages
from surveys.definition import catalogue_dir, load_catalogue
from surveys.engine import CONSENT, QUOTE, ConversationEngine
from surveys.messages import MESSAGES_FILE, load_messages
from surveys.people import People
from surveys.translations import (
    check_translations,
    load_translations,
    localise,
    missing_items,
    parse_translation,
)

CATALOGUE = load_catalogue()
KEY = b"translation-test-key-0123456"


def _copy_survey(tmp_path: Path, survey_id: str = "pulse") -> Path:
    shutil.copy(catalogue_dir() / f"{survey_id}.yaml", tmp_path / f"{survey_id}.yaml")
    return tmp_path


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- languages


def test_the_languages_file_says_what_is_offered_and_which_way_it_reads() -> None:
    assert languages.shipped_codes() == ("en", "ar", "ps")
    assert languages.direction("ar") == languages.direction("ps") == "rtl"
    assert languages.direction("prs") == languages.direction("ckb") == "rtl"
    assert languages.direction("en") == languages.direction("xx") == "ltr"
    assert languages.native_name("ar") == "العربية" and languages.native_name("ps") == "پښتو"
    assert languages.resolve("AR-sa") == "ar" and languages.resolve("fr") == "en"
    assert languages.resolve("prs") == "en"  # listed, not offered yet
    assert languages.best_match("fr-FR,ps;q=0.8,en;q=0.5") == "ps"


def test_a_mistake_in_the_languages_file_names_the_item_and_fix(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "languages.yaml",
        "languages:\n  - {code: en, native_name: English, english_name: English,"
        " direction: ltr, shipped: true}\n"
        "  - {code: ar, native_name: x, english_name: Arabic, direction: right, shipped: true}\n",
    )
    with pytest.raises(DataFileError) as caught:
        languages.load_languages(path)
    assert "language ar" in str(caught.value) and "rtl" in str(caught.value)


# --------------------------------------------------------------------------- files


def test_every_survey_is_translated_in_full_into_arabic_and_pashto_as_a_draft() -> None:
    assert check_translations() == []
    found = load_translations()
    for survey in CATALOGUE.values():
        for code in ("ar", "ps"):
            assert found[(survey.id, code)].status == "draft"
            assert missing_items(survey, code) == [], (survey.id, code)
    assert load_messages(language="ar").not_an_option.startswith("آسف")


@pytest.mark.parametrize(
    ("text", "item", "words"),
    [
        (
            "language: ar\nsurvey: pulse\nstatus: draft\nquestions:\n  home_hapy:\n    text: x\n",
            "question home_hapy",
            "did you mean 'home_happy'",
        ),
        (
            "language: ar\nsurvey: pulse\nstatus: draft\nquestions:\n  home_happy:\n"
            '    options: {"5": x}\n',
            "question home_happy.options",
            "surveys/scales.<code>.yaml",
        ),
        ("language: ps\nsurvey: pulse\nstatus: draft\n", "language", "language: ar"),
        ("language: ar\nsurvey: pulse\n", "status", "status: draft"),
        (
            "language: ar\nsurvey: pulse\nstatus: reviewed\n",
            "reviewed_by",
            "reviewed_by: <name",
        ),
    ],
)
def test_a_mistake_in_a_translation_names_file_item_and_fix(
    tmp_path: Path, text: str, item: str, words: str
) -> None:
    folder = _copy_survey(tmp_path)
    path = _write(folder, "pulse.ar.yaml", text)
    errors = check_translations(folder)
    assert errors, text
    error = next(e for e in errors if e.item == item)
    assert error.file == str(path) and words in str(error)


def test_an_option_the_question_does_not_have_is_refused(tmp_path: Path) -> None:
    folder = _copy_survey(tmp_path, "checkin-11-17")
    _write(
        folder,
        "checkin-11-17.ar.yaml",
        "language: ar\nsurvey: checkin-11-17\nstatus: draft\nquestions:\n"
        '  know_social_worker:\n    options: {"yes": نعم, maybe: ربما}\n',
    )
    (error,) = check_translations(folder)
    assert error.item == "question know_social_worker.options"
    assert "no option 'maybe'" in str(error) and "yes, no, not_sure" in str(error)


def test_a_language_heard_does_not_know_is_refused(tmp_path: Path) -> None:
    folder = _copy_survey(tmp_path)
    _write(folder, "pulse.fr.yaml", "language: fr\nsurvey: pulse\nstatus: draft\n")
    (error,) = check_translations(folder)
    assert "'fr' is not a language in surveys/languages.yaml" in str(error)


def test_a_translation_file_is_not_taken_for_a_survey(tmp_path: Path) -> None:
    folder = _copy_survey(tmp_path)
    _write(folder, "pulse.ar.yaml", "language: ar\nsurvey: pulse\nstatus: draft\n")
    assert list(load_catalogue(folder)) == ["pulse"]


def test_a_reviewed_translation_says_who_and_when(tmp_path: Path) -> None:
    folder = _copy_survey(tmp_path)
    path = _write(
        folder,
        "pulse.ar.yaml",
        "language: ar\nsurvey: pulse\nstatus: reviewed\nreviewed_by: A. Translator (ITI)\n"
        "reviewed_on: 2026-12-01\n",
    )
    translation, errors = parse_translation(path, load_catalogue(folder)["pulse"])
    assert errors == [] and translation is not None
    assert translation.status_text == "reviewed by A. Translator (ITI) on 2026-12-01"


# --------------------------------------------------------------------------- fallback


def test_what_is_not_translated_is_shown_in_english_item_by_item(tmp_path: Path) -> None:
    folder = _copy_survey(tmp_path)
    _write(
        folder,
        "pulse.ar.yaml",
        "language: ar\nsurvey: pulse\nstatus: draft\nquestions:\n"
        "  home_happy:\n    text: ما مدى سعادتك ببيتك؟\n",
    )
    english = load_catalogue(folder)["pulse"]
    arabic = localise(english, "ar", folder)
    assert arabic.question("home_happy").text == "ما مدى سعادتك ببيتك؟"
    assert arabic.question("life_happy").text == english.question("life_happy").text
    assert arabic.question("adults_happy").easy_text == english.question("adults_happy").easy_text
    assert arabic.intro == english.intro
    # the shared scale words still come from surveys/scales.ar.yaml
    assert arabic.question("life_happy").options[-2].label == "سعيد جدًا"
    # a translation is the same survey: same version, same consent
    assert (arabic.version, arabic.content_hash) == (english.version, english.content_hash)
    assert arabic.consent_version == english.consent_version
    missing = missing_items(english, "ar", folder)
    assert "life_happy.text" in missing and "intro" in missing
    assert "home_happy.text" not in missing
    assert localise(english, "en", folder) is english
    assert localise(english, "de", folder) is english


# --------------------------------------------------------------------------- heard surveys check


def test_heard_surveys_check_lists_every_translation_and_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["surveys", "check"]) == 0
    shown = capsys.readouterr().out
    arabic = shown.split("Arabic (ar, العربية, rtl): offered", 1)[1].split("\n\n", 1)[0]
    for survey_id in CATALOGUE:
        assert f"{survey_id}" in arabic
    assert arabic.count("draft (to be checked by a qualified translator); complete") == 7  # + pages
    # and every other catalogue a young person reads: the bot, the pages, the local offer
    for name in ("bot texts", "offer words", "offer search words"):
        line = next(x for x in arabic.splitlines() if x.strip().startswith(name))
        assert "draft (to be checked by a qualified translator)" in line, line
    pages = next(x for x in arabic.splitlines() if x.strip().startswith("web pages"))
    assert pages.endswith("draft (to be checked by a qualified translator); complete")
    offer = next(x for x in arabic.splitlines() if x.strip().startswith("local offer"))
    assert "entries (" in offer and "draft" in offer
    assert "Pashto (ps, پښتو, rtl): offered" in shown
    assert "Dari (prs, دری, rtl): not offered" in shown

    folder = _copy_survey(tmp_path)
    _write(
        folder,
        "pulse.ps.yaml",
        "language: ps\nsurvey: pulse\nstatus: reviewed\nreviewed_by: B. Reviewer\n"
        "reviewed_on: 2026-11-30\nquestions:\n  home_happy:\n"
        "    text: په خپل کور څومره خوشحاله یې؟\n",
    )
    assert main(["surveys", "check", "--dir", str(folder)]) == 0
    shown = capsys.readouterr().out
    line = next(x for x in shown.splitlines() if "pulse" in x and "B. Reviewer" in x)
    assert "reviewed by B. Reviewer on 2026-11-30" in line
    assert "missing: title, intro, consent, adults_happy.text" in line

    _write(folder, "pulse.ps.yaml", "language: ps\nsurvey: pulse\n")
    assert main(["surveys", "check", "--dir", str(folder)]) == 1
    assert "pulse.ps.yaml" in capsys.readouterr().err


# --------------------------------------------------------------------------- the engine


def _person(database: Database, user: int = 1) -> str:
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("test", user)
    people.set_profile(pseudonym, "test", cohort="child_in_care", age_band="11-17")
    return pseudonym


def test_the_engine_asks_reads_and_stores_in_arabic(database: Database) -> None:
    engine = ConversationEngine(database.sessions, CATALOGUE)
    pseudonym = _person(database)
    reply = engine.begin(pseudonym, channel="test", survey_id="checkin-11-17", language="ar")
    assert reply.prompt is not None and reply.prompt.step == CONSENT
    assert "تذهب أجوبتك" in reply.prompt.text  # the survey's consent, in Arabic
    assert [c.label for c in reply.prompt.choices] == ["نعم، لنبدأ", "ليس الآن"]
    reply = engine.handle(pseudonym, text="نَعَم", language="ar")  # typed with vowel marks
    assert reply.prompt is not None and reply.prompt.step == QUOTE
    reply = engine.handle(pseudonym, text="لا شكرا", language="ar")
    assert reply.prompt is not None and reply.prompt.step == "home_happy"
    assert reply.prompt.text == "ما مدى سعادتك بالمكان الذي تعيش فيه الآن؟"
    assert reply.prompt.choices[-1].label == "أفضّل ألّا أقول"
    reply = engine.handle(pseudonym, text="موز", language="ar")  # "banana": asked again
    assert not reply.accepted and reply.messages[0].startswith("آسف، لم أفهم")
    reply = engine.handle(pseudonym, text="مبسوط كتيــر", language="ar")  # with tatweel
    assert reply.accepted and reply.prompt is not None and reply.prompt.step == "feel_safe"
    reply = engine.handle(pseudonym, text="ايوه", language="ar")
    assert reply.accepted
    # switching language mid-way carries on, in English now
    reply = engine.handle(pseudonym, text="sometimes", language="en")
    assert reply.accepted and reply.prompt is not None
    assert reply.prompt.text.startswith("How happy are you with your bedroom")
    with transaction(database.sessions) as session:
        stored = session.scalars(select(models.Answer).order_by(models.Answer.id)).all()
        assert [(a.question_id, a.value, a.language) for a in stored] == [
            ("home_happy", "5", "ar"),
            ("feel_safe", "yes", "ar"),
            ("feel_settled", "sometimes", "en"),
        ]
        version = session.scalar(select(models.SurveyVersion))
        assert version is not None and version.title == "How are things going?"  # English


def test_an_answer_given_twice_is_stored_once_with_its_language(database: Database) -> None:
    engine = ConversationEngine(database.sessions, CATALOGUE)
    pseudonym = _person(database)
    engine.begin(pseudonym, channel="test", survey_id="pulse", language="ps")
    engine.handle(pseudonym, choice="yes", step=CONSENT, language="ps")
    engine.handle(pseudonym, text="نه", language="ps")
    key = ("test", 7001)
    first = engine.handle(pseudonym, text="ډېر خوشحاله", update_key=key, language="ps")
    again = engine.handle(pseudonym, text="ډېر خوشحاله", update_key=key, language="ps")
    assert first.accepted and again.state == "duplicate"
    with transaction(database.sessions) as session:
        stored = session.scalars(select(models.Answer)).all()
        assert [(a.question_id, a.value, a.language) for a in stored] == [("home_happy", "5", "ps")]


def test_an_unknown_language_code_is_english(database: Database) -> None:
    engine = ConversationEngine(database.sessions, CATALOGUE)
    pseudonym = _person(database)
    reply = engine.begin(pseudonym, channel="test", survey_id="pulse", language="xx")
    assert reply.prompt is not None and "Your answers go to" in reply.prompt.text
    assert engine.speaking("xx") is engine


def test_more_than_an_answer_in_arabic_still_goes_to_a_person(database: Database) -> None:
    """Heard reads disclosures in English only: an Arabic message that is more than an
    answer is never stored as one; a person reads it (the "please read" alert)."""
    engine = ConversationEngine(database.sessions, CATALOGUE)
    pseudonym = _person(database)
    engine.begin(pseudonym, channel="test", survey_id="checkin-11-17", language="ar")
    engine.handle(pseudonym, text="نعم", language="ar")
    engine.handle(pseudonym, text="لا", language="ar")
    # "not happy because he hits me every day"
    reply = engine.handle(pseudonym, text="مش مبسوط لأنه بيضربني كل يوم", language="ar")
    assert not reply.accepted and reply.alert_id is not None
    with transaction(database.sessions) as session:
        assert session.scalars(select(models.Answer)).all() == []
        alert = session.get(models.SafeguardingAlert, reply.alert_id)
        assert alert is not None and alert.category == "please_read"


def test_a_mistake_in_the_engine_words_of_a_language_names_the_file(tmp_path: Path) -> None:
    shutil.copy(MESSAGES_FILE, tmp_path / "messages.yaml")
    _write(tmp_path, "messages.ar.yaml", "language: ar\nstatus: draft\nthank_you: شكرا\n")
    with pytest.raises(DataFileError) as caught:
        load_messages(tmp_path / "messages.yaml", "ar")
    assert str(tmp_path / "messages.ar.yaml") in str(caught.value)
    assert "unknown message 'thank_you'" in str(caught.value)
    _write(tmp_path, "messages.ar.yaml", "language: ar\nstatus: draft\nthanks: [شكرا]\n")
    with pytest.raises(DataFileError) as caught:
        load_messages(tmp_path / "messages.yaml", "ar")
    assert caught.value.item == "thanks" and "messages.ar.yaml" in caught.value.file
    # a message left out is shown in English
    _write(tmp_path, "messages.ar.yaml", "language: ar\nstatus: draft\nthanks: شكرا لك!\n")
    words = load_messages(tmp_path / "messages.yaml", "ar")
    assert words.thanks == "شكرا لك!" and words.paused.startswith("No problem")


def test_the_youngest_check_in_reads_aloud_in_pashto(database: Database) -> None:
    engine = ConversationEngine(database.sessions, CATALOGUE)
    people = People(database.sessions, KEY)
    pseudonym = people.pseudonym("test", 44)
    people.set_profile(pseudonym, "test", cohort="child_in_care", age_band="4-7")
    engine.begin(pseudonym, channel="test", survey_id="checkin-4-7", language="ps")
    engine.handle(pseudonym, text="هو", language="ps")
    reply = engine.handle(pseudonym, text="نه", language="ps")
    prompt = reply.prompt
    assert prompt is not None and prompt.step == "home_feel"
    assert prompt.text == "د خپل کور په اړه څه احساس کوې؟"
    assert prompt.easy_text == "ستا کور. کوم مخ؟"
    assert [c.display for c in prompt.choices][-1] == "😀 ډېر خوشحاله"
    reply = engine.handle(pseudonym, choice="4", step="home_feel", language="ps")
    assert reply.accepted and reply.prompt is not None
    assert reply.prompt.text == "په کور کې ځان خوندي احساسوې؟"


def test_english_words_in_another_language_are_checked_as_in_english(
    database: Database,
) -> None:
    """Choosing Arabic never lets English words past the English safeguarding checks."""
    calls: list[str] = []

    def hook(session, text, context):  # type: ignore[no-untyped-def]
        calls.append(text)
        return None

    engine = ConversationEngine(database.sessions, CATALOGUE, safeguarding=hook)
    pseudonym = _person(database)
    engine.begin(pseudonym, channel="test", survey_id="checkin-11-17", language="ar")
    engine.handle(pseudonym, text="نعم", language="ar")
    engine.handle(pseudonym, text="لا", language="ar")
    engine.handle(pseudonym, text="i hate it here", language="ar")
    engine.handle(pseudonym, text="أيوة", language="ar")
    assert calls == ["i hate it here"]  # the Arabic answers alone were let through
