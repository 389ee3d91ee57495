"""The bot in the person's language: /language, the bot's words, the questions and typed
answers, through the real PTB Application and the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.telegram_api import FakeTelegram, heard_bot
from sqlalchemy import select, update

from bot.reminders import send_due_reminders
from bot.texts import TEXTS_FILE, load_texts, texts_path
from heard.wiring import Database
from storage import models
from storage.datafiles import DataFileError
from storage.db import transaction
from surveys import languages
from surveys.definition import load_catalogue
from surveys.translations import localise

USER = 5561001
ARABIC = languages.native_name("ar")
SURVEY = "checkin-11-17"
EN = load_texts()
AR = load_texts(language="ar")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def stored(database: Database) -> tuple[list[tuple[str, str, str]], list[str | None]]:
    with transaction(database.sessions) as session:
        answers = session.execute(
            select(models.Answer.question_id, models.Answer.value, models.Answer.language)
        ).all()
        chosen = session.scalars(select(models.Respondent.language)).all()
        return [tuple(row) for row in answers], list(chosen)  # type: ignore[misc]


def test_language_then_the_next_question_in_arabic_and_a_typed_arabic_answer(
    database: Database, fake: FakeTelegram
) -> None:
    arabic = localise(load_catalogue()[SURVEY], "ar")
    first, second = arabic.questions[0], arabic.questions[1]

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.type(USER, "/start")
            await bot.press(USER, EN.cohort_labels["child_in_care"])
            await bot.press(USER, EN.age_16_or_17)
            await bot.press(USER, EN.menu_checkin_button)
            await bot.press(USER, lambda label: label.startswith("Yes"))  # consent
            await bot.press(USER, "No thanks")  # quotes
            assert first.id and fake.last(USER)["text"].startswith("Question 1 of")
            # /language: every shipped language as a button, in its own name
            shown = await bot.type(USER, "/language")
            assert shown is not None and shown["text"] == EN.language_question
            labels = [label for label, _ in fake.buttons(shown)]
            assert labels == [language.native_name for language in languages.shipped()]
            said = await bot.tap(USER, ARABIC, message=shown)
            assert said[0]["text"] == AR.language_saved
            # the question on screen again, now in Arabic, with Arabic buttons
            question = said[-1]
            assert question["text"].startswith(AR.progress.split("{")[0])
            assert first.text in question["text"]
            buttons = [label for label, _ in fake.buttons(question)]
            assert buttons == [option.display for option in first.options]
            # a typed Arabic answer is understood ("very happy", two words: an answer, not a
            # message for a person to read)
            very_happy = next(option for option in first.options if option.value == "5")
            assert len(very_happy.label.split()) == 2
            await bot.type(USER, very_happy.label)
            assert second.text in fake.last(USER)["text"]
            # the bot's own words are Arabic too
            helped = await bot.chat(USER, "/privacy")
            assert helped[-1]["text"] == AR.privacy

    asyncio.run(scenario())
    answers, chosen = stored(database)
    assert answers[-1] == (first.id, "5", "ar")
    assert chosen == ["ar"]


def test_a_language_press_delivered_twice_says_it_once(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.type(USER, "/start")
            shown = await bot.type(USER, "/language")
            assert shown is not None
            data = dict(fake.buttons(shown))[ARABIC]
            pressed = await bot.press_data(USER, shown, data)
            sent = len(fake.bot_messages(USER))
            await bot.redeliver(pressed)
            assert len(fake.bot_messages(USER)) == sent
            assert fake.last(USER)["text"] == AR.language_saved

    asyncio.run(scenario())


def test_a_choice_made_before_start_is_kept_and_the_welcome_is_in_it(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            shown = await bot.type(USER, "/language")
            assert shown is not None
            await bot.tap(USER, ARABIC, message=shown)
            assert fake.last(USER)["text"] == AR.language_saved
            welcome = await bot.chat(USER, "/start")
            assert welcome[0]["text"] == AR.welcome
            assert welcome[-1]["text"] == AR.who_are_you
            assert [label for label, _ in fake.buttons(welcome[-1])][0] == (
                AR.cohort_labels["child_in_care"]
            )
            await bot.chat(USER, "/settings")  # any later update: the choice reaches the row

    asyncio.run(scenario())
    assert stored(database)[1] == ["ar"]


def test_forget_me_takes_the_language_with_the_person(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.type(USER, "/start")
            shown = await bot.type(USER, "/language")
            assert shown is not None
            await bot.tap(USER, ARABIC, message=shown)
            await bot.type(USER, "/forgetme")
            await bot.press(USER, AR.forgetme_yes)
            assert fake.last(USER)["text"] == AR.forgetme_done
            # gone with them: back to the app's own language (English here)
            again = await bot.chat(USER, "/start")
            assert again[0]["text"] == EN.welcome

    asyncio.run(scenario())
    with transaction(database.sessions) as session:
        assert session.scalars(select(models.Respondent.language)).all() == [None]


def test_reminders_come_in_the_chosen_language(database: Database, fake: FakeTelegram) -> None:
    day = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(USER)
            settings = await bot.type(USER, "/settings")
            assert settings is not None
            await bot.press(USER, EN.frequencies["weekly"], message=settings)
            shown = await bot.type(USER, "/language")
            assert shown is not None
            await bot.tap(USER, ARABIC, message=shown)
            with transaction(database.sessions) as session:
                session.execute(
                    update(models.Respondent).values(last_active_at=day - timedelta(days=20))
                )
            run = await send_due_reminders(
                bot.app.bot, database.sessions, bot.app.bot_data["config"], day
            )
            assert run.sent == 1
            reminder = fake.last(USER)
            assert reminder["text"] == AR.reminder
            assert [label for label, _ in fake.buttons(reminder)] == [AR.reminder_button]

    asyncio.run(scenario())


def test_the_command_menu_is_set_in_each_language(database: Database, fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake):
            pass

    asyncio.run(scenario())
    menus = {call.params.get("language_code"): call.params for call in fake.sent("setMyCommands")}
    assert set(menus) == {None, *[c for c in languages.shipped_codes() if c != "en"]}
    arabic = {c["command"]: c["description"] for c in menus["ar"]["commands"]}
    assert arabic["language"] == AR.commands["language"]


# ------------------------------------------------------------------ texts.<code>.yaml


def _copy_texts(tmp_path: Path, language_file: str) -> Path:
    english = tmp_path / "texts.yaml"
    english.write_text(TEXTS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    texts_path("xx", english).write_text(language_file, encoding="utf-8")
    return english


def test_a_missing_text_falls_back_to_english_one_text_at_a_time(tmp_path: Path) -> None:
    english = _copy_texts(
        tmp_path,
        'language: xx\nstatus: draft\nskip_button: "Saltar"\nfrequencies:\n  never: "Nunca"\n',
    )
    texts = load_texts(english, "xx")
    assert texts.skip_button == "Saltar" and texts.frequencies["never"] == "Nunca"
    assert texts.frequencies["weekly"] == EN.frequencies["weekly"]
    assert texts.welcome == EN.welcome


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('skip_buton: "Saltar"\n', ["texts.xx.yaml", "skip_buton", "texts.yaml"]),
        ('progress: "Pregunta {n}"\n', ["progress", "placeholders", "{name}"]),
        ('skip_button: ""\n', ["skip_button", "must be some text"]),
        ("frequencies:\n  daily: Diario\n", ["frequencies.daily", "weekly"]),
        ("status: finished\n", ["texts.xx.yaml", "status", "draft", "reviewed"]),
        ("status: reviewed\n", ["status", "reviewed_by", "reviewed_on"]),
    ],
)
def test_a_broken_language_file_names_file_item_and_fix(
    tmp_path: Path, content: str, words: list[str]
) -> None:
    english = _copy_texts(tmp_path, content)
    with pytest.raises(DataFileError) as caught:
        load_texts(english, "xx")
    message = str(caught.value)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize("code", [c for c in languages.shipped_codes() if c != "en"])
def test_each_shipped_language_has_every_bot_text_and_is_marked_draft(code: str) -> None:
    path = texts_path(code)
    assert "to be checked by a qualified translator" in path.read_text(encoding="utf-8")
    texts, english = load_texts(language=code), EN
    same = [
        name
        for name in ("welcome", "privacy", "help_footer", "who_are_you", "progress")
        if getattr(texts, name) == getattr(english, name)
    ]
    assert not same, f"{path}: still English: {same}"
    assert texts.commands.keys() == english.commands.keys()
