"""The bot's pure parts: signed buttons, quiet hours, sealed addresses, wording, keyboards."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot import callbacks as cb
from bot.addresses import AddressBook, AddressError
from bot.callbacks import MAX_BYTES, ButtonSigner, step_tag
from bot.config import BotConfig, file_url_for
from bot.handlers import split_message
from bot.intent import asks_for_no_messages
from bot.keyboards import Keyboards, parse_mask
from bot.mydata import readable_my_data
from bot.reminders import in_quiet_hours, is_quiet
from bot.texts import COMMANDS, TEXTS_FILE, load_texts
from surveys.definition import load_catalogue
from surveys.engine import Choice, Prompt
from surveys.matching import is_a_question

SIGNER = ButtonSigner(b"unit-test-secret-key")
TEXTS = load_texts()


def test_button_data_round_trips_and_refuses_tampering() -> None:
    data = SIGNER.encode(42, cb.ANSWER, 17, step_tag("home_happy"), 3)
    assert len(data.encode()) <= MAX_BYTES and data.startswith("v1|a|17|")
    decoded = SIGNER.decode(42, data)
    assert decoded is not None and decoded.parts == ("17", step_tag("home_happy"), "3")
    tampered = data.replace("|3|", "|4|")
    assert SIGNER.decode(42, tampered) is None
    assert SIGNER.decode(43, data) is None  # another person's button
    assert ButtonSigner(b"another-key-entirely").decode(42, data) is None
    for junk in (None, "", "hello", "v2|a|1|x|0|abc", "|" * 70, "v1|" + "a" * 80):
        assert SIGNER.decode(42, junk) is None


def test_button_fields_must_be_short_and_plain() -> None:
    with pytest.raises(ValueError):
        SIGNER.encode(1, cb.ANSWER, "a|b")
    with pytest.raises(ValueError):
        SIGNER.encode(1, cb.ANSWER, "x" * 60)


def test_every_question_of_every_survey_fits_in_telegram_buttons() -> None:
    keyboards = Keyboards(SIGNER, TEXTS, 9_999_999_999)
    for survey in load_catalogue().values():
        for question in survey.questions:
            prompt = Prompt(
                step=question.id,
                text=question.text,
                type=question.type,
                choices=tuple(Choice(o.value, o.label, o.emoji) for o in question.options),
                multiple=question.type == "multi",
                optional=question.optional,
                position=1,
                total=len(survey.questions),
            )
            full_mask = (1 << len(prompt.choices)) - 1 if prompt.multiple else 0
            markup = keyboards.prompt(prompt, 2_147_483_647, full_mask)
            for row in markup.inline_keyboard if markup else ():
                for button in row:
                    assert len(button.callback_data.encode()) <= MAX_BYTES
                    assert SIGNER.decode(9_999_999_999, button.callback_data) is not None


def test_faces_show_as_emoji_buttons_and_progress_is_shown() -> None:
    prompt = Prompt(
        step="feel",
        text="How do you feel?",
        type="faces5",
        choices=(Choice("1", "Very sad", "😢"), Choice("5", "Very happy", "😀")),
        position=3,
        total=12,
    )
    keyboards = Keyboards(SIGNER, TEXTS, 1)
    labels = [b.text for row in keyboards.prompt(prompt, 5).inline_keyboard for b in row]
    assert labels == ["😢 Very sad", "😀 Very happy"]
    assert keyboards.prompt_text(prompt).startswith("Question 3 of 12\n")


def test_free_text_gets_no_keyboard_unless_it_can_be_skipped() -> None:
    keyboards = Keyboards(SIGNER, TEXTS, 1)
    required = Prompt(step="t", text="Tell us", type="text")
    assert keyboards.prompt(required, 1) is None
    optional = Prompt(step="t", text="Tell us", type="text", optional=True)
    markup = keyboards.prompt(optional, 1)
    assert markup is not None
    assert [b.text for row in markup.inline_keyboard for b in row] == [TEXTS.skip_button]


def test_multi_choice_masks_are_checked() -> None:
    choices = (Choice("a", "A"), Choice("b", "B"))
    assert parse_mask("3", choices) == 3
    assert parse_mask("4", choices) is None
    assert parse_mask("zz", choices) is None


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        (time(20, 59), False),
        (time(21, 0), True),
        (time(23, 30), True),
        (time(0, 0), True),
        (time(7, 59), True),
        (time(8, 0), False),
        (time(12, 0), False),
    ],
)
def test_quiet_hours_run_past_midnight(clock: time, quiet: bool) -> None:
    assert in_quiet_hours(clock, "21:00", "08:00") is quiet


def test_quiet_hours_within_a_day_and_none() -> None:
    assert in_quiet_hours(time(13, 0), "12:00", "14:00")
    assert not in_quiet_hours(time(15, 0), "12:00", "14:00")
    assert not in_quiet_hours(time(3, 0), "00:00", "00:00")


def test_quiet_hours_are_in_local_time() -> None:
    # 20:30 UTC in July is 21:30 in London (summer time): quiet there.
    assert is_quiet(datetime(2026, 7, 1, 20, 30, tzinfo=UTC), "Europe/London", "21:00", "08:00")
    assert not is_quiet(datetime(2026, 1, 1, 20, 30, tzinfo=UTC), "Europe/London", "21:00", "08:00")


def test_addresses_are_sealed_and_only_open_with_the_key() -> None:
    book = AddressBook(b"pseudonym-key-one-0123456789")
    sealed = book.seal(123456789)
    assert "123456789" not in sealed
    assert book.seal(123456789) != sealed  # a fresh nonce each time
    assert book.open(sealed) == 123456789
    assert book.open(book.seal(-1001234567890)) == -1001234567890
    with pytest.raises(AddressError):
        AddressBook(b"pseudonym-key-two-0123456789").open(sealed)
    with pytest.raises(AddressError):
        book.open(sealed[:-4] + "AAAA")


def test_texts_cover_every_command_and_say_home_not_placement() -> None:
    assert set(TEXTS.commands) == set(COMMANDS)
    raw = TEXTS_FILE.read_text(encoding="utf-8")
    lowered = "\n".join(line for line in raw.lower().splitlines() if not line.startswith("#"))
    assert "placement" not in lowered


def test_config_derives_the_file_url() -> None:
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    config = BotConfig(token="1:x", pseudonym_key=b"k", secret_key=b"s")
    assert config.base_url == "https://api.telegram.org/bot"
    assert config.base_file_url == "https://api.telegram.org/file/bot"
    assert "1:x" not in repr(config)


def test_long_messages_are_split_between_lines_in_order() -> None:
    text = "\n\n".join(f"Paragraph {n}. " + "word " * 300 for n in range(6))
    parts = split_message(text, limit=4000)
    assert len(parts) > 1 and all(len(part) <= 4000 for part in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )
    assert split_message("short") == ["short"]
    assert all(len(p) <= 50 for p in split_message("x" * 120, limit=50))
    mixed = split_message("a" * 30 + "\n" + "b" * 120 + "\n" + "c" * 10, limit=50)
    assert mixed[0] == "a" * 30 and mixed[-1].endswith("c" * 10)
    assert "".join(mixed).replace("\n", "") == "a" * 30 + "b" * 120 + "c" * 10


@pytest.mark.parametrize(
    ("typed", "stops"),
    [
        ("stop messaging me", True),
        ("Stop messaging me!!", True),
        ("pls stop texting me", True),
        ("ok please stop messaging me pls", True),
        ("don’t message me", True),
        ("no more reminders", True),
        ("stop", False),  # the engine's pause, not "no more messages"
        ("stop messaging me he hits me", False),  # more than the phrase: read it all
        ("my mum keeps messaging me", False),
    ],
)
def test_asking_for_no_more_messages_is_the_whole_message(typed: str, stops: bool) -> None:
    assert asks_for_no_messages(typed, TEXTS.stop_phrases) is stops


@pytest.mark.parametrize(
    ("typed", "question"),
    [
        ("can i stay with my foster carers after 18?", True),
        ("how do i get a bus pass", True),
        ("What is staying put", True),
        ("money for college?", True),
        ("yeah", False),
        ("v happy", False),
        ("??", False),  # "not sure", which the engine answers kindly
        ("whatever", False),  # starts with "what" but isn't a question
        ("im skint", False),
    ],
)
def test_what_reads_like_a_question_for_the_offer(typed: str, question: bool) -> None:
    assert is_a_question(typed) is question


def test_my_data_reads_as_sentences_with_the_answers_in_words() -> None:
    catalogue = load_catalogue()
    data = {
        "about_you": {
            "who": "care_leaver",
            "age_band": "16-25",
            "happy_to_be_quoted": True,
            "reminders": {"on": True, "every_days": 30, "quiet_hours": "22:00-09:00"},
        },
        "check_ins": [
            {
                "survey": "checkin-care-leaver",
                "state": "completed",
                "started": "2026-07-01T23:30:00+00:00",
            },
            {"survey": "pulse", "state": "active", "started": "2026-08-02T10:00:00+00:00"},
        ],
        "answers": [
            {
                "survey": "checkin-care-leaver",
                "question": "doing_now",
                "answer": "job,university",
                "check_in": 1,
            },
            {
                "survey": "checkin-care-leaver",
                "question": "anything_else",
                "answer": "a, b",
                "check_in": 1,
            },
            {"survey": "pulse", "question": "gone_now", "answer": "3", "check_in": 2},
        ],
        "offer_questions": [],
        "safeguarding_records_kept": True,
    }
    text = readable_my_data(data, TEXTS, catalogue, "Europe/London")
    assert "Who you are: a care leaver (16 to 25)." in text
    assert "Reminders: every month. No messages from 22:00 to 09:00." in text
    # 23:30 UTC on 1 July is 00:30 on 2 July in London
    assert "Check-in on 2 July 2026 (finished): How's life after care?" in text
    doing_now = catalogue["checkin-care-leaver"].question("doing_now")
    assert f"• {doing_now.text}\n  A job, University" in text
    assert "\n  a, b" in text  # free text is kept as written
    assert "Check-in on 2 August 2026 (not finished): Quick check-in\n• gone_now\n  3" in text
    assert "keeps a record of that" in text
    assert "care_leaver" not in text and "doing_now" not in text
