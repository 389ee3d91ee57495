"""Typed answers in Arabic and Pashto, as young people type them: with or without vowel
marks, with tatweel, any alef, Eastern Arabic or Persian digits, spoken forms, Arabizi."""

from __future__ import annotations

import pytest

from surveys.definition import load_catalogue
from surveys.matching import is_plain_answer, match_answer
from surveys.messages import load_messages
from surveys.script import fold

ARABIC = load_catalogue(language="ar")["checkin-11-17"]
PASHTO = load_catalogue(language="ps")["checkin-11-17"]
ARABIC_LEAVER = load_catalogue(language="ar")["checkin-care-leaver"]


def test_folding_drops_marks_and_tatweel_and_reads_digits() -> None:
    assert fold("نَعَمْ") == fold("نعــم") == "نعم"
    assert fold("أنا") == fold("إنا") == fold("آنا") == "انا"
    assert fold("٠١٢٣٤٥٦٧٨٩") == fold("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert fold("یو") == fold("يو")  # Persian and Arabic yeh
    assert fold("hello 7") == "hello 7"  # English untouched


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("سعيد جدا", "5"),
        ("سَعِيدٌ جِدًّا", "5"),  # fully vowelled
        ("مبسوط كتير", "5"),  # Levantine
        ("مبسوط كتيييير", "5"),  # held down
        ("مبسوط", "4"),
        ("سعيــد", "4"),  # tatweel
        ("بين بين", "3"),
        ("عادي", "3"),
        ("مش مبسوط", "2"),
        ("مو زين", "2"),
        ("زعلان كثير", "1"),
        ("٥", "5"),  # Eastern Arabic digit
        ("۴", "4"),  # Persian digit
        ("غير سعيد أبدًا", "1"),  # the label, as the button says
        ("very happy", "5"),  # English still works
        ("اه تمام يعني", "4"),  # "yeah, fine I guess": يعني is a filler, not "so-so"
    ],
)
def test_arabic_scale_answers(typed: str, value: str) -> None:
    result = match_answer(ARABIC.question("home_happy"), typed, "ar")
    assert result.ok and result.value == value, typed


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("نعم", "yes"),
        ("نَعَم", "yes"),
        ("ايوه", "yes"),
        ("أيوة", "yes"),
        ("اكيد", "yes"),
        ("na3am", "yes"),
        ("لا", "no"),
        ("لأ", "no"),
        ("laa", "no"),
        ("احيانا", "sometimes"),
        ("أحياناً", "sometimes"),
        ("ساعات", "sometimes"),
        ("yes", "yes"),
    ],
)
def test_arabic_yes_sometimes_no(typed: str, value: str) -> None:
    result = match_answer(ARABIC.question("feel_safe"), typed, "ar")
    assert result.ok and result.value == value, typed


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("هو", "yes"),
        ("هوکې", "yes"),
        ("ho", "yes"),
        ("نه", "no"),
        ("هیڅکله", "no"),
        ("هېڅکله", "no"),
        ("کله کله", "sometimes"),
        ("كله كله", "sometimes"),  # typed with Arabic kaf
    ],
)
def test_pashto_yes_sometimes_no(typed: str, value: str) -> None:
    result = match_answer(PASHTO.question("feel_safe"), typed, "ps")
    assert result.ok and result.value == value, typed


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("ډېر خوشحاله", "5"),
        ("ډیر خوشحاله", "5"),  # ی for ې, as phones often give
        ("خوشحاله یم", "4"),
        ("خوشاله", "4"),
        ("سم", "3"),
        ("خوشحاله نه یم", "2"),  # "not happy": Pashto puts the "not" after
        ("ډېر خفه", "1"),
        ("۳", "3"),
    ],
)
def test_pashto_scale_answers(typed: str, value: str) -> None:
    result = match_answer(PASHTO.question("home_happy"), typed, "ps")
    assert result.ok and result.value == value, typed


def test_numbers_in_arabic_digits_and_words_on_a_0_to_10_scale() -> None:
    question = ARABIC.question("life_score")
    for typed, value in [("٧", "7"), ("۸", "8"), ("٧ من ١٠", "7"), ("حوالي ٦", "6"),
                         ("ثمانية", "8"), ("١٠", "10"), ("٠", "0")]:  # fmt: skip
        result = match_answer(question, typed, "ar")
        assert result.ok and result.value == value, typed
    assert not match_answer(question, "١١", "ar").ok  # 11 is not on the scale


def test_choice_labels_and_positions_in_the_language() -> None:
    question = ARABIC.question("know_social_worker")
    assert match_answer(question, "لست متأكدا", "ar").value == "not_sure"
    assert match_answer(question, "مش متأكد", "ar").value == "not_sure"
    assert match_answer(question, "٢", "ar").value == "no"  # the second choice
    multi = ARABIC_LEAVER.question("doing_now")
    assert match_answer(multi, "جامعة و شغل", "ar").value == ["university", "job"]
    assert match_answer(multi, "١، ٤", "ar").value == ["school_or_college", "job"]
    pashto = PASHTO.question("know_social_worker")
    assert match_answer(pashto, "نه پوهېږم", "ps").value == "not_sure"


def test_not_sure_and_rather_not_say_in_the_language() -> None:
    question = ARABIC.question("home_happy")
    unsure = match_answer(question, "ما بعرف", "ar")
    assert not unsure.ok and unsure.reask is not None
    assert unsure.reask.startswith("لا بأس إذا لم تكن متأكدًا")
    assert match_answer(question, "أفضل ألا أقول", "ar").value == "prefer_not_to_say"
    assert match_answer(PASHTO.question("home_happy"), "نه غواړم ووایم", "ps").value == (
        "prefer_not_to_say"
    )


def test_a_re_ask_shows_the_choices_in_the_language() -> None:
    result = match_answer(ARABIC.question("feel_safe"), "بطيخ", "ar")
    assert not result.ok
    assert result.reask == (
        'آسف، لم أفهم ذلك تمامًا. تستطيع أن تجيب: نعم، أحيانًا، لا أو "أفضّل ألّا أقول".'
    )
    english = load_catalogue()["checkin-11-17"].question("feel_safe")
    assert match_answer(english, "banana").reask == (
        "Sorry, I didn't quite get that. You can answer yes, sometimes, no or "
        '"I\'d rather not say".'
    )


def test_only_a_whole_answer_is_a_plain_answer() -> None:
    question = ARABIC.question("home_happy")
    assert is_plain_answer(question, "مبسوط كتير", "ar")
    assert is_plain_answer(question, "٤", "ar")
    assert not is_plain_answer(question, "مش مبسوط لأنه بيضربني", "ar")
    assert not is_plain_answer(question, "مبسوط كتير", "en")  # English words only


def test_consent_words_in_arabic_and_pashto() -> None:
    arabic, pashto = load_messages(language="ar"), load_messages(language="ps")
    assert arabic.yes_or_no("نعم") is True and arabic.yes_or_no("ايوا يلا") is True
    assert arabic.yes_or_no("لا شكراً") is False and arabic.yes_or_no("مش هلق") is False
    assert pashto.yes_or_no("هو") is True and pashto.yes_or_no("اوس نه") is False
    assert arabic.command("توقف") == "stop" and pashto.command("ودرېږه") == "stop"
    assert arabic.command("stop") == "stop"  # English commands still work
