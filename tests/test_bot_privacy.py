"""/mydata, /forgetme, /privacy and /stop over Telegram, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from fakes.telegram_api import FakeTelegram, heard_bot
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.alerts import raise_alert
from storage.db import transaction
from storage.reminders import chat_addresses
from surveys.people import People

USER = 5552001


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def counts(database: Database) -> dict[str, int]:
    with transaction(database.sessions) as session:
        return {
            "respondents": session.scalar(select(func.count(models.Respondent.id))),
            "sessions": session.scalar(select(func.count(models.SurveySession.id))),
            "answers": session.scalar(select(func.count(models.Answer.id))),
            "comments": session.scalar(select(func.count(models.Comment.id))),
            "addresses": session.scalar(select(func.count()).select_from(chat_addresses)),
            "alerts": session.scalar(select(func.count(models.SafeguardingAlert.id))),
        }


def test_mydata_then_forgetme_then_mydata_has_nothing(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(USER)
            await bot.consent(USER)
            await bot.press(USER, "Happy")
            await bot.type(USER, "/mydata")
            document = fake.sent("sendDocument")[-1]
            name, content = document.files["document"]
            data = json.loads(content)
            assert name == "my-heard-data.json"
            assert data["about_you"]["who"] == "child_in_care"
            assert [(a["question"], a["answer"]) for a in data["answers"]] == [("home_happy", "4")]
            assert str(USER) not in content.decode()  # no raw Telegram id anywhere

            pseudonym = People(database.sessions, bot.app.bot_data["config"].pseudonym_key)
            with transaction(database.sessions) as session:
                raise_alert(
                    session,
                    pseudonym=pseudonym.pseudonym("telegram", USER),
                    text="kept for safeguarding",
                    category="harm_at_home",
                    level="concern",
                    channel="telegram",
                    cohort="child_in_care",
                    age_band="11-17",
                )
            assert counts(database)["addresses"] == 1

            await bot.type(USER, "/forgetme")
            await bot.press(USER, "No, keep it")
            assert "nothing has been deleted" in fake.last(USER)["text"]
            assert counts(database)["answers"] == 1

            confirm = await bot.type(USER, "/forgetme")
            assert "can't undo" in confirm["text"]
            yes = dict(fake.buttons(confirm))["Yes, delete it all"]
            pressed = await bot.press_data(USER, confirm, yes)
            done = fake.bot_messages(USER)[-1]
            assert "Everything about you has been deleted" in done["text"]
            assert "keeps a record" in done["text"]
            await bot.redeliver(pressed)  # a redelivered erasure is harmless and silent

            reply = await bot.type(USER, "/mydata")
            assert reply["text"] == "Heard doesn't keep anything about you right now."
            assert len(fake.sent("sendDocument")) == 1

    asyncio.run(scenario())
    assert counts(database) == {
        "respondents": 0,
        "sessions": 0,
        "answers": 0,
        "comments": 0,
        "addresses": 0,
        "alerts": 1,  # kept for its retention time, by pseudonym
    }
    with transaction(database.sessions) as session:
        actions = session.scalars(select(models.AuditEntry.action)).all()
    assert actions == ["erase"]


def test_privacy_stop_and_settings(database: Database, fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            reply = await bot.type(USER, "/privacy")
            assert "never keep your name" in reply["text"]
            await bot.join(USER)
            await bot.consent(USER)
            settings = await bot.type(USER, "/settings")  # off until they choose
            assert "Reminders: off." in settings["text"] and "21:00 to 08:00" in settings["text"]
            await bot.press(USER, "Every 2 weeks", message=settings)
            edited = await bot.press(USER, "Quiet 22:00 to 09:00", message=settings)
            assert "every 2 weeks" in edited["text"] and "22:00 to 09:00" in edited["text"]
            profile = People(database.sessions, bot.app.bot_data["config"].pseudonym_key)
            pseudonym = profile.pseudonym("telegram", USER)
            assert profile.profile(pseudonym).reminder_every_days == 14

            reply = await bot.type(USER, "/stop")
            assert "no more reminders" in reply["text"]
            stopped = profile.profile(pseudonym)
            assert stopped is not None and not stopped.reminders_on
            with transaction(database.sessions) as session:
                assert session.scalar(select(models.SurveySession.state)) == "paused"
            reply = await bot.type(USER, "/checkin")
            assert "Welcome back" in fake.bot_messages(USER)[-2]["text"]

            await bot.type(USER, "/settings")
            await bot.press(USER, "Every month")
            assert profile.profile(pseudonym).reminders_on

    asyncio.run(scenario())


def test_stop_back_skip_and_help_typed_outside_a_check_in(
    database: Database, fake: FakeTelegram
) -> None:
    """Typed under a reminder, say: "stop" turns reminders off, as /stop does; "back" and
    "skip" say there's no check-in going; "help" gives the help."""

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(USER)
            await bot.press(USER, "Not now")
            settings = await bot.type(USER, "/settings")
            await bot.press(USER, "Every month", message=settings)
            profile = People(database.sessions, bot.app.bot_data["config"].pseudonym_key)
            pseudonym = profile.pseudonym("telegram", USER)
            assert profile.profile(pseudonym).reminders_on
            assert (await bot.type(USER, "back"))["text"].startswith(
                "You don't have a check-in going right now, so there's nothing to go back to."
            )
            assert "nothing to skip" in (await bot.type(USER, "Skip!"))["text"]
            assert "Childline" in (await bot.type(USER, "help"))["text"]
            stop = fake.type_text(USER, "stop")
            await bot.wait(stop)
            assert fake.last(USER)["text"].startswith("OK, no more reminders.")
            assert not profile.profile(pseudonym).reminders_on
            said = len(fake.bot_messages(USER))
            await bot.redeliver(stop)  # Telegram sends it again: nothing said twice
            assert len(fake.bot_messages(USER)) == said
            reply = await bot.type(USER, "stop messaging me")
            assert reply["text"].startswith("OK, no more reminders.")

    asyncio.run(scenario())


def test_unknown_commands_and_chat_before_start(database: Database, fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            assert (await bot.type(USER, "hello?"))["text"] == "Hi! Type /start to begin."
            assert "don't know that one" in (await bot.type(USER, "/dance"))["text"]
            assert "Nothing here yet" in (await bot.type(USER, "/yousaid"))["text"]
            with transaction(database.sessions) as session:
                session.add(
                    models.YouSaidPost(
                        theme="friendship",
                        you_said="It's hard to see friends after moving",
                        we_did="Carers can now get travel money for friend visits",
                        author="participation@council.example",
                    )
                )
            posts = await bot.type(USER, "/yousaid")
            assert "We did: Carers can now get travel money" in posts["text"]

    asyncio.run(scenario())


def test_a_failure_says_sorry_and_never_logs_the_words(
    database: Database, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    words = "my secret worry about home"

    def broken_hook(session: object, text: str, context: object) -> None:
        raise RuntimeError(f"database said no to {text!r}")

    async def scenario() -> None:
        async with heard_bot(database, fake, safeguarding=broken_hook) as bot:
            reply = await bot.type(USER, words)
            assert reply["text"].startswith("Sorry, something went wrong on our side")

    with caplog.at_level("INFO"):
        asyncio.run(scenario())
    assert "RuntimeError" in caplog.text
    assert words not in caplog.text
