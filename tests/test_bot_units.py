"""The bot's pure parts: signed buttons, quiet hours, sealed addresses, wording, keyboards."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot import callbacks as cb
from bot.addresses import AddressBook, AddressError
from bot.callbacks import MAX_BYTES, ButtonSigner, step_tag
from bot.config import BotConfig, file_url_for
from bot.handlers import split_message
from bot.keyboards import Keyboards, parse_mask
from bot.reminders import in_quiet_hours, is_quiet
from bot.staff_alerts import notice_text
from bot.texts import COMMANDS, TEXTS_FILE, load_texts
from storage.notifications import PendingAlert
from surveys.definition import load_catalogue
from surveys.engine import Choice, Prompt

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


def test_staff_notice_has_a_link_and_never_any_words() -> None:
    link = "https://heard.example.org/alerts"
    one = notice_text([PendingAlert(1, urgent=False)], link, TEXTS)
    assert one == f"A new safeguarding alert needs attention: {link}"
    many = notice_text([PendingAlert(1, False), PendingAlert(2, True)], link, TEXTS)
    assert many.startswith("2 new safeguarding alerts") and "urgent" in many


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
