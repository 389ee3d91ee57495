"""Check-in reminders: never in quiet hours, once while unanswered, never to a blocked chat."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fakes.telegram_api import FakeTelegram, heard_bot
from sqlalchemy import select, update

from bot.reminders import send_due_reminders
from heard.wiring import Database
from storage import models
from storage.db import transaction

TEEN, BLOCKER, FLAKY = 5553001, 5553002, 5553003
NIGHT = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # 23:30 in London: quiet
DAY = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def last_active(database: Database, when: datetime) -> None:
    with transaction(database.sessions) as session:
        session.execute(update(models.Respondent).values(last_active_at=when))


def sends_to(fake: FakeTelegram, chat: int) -> int:
    return sum(1 for call in fake.sent("sendMessage") if call.params["chat_id"] == chat)


def test_reminders_respect_quiet_hours_unanswered_nudges_and_blocks(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            config = bot.app.bot_data["config"]
            for user in (TEEN, BLOCKER, FLAKY):
                await bot.join(user)
                await bot.press(user, "Not now")  # declined: no check-in left open
            last_active(database, DAY - timedelta(days=40))
            fake.blocked.add(BLOCKER)
            fake.failing.add(FLAKY)
            before = {user: sends_to(fake, user) for user in (TEEN, BLOCKER, FLAKY)}

            run = await send_due_reminders(bot.app.bot, database.sessions, config, NIGHT)
            assert (run.sent, run.quiet) == (0, 3)
            assert {user: sends_to(fake, user) for user in before} == before

            run = await send_due_reminders(bot.app.bot, database.sessions, config, DAY)
            assert (run.sent, run.blocked, run.failed) == (1, 1, 1)
            reminder = fake.last(TEEN)
            assert "time for your check-in" in reminder["text"]
            with transaction(database.sessions) as session:
                blocked = session.scalars(
                    select(models.Respondent.blocked).order_by(models.Respondent.id)
                ).all()
            assert blocked == [False, True, False]

            # Unanswered: no second nudge, even a month later; blocked: never retried.
            fake.failing.clear()
            later = DAY + timedelta(days=35)
            run = await send_due_reminders(bot.app.bot, database.sessions, config, later)
            assert (run.sent, run.blocked) == (1, 0)  # only the one whose send failed
            assert sends_to(fake, TEEN) == before[TEEN] + 1
            assert sends_to(fake, BLOCKER) == before[BLOCKER] + 1  # the one 403, no more

            # Answering the nudge starts the quick pulse check-in.
            consent = await bot.press(TEEN, "Start the check-in", message=reminder)
            assert "quick monthly check-in" in consent["text"]

    asyncio.run(scenario())


def test_no_reminder_after_stop_or_for_someone_recently_active(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            config = bot.app.bot_data["config"]
            await bot.join(TEEN)
            await bot.press(TEEN, "Not now")
            last_active(database, DAY - timedelta(days=10))
            run = await send_due_reminders(bot.app.bot, database.sessions, config, DAY)
            assert run.sent == 0  # monthly by default: not due yet
            await bot.type(TEEN, "/stop")
            last_active(database, DAY - timedelta(days=100))
            run = await send_due_reminders(bot.app.bot, database.sessions, config, DAY)
            assert run.sent == 0

    asyncio.run(scenario())
