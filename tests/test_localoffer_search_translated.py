"""Questions typed in Arabic and Pashto are searched against the offer's translations
(localoffer/search_translated.py, issue 16), with the English search's discipline: a
confident answer only when the match is clear, never for something off-topic; an
English question stays English whatever language a person chose."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from browser_support import make_app

from heard.wiring import Database
from localoffer.catalogue import load_offer
from localoffer.search import OfferSearch
from localoffer.search_translated import (
    age_in,
    check_search_words,
    fold_for_search,
    parse_search_words,
    question_language,
    stem,
)
from localoffer.words import load_offer_words
from storage.datafiles import DataFileError

OFFER = load_offer()


@pytest.fixture(scope="module")
def search() -> OfferSearch:
    return OfferSearch(OFFER, meaning=None)


def test_the_script_says_which_language() -> None:
    assert question_language("هل يمكنني البقاء مع عائلتي الحاضنة بعد 18؟") == "ar"
    assert question_language("زه څنګه د بس کارت واخلم") == "ps"
    # Pashto typed on a keyboard without Pashto's own letters still has Persian ones.
    assert question_language("ژر به پلار شم") == "ps"
    assert question_language("can i stay with my foster carers after 18?") is None
    # Mostly English with one Arabic word: English.
    assert question_language("what is staying put, شكرا") is None
    assert question_language("") is None


def test_folding_reuses_the_typed_answers_rules() -> None:
    # Vowel marks, tatweel and the alef forms (surveys/script.fold)...
    assert fold_for_search("البَقَــاء") == fold_for_search("البقاء")
    assert fold_for_search("أريد") == fold_for_search("اريد") == fold_for_search("إريد")
    # ...Eastern Arabic and Persian digits...
    assert fold_for_search("بعد ١٨") == "بعد 18"
    assert fold_for_search("۱۷ کلن") == fold_for_search("17 كلن")
    # ...and, for search only, Pashto's letters as an Arabic or Persian keyboard types them.
    assert fold_for_search("ګټې") == fold_for_search("گتي")
    assert fold_for_search("ښه") == fold_for_search("شه")


def test_light_stems() -> None:
    # stem() takes folded words (fold_for_search): ة and ه are one letter by then.
    assert stem(fold_for_search("الجامعة"), "ar") == stem(fold_for_search("جامعه"), "ar")
    assert stem("سجلاتك", "ar") == stem("سجلاتي", "ar") == "سجل"
    assert stem("اشتكي", "ar") == "اشتك"  # "your" is only ever the last ending
    assert stem(fold_for_search("کورونه"), "ps") == "كور"


def test_ages_stated_about_now() -> None:
    assert age_in("عمري 17 وتركت الرعاية") == 17
    assert age_in("زه ۱۷ کلن یم") == 17
    assert age_in("هل يمكنني البقاء بعد 18 سنة") is None  # after 18 is not their age


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("هل يمكنني البقاء مع عائلتي الحاضنة بعد 18؟", "staying-put"),
        ("هَلْ يُمْكِنُنِي البَقَاءُ مَعَ عَائِلَتِي الحَاضِنَةِ بَعْدَ ١٨؟", "staying-put"),
        ("كيف افتح حساب بنك", "bank-account"),
        ("بدي اتعلم سواقة", "driving-lessons"),
        ("زه څنګه د بس کارت واخلم", "travel-passes"),
        ("بانکي حساب څنګه خلاص کړم", "bank-account"),
        ("زما ویزه ختمیږي څه وکړم", "immigration-support"),
    ],
)
def test_a_clear_question_is_answered_confidently(
    search: OfferSearch, text: str, expected: str
) -> None:
    answer = search.ask(text)
    assert answer.confident, answer.understood
    assert answer.answer_ids[0] == expected
    assert answer.language == question_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "كيف أفوز في فيفا",
        "شو الطقس بكرا",
        "ساعدني بواجب الرياضيات",
        "بدي وصفة كبسة دجاج",
        "په فیفا کې څنګه وګټم",
        "زما د ریاضي کورنی کار",  # "homework": home and work, but off-topic
        "سبا هوا څنګه ده",
        "ببجي",
        "قطة خضراء ترقص",  # nothing the offer says
    ],
)
def test_off_topic_is_never_confident(search: OfferSearch, text: str) -> None:
    assert not search.ask(text).confident


def test_not_sure_is_said_in_their_language(search: OfferSearch) -> None:
    answer = search.ask("كيف أفوز في فيفا")
    assert not answer.confident
    said = answer.reply_text("ar")
    assert said.startswith(load_offer_words("ar").texts["not_sure"])
    pashto = search.ask("په فیفا کې څنګه وګټم")
    assert pashto.reply_text("ps").startswith(load_offer_words("ps").texts["not_sure"])


def test_the_answer_is_the_entry_in_arabic(search: OfferSearch) -> None:
    answer = search.ask("هل يمكنني البقاء مع عائلتي الحاضنة بعد 18؟")
    arabic = OFFER.translations["ar"]["staying-put"].fields
    assert answer.reply_text("ar").startswith(arabic["title"])


def test_an_english_question_is_still_english(search: OfferSearch) -> None:
    english = search.ask("can i stay with my foster carers after 18?")
    assert english.language == "en"
    assert english.confident and english.answer_ids[0] == "staying-put"
    # The English search is untouched by the Arabic one being built beside it.
    search.ask("كيف افتح حساب بنك")
    assert search.ask("can i stay with my foster carers after 18?") == english


def test_an_age_typed_in_arabic_shapes_the_status(search: OfferSearch) -> None:
    answer = search.ask("عمري 23 بدي اتعلم سواقة")
    assert answer.age == 23


def test_the_shipped_search_words_load_and_are_checked() -> None:
    ids = [entry.id for entry in OFFER]
    assert check_search_words(ids) == []


def test_a_mistake_in_the_search_words_names_the_file_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "search_words.ar.yaml"
    ids = [entry.id for entry in OFFER]
    good = {"language": "ar", "status": "draft"}
    with pytest.raises(DataFileError, match="file name says 'ar'"):
        parse_search_words(path, {**good, "language": "ps"}, "ar", ids)
    with pytest.raises(DataFileError, match="status"):
        parse_search_words(path, {"language": "ar"}, "ar", ids)
    with pytest.raises(DataFileError, match="no offer entry has the id 'bus-pass'"):
        parse_search_words(path, {**good, "topics": {"bus-pass": ["باص"]}}, "ar", ids)
    with pytest.raises(DataFileError, match="one typed word"):
        parse_search_words(path, {**good, "synonyms": {"باص كبير": "حافلات"}}, "ar", ids)
    with pytest.raises(DataFileError, match="unknown heading 'topic'"):
        parse_search_words(path, {**good, "topic": {}}, "ar", ids)
    with pytest.raises(DataFileError, match="list of words"):
        parse_search_words(path, {**good, "off_topic": {"games": "فيفا"}}, "ar", ids)


def test_the_labelled_questions_are_split_once() -> None:
    data = Path(__file__).parent / "data" / "offer" / "questions_ar_ps.yaml"
    questions = yaml.safe_load(data.read_text(encoding="utf-8"))["questions"]
    ids = {entry.id for entry in OFFER}
    assert len({q["id"] for q in questions}) == len(questions)
    for q in questions:
        assert q["set"] in ("dev", "test")
        assert q["lang"] == question_language(q["q"]), q["id"]
        assert all(e in ids for e in q["expect"]) or q["expect"] == ["none"], q["id"]


def test_the_web_search_answers_a_question_in_arabic(database: Database) -> None:
    client = make_app(database).test_client()
    client.get("/language/ar")
    page = client.get("/offer/search", query_string={"q": "كيف افتح حساب بنك"})
    text = page.get_data(as_text=True)
    assert OFFER.translations["ar"]["bank-account"].fields["title"] in text
