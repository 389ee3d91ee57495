"""The bot enrols only people who say they are 16 or over (Telegram's minimum age in the UK).

The rule without Telegram: what counts as saying "I'm under 16" in a teenager's own words,
the age buttons the bot offers, the kind words from texts.yaml, and the service that
forgets anything a /start kept. The journey through the real Application is
tests/journeys/test_journey_telegram_under_16.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import callbacks as cb
from bot.addresses import AddressBook
from bot.callbacks import ButtonSigner
from bot.enrolment import ASKS_AGE, BOT_BAND, says_under_16
from bot.keyboards import Keyboards
from bot.services import DUPLICATE, BotServices
from bot.texts import TEXTS_FILE, load_texts
from heard.wiring import Database
from storage import models
from storage.datafiles import DataFileError
from storage.db import transaction
from storage.models import COHORTS
from storage.reminders import chat_addresses
from surveys.people import AGE_BANDS_FOR, People, check_profile

UNDER_16 = [
    "im 14",
    "14",
    "fourteen",
    "under 16",
    "I'm 12",
    "I’m 13!!",
    "i am 13 years old",
    "Im only 13",
    "im 13 lol",
    "hi im 14 x",
    "12yo",
    "13 y/o",
    "13 years old",
    "Im thirteen",
    "age: 12",
    "aged 11",
    "my age is 9",
    "im under 16",
    "i'm under-16",
    "younger than 16",
    "not 16 yet",
    "15",
    "im 15 nearly 16",
]
NOT_UNDER_16 = [
    "hi",
    "16",
    "17",
    "sixteen",
    "im 16",
    "I'm 17",
    "im 18",
    "i am 22",
    "im 16 and my brother is 12",
    "my brother is 14",
    "I have been in care since I was 12",
    "i'm one of the care leavers",
    "im 10 mins away",
    "im 12th in the queue",
    "im 5 pounds short",
    "not under 16",
    "is this for under 16s?",
    "1",
    "2",
    "3",
    "4",
    "im twenty",
]


@pytest.mark.parametrize("text", UNDER_16)
def test_a_teenager_saying_they_are_under_16_is_understood(text: str) -> None:
    assert says_under_16(text)


@pytest.mark.parametrize("text", NOT_UNDER_16)
def test_sixteen_and_over_or_no_age_at_all_is_not_under_16(text: str) -> None:
    assert not says_under_16(text)


def test_the_bot_enrols_every_group_only_with_a_band_for_16_and_over() -> None:
    assert set(BOT_BAND) == set(COHORTS)
    for cohort, band in BOT_BAND.items():
        check_profile(cohort, band)  # a band the group may have
    assert frozenset({"child_in_care"}) == ASKS_AGE  # care leavers are 16-25, carers adults
    assert "4-7" in AGE_BANDS_FOR["child_in_care"]  # the web still serves younger children


def test_the_age_question_offers_16_or_17_and_a_way_out_for_younger_children() -> None:
    texts = load_texts()
    signer = ButtonSigner(b"s")
    markup = Keyboards(signer, texts, 42).enrol_age("child_in_care")
    buttons = [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]
    assert [label for label, _ in buttons] == ["16 or 17", "Under 16"]
    decoded = [signer.decode(42, str(data)) for _, data in buttons]
    assert [(d.kind, d.parts) if d else None for d in decoded] == [
        (cb.PROFILE, ("a", str(COHORTS.index("child_in_care")))),
        (cb.PROFILE, ("u",)),
    ]
    for younger in ("4 to 7", "8 to 10", "11 to 17"):
        assert younger not in [label for label, _ in buttons]


def test_the_kind_words_say_why_where_and_how_in_plain_words() -> None:
    words = load_texts().under_16
    assert "16 and over" in words
    assert "website" in words
    assert "social worker" in words and "carer" in words and "participation team" in words
    assert "haven't kept anything" in words
    assert "/help" in words
    longest = max(len(sentence.split()) for sentence in words.replace("\n", " ").split(". "))
    assert longest <= 25  # short sentences a 12-year-old can read


def test_the_words_are_checked_on_load(tmp_path: Path) -> None:
    raw = TEXTS_FILE.read_text(encoding="utf-8")
    start = raw.index("under_16: |-")
    end = raw.index("you_chose:")
    broken = tmp_path / "texts.yaml"
    broken.write_text(raw[:start] + 'under_16: "  "\n' + raw[end:], encoding="utf-8")
    with pytest.raises(DataFileError, match="under_16"):
        load_texts(broken)
    missing = tmp_path / "missing.yaml"
    missing.write_text(raw[:start] + raw[end:], encoding="utf-8")
    with pytest.raises(DataFileError, match="under_16"):
        load_texts(missing)


def _counts(database: Database) -> dict[str, int]:
    with transaction(database.sessions) as session:
        return {
            "respondents": session.scalar(select(func.count(models.Respondent.id))) or 0,
            "addresses": session.scalar(select(func.count()).select_from(chat_addresses)) or 0,
        }


def test_forgetting_someone_under_16_erases_what_start_kept_once(database: Database) -> None:
    key = b"enrolment-test-key-0123456789abcdef"
    services = BotServices(database.sessions, People(database.sessions, key), AddressBook(key))
    pseudonym = services.pseudonym(7001)
    services.register(pseudonym, 7001, ("telegram", "1"))
    assert _counts(database) == {"respondents": 1, "addresses": 1}
    assert services.erase(pseudonym, ("telegram", "2/under-16")) is True
    assert _counts(database) == {"respondents": 0, "addresses": 0}
    assert services.erase(pseudonym, ("telegram", "2/under-16")) is DUPLICATE
    # someone who never pressed /start: nothing to erase, nothing stored
    assert services.erase(services.pseudonym(7002), ("telegram", "3/under-16")) is False
    assert _counts(database) == {"respondents": 0, "addresses": 0}
