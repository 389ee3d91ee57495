"""Check-in reminders: never in quiet hours, once while unanswered, never to a blocked chat."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
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


async def choose_reminders(bot: RunningBot, user: int, label: str) -> None:
    settings = await bot.type(user, "/settings")
    assert settings is not None and "Reminders: off." in settings["text"]  # never chosen
    await bot.press(user, label, message=settings)


async def finish_checkin(bot: RunningBot, user: int) -> dict[str, Any]:
    """Answer each question with its first button (typed words for free text): the thanks."""
    for _ in range(40):
        message = bot.fake.last(user)
        if "Your answers have been saved" in message["text"]:
            return message
        labels = [t for t, _ in bot.fake.buttons(message) if "rather not" not in t]
        if not labels or labels == ["Skip"]:
            await bot.type(user, "all good")
        else:
            await bot.press(user, labels[0])
    raise AssertionError(f"the check-in never ended: {bot.fake.last(user)['text']!r}")


def reminder_settings(database: Database) -> list[tuple[bool, bool, int]]:
    with transaction(database.sessions) as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    models.Respondent.reminders_enabled,
                    models.Respondent.opted_out,
                    models.Respondent.reminder_every_days,
                ).order_by(models.Respondent.id)
            )
        ]


def test_nobody_is_reminded_until_they_choose_and_they_are_asked_once(
    database: Database, fake: FakeTelegram
) -> None:
    """Reminders are off until chosen; the first finished check-in asks, once."""

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            config = bot.app.bot_data["config"]
            for user in (TEEN, BLOCKER):
                await bot.join(user)
                await bot.consent(user)
                thanks = await finish_checkin(bot, user)
                assert thanks["text"].endswith("Would you like a reminder to check in?")
                assert [t for t, _ in fake.buttons(thanks)] == [
                    "Every week",
                    "Every 2 weeks",
                    "Every month",
                    "No thanks",
                ]
            assert reminder_settings(database) == [(False, False, 30), (False, False, 30)]
            last_active(database, DAY - timedelta(days=40))
            run = await send_due_reminders(bot.app.bot, database.sessions, config, DAY)
            assert run.sent == 0  # nobody chose reminders, so nobody gets one

            thanks = fake.last(TEEN)
            chosen = await bot.press(TEEN, "Every 2 weeks", message=thanks)
            assert chosen["text"] == (
                "OK, I'll remind you every 2 weeks. "
                "Type /settings to change it or /stop to turn it off."
            )
            assert fake.bot_messages(TEEN)[-2]["text"].endswith("✔ Every 2 weeks")
            assert fake.buttons(fake.bot_messages(TEEN)[-2]) == []
            declined = await bot.press(BLOCKER, "No thanks")
            assert declined["text"] == "OK, no reminders. If you change your mind, type /settings."
            assert reminder_settings(database) == [(True, False, 14), (False, True, 30)]

            last_active(database, DAY - timedelta(days=20))
            run = await send_due_reminders(bot.app.bot, database.sessions, config, DAY)
            assert run.sent == 1 and "time for your check-in" in fake.last(TEEN)["text"]

            # The quick check-in from the reminder: its thanks doesn't ask again.
            await bot.press(TEEN, "Start the check-in")
            thanks = await finish_checkin(bot, TEEN)
            assert "reminder" not in thanks["text"] and fake.buttons(thanks) == []

    asyncio.run(scenario())


def test_reminders_respect_quiet_hours_unanswered_nudges_and_blocks(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            config = bot.app.bot_data["config"]
            for user in (TEEN, BLOCKER, FLAKY):
                await bot.join(user)
                await bot.press(user, "Not now")  # declined: no check-in left open
                await choose_reminders(bot, user, "Every month")
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
            await choose_reminders(bot, TEEN, "Every month")
            last_active(database, DAY - timedelta(days=10))
            run = await send_due_reminders(bot.app.bot, database.sessions, config, DAY)
            assert run.sent == 0  # monthly: not due yet
            await bot.type(TEEN, "/stop")
            last_active(database, DAY - timedelta(days=100))
            run = await send_due_reminders(bot.app.bot, database.sessions, config, DAY)
            assert run.sent == 0

    asyncio.run(scenario())
