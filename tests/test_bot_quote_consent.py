"""Typed answers to "Can we use your words?" over Telegram: the real PTB Application
talking HTTP to the fake Bot API server, on SQLite and PostgreSQL. A clear yes is stored
once (a redelivered update changes nothing), a no stores nothing, and anything unclear
gets "tap Yes or No" with the same buttons again."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
from sqlalchemy import select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.messages import load_messages

MESSAGES = load_messages()
AISHA, BEN = 5553001, 5553002
PROGRESS = re.compile(r"^Question (\d+) of (\d+)\n")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def quote_consents(database: Database) -> list[bool]:
    with transaction(database.sessions) as session:
        return list(session.scalars(select(models.Respondent.quote_consent)))


async def at_the_quote_question(bot: RunningBot, user: int) -> None:
    consent = await bot.join(user)
    assert "Is that OK?" in consent["text"]
    quote = await bot.press(user, "Yes, let's start")
    assert "Can we use your words" in quote["text"]


def test_typed_answers_to_being_quoted(
    database: Database, fake: FakeTelegram, quote_writes: list[str]
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await at_the_quote_question(bot, AISHA)
            # unclear: asked again kindly, the same two buttons, nothing stored
            for unclear in ("not bothered", "i dont mind", "yes u cant"):
                said = await bot.chat(AISHA, unclear)
                assert said[0]["text"] == MESSAGES.quote_unclear
                assert "Can we use your words" in said[-1]["text"]
                assert [label for label, _ in fake.buttons(said[-1])] == [
                    MESSAGES.quote_yes,
                    MESSAGES.quote_no,
                ]
            assert quote_consents(database) == [False] and quote_writes == []
            # a clear yes, typed the way teenagers type it
            typed = fake.type_text(AISHA, "ye thats fine")
            await bot.wait(typed)
            first = fake.last(AISHA)
            assert PROGRESS.match(first["text"]), first["text"]
            assert PROGRESS.match(first["text"]).group(1) == "1"  # type: ignore[union-attr]
            sent = len(fake.bot_messages(AISHA))
            await bot.redeliver(typed)  # Telegram sends it again: nothing changes
            assert len(fake.bot_messages(AISHA)) == sent

            # someone else says no in their own words: on to the questions, no consent
            await at_the_quote_question(bot, BEN)
            said = await bot.chat(BEN, "dont quote me")
            assert PROGRESS.match(said[-1]["text"]), said[-1]["text"]
            assert not any(MESSAGES.quote_unclear in m.get("text", "") for m in said)

    asyncio.run(scenario())
    assert sorted(quote_consents(database)) == [False, True]
    assert len(quote_writes) == 1  # stored exactly once, for the clear yes only


def test_unclear_words_at_is_that_ok_name_its_own_buttons(
    database: Database, fake: FakeTelegram
) -> None:
    """Typed "not bothered" at "Is that OK?" is no answer: the bot names the two buttons
    there ("that isn't one of the choices" is for a button), and nothing is started."""

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            consent = await bot.join(AISHA)
            assert "Is that OK?" in consent["text"]
            said = await bot.chat(AISHA, "not bothered")
            assert said[0]["text"] == (
                "Sorry, I didn't catch that. Please tap “Yes, let's start” or “Not now”, "
                "or type yes or no."
            )
            assert "Is that OK?" in said[-1]["text"]
            assert [label for label, _ in fake.buttons(said[-1])] == [
                MESSAGES.consent_yes,
                MESSAGES.consent_no,
            ]
            said = await bot.chat(AISHA, "ye thats fine")
            assert "Can we use your words" in said[-1]["text"]

    asyncio.run(scenario())
