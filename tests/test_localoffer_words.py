"""The local offer's own words (localoffer/words.yaml and words.<code>.yaml): English where
a translation has no line, every mistake named with its file, item and fix, and an answer
said wholly in Arabic or Pashto while the search and its log stay English."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from heard.cli import main
from localoffer.catalogue import AREA_LABELS, AREAS, load_offer
from localoffer.search import OfferSearch
from localoffer.words import WORDS, WORDS_FILE, load_offer_words, plain, words_path
from storage.datafiles import DataFileError

EN = load_offer_words("en")
LABELS = ("how_to_get_it", "contact", "others", "ask_about_others")


def label(words: object, name: str) -> str:
    return str(words.texts[name]).split("{")[0].strip()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def search() -> OfferSearch:
    return OfferSearch(load_offer(), meaning=None)


@pytest.fixture
def english(tmp_path: Path) -> Path:
    """A copy of words.yaml to put a language's file beside."""
    path = tmp_path / "words.yaml"
    shutil.copy(WORDS_FILE, path)
    return path


def write(english: Path, language: str, text: str) -> Path:
    path = words_path(language, english)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_english_words_name_every_topic_and_are_the_area_labels() -> None:
    assert set(EN.texts) == set(WORDS) and list(EN.areas) == list(AREAS)
    assert dict(AREA_LABELS) == dict(EN.areas)  # one place for a topic's English name
    assert EN.text("how_to_get_it", how_to_get_it="Ask.") == "How to get it: Ask."


@pytest.mark.parametrize("language", ["ar", "ps"])
def test_the_shipped_translations_are_complete_drafts(language: str) -> None:
    words = load_offer_words(language)
    assert words.status == "draft" and words.in_english == []
    assert "to be checked by a qualified translator" in words.status_text
    for name in WORDS:
        assert words.texts[name] != EN.texts[name] or name == "list_comma", name


def test_a_line_left_out_is_english_and_says_so(english: Path) -> None:
    write(
        english,
        "ar",
        'language: ar\nstatus: draft\nnot_sure: "آسف، لست متأكدًا."\nareas:\n  money: "المال"\n',
    )
    words = load_offer_words("ar", english)
    assert words.texts["not_sure"] == "آسف، لست متأكدًا." and words.lang_of("not_sure") == "ar"
    assert words.texts["others"] == EN.texts["others"] and words.lang_of("others") == "en"
    assert words.area("money").lang == "ar" and words.area("money").text == "المال"
    assert words.area("accommodation").text == "Somewhere to live"
    assert words.area("accommodation").lang == "en"
    assert "others" in words.in_english and "not_sure" not in words.in_english
    # the English words inside an Arabic line say they are English
    said = words.say("look_through", areas=words.join([words.area("money")]))
    assert [part.lang for part in said] == ["en", "ar", "en"]


def test_a_language_with_no_file_is_all_english(english: Path) -> None:
    words = load_offer_words("pl", english)
    assert words.texts == EN.texts and words.translated == frozenset()


@pytest.mark.parametrize(
    ("text", "problem", "item", "fix"),
    [
        (
            'language: ar\nstatus: draft\nhow_to_get_it: "كيف تحصل عليه: {how}"\n',
            "has placeholders ['how'] but the English line has ['how_to_get_it']",
            "how_to_get_it",
            "keep every {name} in braces",
        ),
        (
            'language: ar\nstatus: draft\nask_pa: "اسأل إذا كان عمرك أقل من 18: {contact}"\n',
            "the numbers are not the English line's (16)",
            "ask_pa",
            "keep every number",
        ),
        (
            'language: ar\nstatus: draft\nask_pa: "اسأل إذا كان عمرك أقل من ١٦: {contact}"\n',
            "not written in the digits 0-9",
            "ask_pa",
            "0123456789",
        ),
        (
            'language: ar\nstatus: draft\nhow_to_get: "كيف"\n',
            "is not one of the offer's words",
            "how_to_get",
            "check the name against words.yaml",
        ),
        ("language: ps\nstatus: draft\n", "this file is for 'ar'", "language", "language: ar"),
        ("language: ar\nstatus: done\n", "is not draft or reviewed", "status", "status: draft"),
        (
            "language: ar\nstatus: reviewed\n",
            "needs who checked it and when",
            "status",
            "reviewed_by",
        ),
        (
            'language: ar\nstatus: draft\nareas:\n  housing: "السكن"\n',
            "is not a topic of the local offer",
            "areas.housing",
            "accommodation",
        ),
        ('language: ar\nstatus: draft\nothers: ""\n', "must be some text", "others", "English"),
    ],
)
def test_a_mistake_names_the_file_the_item_and_the_fix(
    english: Path, text: str, problem: str, item: str, fix: str
) -> None:
    path = write(english, "ar", text)
    with pytest.raises(DataFileError) as raised:
        load_offer_words("ar", english)
    error = raised.value
    assert error.file == str(path) and error.item == item and error.line
    assert problem in error.problem and fix in (error.fix or "")


