"""The staff chat hears that an alert needs attention, with a link and never the words."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fakes.telegram_api import DASHBOARD, STAFF_CHAT, FakeTelegram, heard_bot
from sqlalchemy import select

from bot.staff_alerts import notify_new_alerts
from heard.wiring import Database
from storage import models
from storage.alerts import raise_alert
from storage.db import transaction

LEAVER, TEEN = 5554001, 5554002
DISCLOSURE = "i want to die tonight"
IN_SURVEY = "my carer hits me when im late home"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def staff_messages(fake: FakeTelegram) -> list[str]:
    return [m["text"] for m in fake.bot_messages(STAFF_CHAT)]


def alerts(database: Database) -> list[tuple[str, bool]]:
    with transaction(database.sessions) as session:
        rows = session.execute(
            select(models.SafeguardingAlert.level, models.SafeguardingAlert.notified_at)
        ).all()
    return [(level, notified is not None) for level, notified in rows]


def test_disclosures_reach_the_staff_chat_without_the_words(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(LEAVER, who="A care leaver", age=None)
            await bot.press(LEAVER, "Not now")
            typed = fake.type_text(LEAVER, DISCLOSURE)
            await bot.wait(typed)
            reply = fake.last(LEAVER)["text"]
            assert "116 123" in reply or "999" in reply or "Childline" in reply
            assert staff_messages(fake) == [
                f"A new safeguarding alert needs attention: {DASHBOARD}/alerts\n"
                "It is marked urgent, so please look now."
            ]
            assert alerts(database) == [("urgent", True)]
            await bot.redeliver(typed)
            assert len(staff_messages(fake)) == 1 and len(alerts(database)) == 1

            # in a check-in, at the free-text question
            await bot.join(TEEN)
            await bot.consent(TEEN)
            while fake.buttons(fake.last(TEEN)) and "Skip" not in dict(
                fake.buttons(fake.last(TEEN))
            ):
                await bot.press(
                    TEEN,
                    lambda label: (
                        label.endswith("No")
                        or label == "0"
                        or label.endswith("Very happy")
                        or label == "Just one"
                    ),
                )
            await bot.type(TEEN, IN_SURVEY)
            assert "carry on" in fake.last(TEEN)["text"].lower()
            assert len(staff_messages(fake)) == 2
            for text in staff_messages(fake):
                assert "die" not in text and "carer" not in text and "hits" not in text

    asyncio.run(scenario())


def test_alerts_raised_elsewhere_are_swept_once_and_retried_after_a_failure(
    database: Database, fake: FakeTelegram
) -> None:
    def web_alert() -> None:
        with transaction(database.sessions) as session:
            raise_alert(
                session,
                pseudonym="web-person",
                text="something the web app heard",
                category="harm_at_home",
                level="concern",
                channel="web",
                cohort="child_in_care",
                age_band="11-17",
            )

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            config = bot.app.bot_data["config"]
            web_alert()
            web_alert()
            fake.failing.add(STAFF_CHAT)
            assert await notify_new_alerts(bot.app.bot, database.sessions, config) == 0
            assert alerts(database) == [("concern", False), ("concern", False)]
            fake.failing.clear()
            assert await notify_new_alerts(bot.app.bot, database.sessions, config) == 2
            assert await notify_new_alerts(bot.app.bot, database.sessions, config) == 0
            assert staff_messages(fake) == [
                f"2 new safeguarding alerts need attention: {DASHBOARD}/alerts"
            ]

    asyncio.run(scenario())
