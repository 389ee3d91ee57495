"""A teenager types "absolutely not" to "Do you feel safe where you live?" over Telegram:
the real PTB Application talking HTTP to the fake Bot API server, on SQLite and
PostgreSQL. It is read as No (never Yes), the help comes first, and a concern alert is
raised; "ye thats fine" at "Is that OK?" starts the check-in."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from fakes.telegram_api import FakeTelegram, heard_bot
from sqlalchemy import select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.messages import load_messages

MESSAGES = load_messages()
TEEN, OTHER = 5554001, 5554002
PROGRESS = re.compile(r"^Question (\d+) of (\d+)\n")
HELP = "Thank you for telling Heard"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def answers(database: Database) -> dict[str, str]:
    with transaction(database.sessions) as session:
        rows = session.execute(select(models.Answer.question_id, models.Answer.value)).all()
    return dict(rows)


def alerts(database: Database) -> list[tuple[str, str]]:
    with transaction(database.sessions) as session:
        return [(a.category, a.level) for a in session.scalars(select(models.SafeguardingAlert))]


def test_absolutely_not_to_feeling_safe_gets_the_help(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            consent = await bot.join(TEEN)
            assert "Is that OK?" in consent["text"]
            said = await bot.chat(TEEN, "ye thats fine")  # typed, not tapped
            assert "Can we use your words" in said[-1]["text"]
            said = await bot.chat(TEEN, "nah")
            assert PROGRESS.match(said[-1]["text"]), said[-1]["text"]
            said = await bot.chat(TEEN, "happy")  # home_happy
            assert "Do you feel safe where you live?" in said[-1]["text"]
            said = await bot.chat(TEEN, "absolutely not")
            texts = [m.get("text", "") for m in said]
            assert any(t.startswith(HELP) for t in texts), texts
            assert "Do you feel safe where you live?" not in said[-1]["text"]  # moved on
            assert PROGRESS.match(said[-1]["text"]), said[-1]["text"]
            assert answers(database)["feel_safe"] == "no"
            assert alerts(database) == [("unsafe_home", "concern")]

            # unclear: asked again, nothing stored, no alert
            await bot.join(OTHER)
            await bot.consent(OTHER)
            await bot.chat(OTHER, "happy")
            said = await bot.chat(OTHER, "yes not")
            assert "Do you feel safe where you live?" in said[-1]["text"]
            assert not any(m.get("text", "").startswith(HELP) for m in said)

    asyncio.run(scenario())
    assert len(alerts(database)) == 1