def test_the_english_file_must_have_every_line_and_topic(tmp_path: Path) -> None:
    path = tmp_path / "words.yaml"
    path.write_text(WORDS_FILE.read_text().replace('  money: "Money"\n', ""))
    with pytest.raises(DataFileError) as raised:
        load_offer_words("en", path)
    assert raised.value.item == "areas.money" and "add 'money:'" in (raised.value.fix or "")


def test_heard_offer_check_lists_the_words_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["offer", "check"]) == 0
    out = capsys.readouterr().out
    assert "words.ar.yaml  draft (to be checked by a qualified translator); complete" in out
    assert "words.ps.yaml  draft (to be checked by a qualified translator); complete" in out


# ---------------------------------------------------------------- the answer, said


@pytest.mark.parametrize("language", ["ar", "ps"])
def test_a_sure_answer_is_wholly_in_their_language(search: OfferSearch, language: str) -> None:
    answer = search.ask("can i stay with my foster carers after 18")
    assert answer.confident and len(answer.answers) > 1
    english = answer.reply_text()
    assert english.startswith(answer.answers[0].entry.title)  # English by default
    words = load_offer_words(language)
    said = answer.reply_text(language)
    for name in LABELS:
        assert label(words, name) in said
        assert label(EN, name) not in said
    translated = load_offer().translations[language]["staying-put"].fields
    assert said.startswith(translated["title"])
    # the search and its log stay English
    assert answer.to_json()["answers"][0]["title"] == answer.answers[0].entry.title
    assert answer.reply_text() == english


def test_not_sure_names_the_topics_and_who_to_ask_in_arabic(search: OfferSearch) -> None:
    answer = search.ask("whats the weather like tomorrow")
    assert not answer.confident and answer.suggested_areas
    words = load_offer_words("ar")
    said = answer.reply_text("ar")
    assert said.startswith(words.texts["not_sure"])
    assert label(words, "look_through") in said and label(words, "ask_pa") in said
    for area in answer.suggested_areas:
        assert words.areas[area] in said and EN.areas[area] not in said
    assert "not sure" not in said and "ask your PA" not in said
    english = answer.reply_text()
    assert english.startswith(EN.texts["not_sure"]) and answer.ask_pa in english


def test_what_has_ended_and_what_is_not_yet_is_said_in_arabic(search: OfferSearch) -> None:
    words = load_offer_words("ar")
    ended = search.ask("staying put im 23")
    best = ended.answers[0]
    assert best.status == "ended" and "it has ended for you" in best.status_note  # the log's
    said = plain(ended.note(best, "ar"))
    assert said.startswith(label(words, "ended")) and "23" in said
    assert "ended" not in said and "21" in said
    assert said in ended.reply_text("ar")
    assert label(words, "ended") not in ended.reply_text() and best.status_note in (
        ended.reply_text()
    )
    early = search.ask("money for uni im 15")
    tagged = [a for a in early.answers[1:] if a.status == "not_yet"]
    text = early.reply_text("ar")
    assert "(from age" not in text and "it isn't for you yet" not in text
    assert tagged
    min_age = tagged[0].entry.who_can_get_it.min_age
    assert words.text("not_yet_tag", min_age=str(min_age)) in text


def test_phone_numbers_in_an_arabic_answer_read_left_to_right(search: OfferSearch) -> None:
    answer = search.ask("i need help right now")
    assert answer.confident and answer.answers[0].entry.id == "help-right-now"
    said = answer.reply_text("ar")
    assert "\u20660800 1111\u2069" in said and "\u2066116 123\u2069" in said
    assert "\u2066" not in answer.reply_text()  # English reads left to right anyway
