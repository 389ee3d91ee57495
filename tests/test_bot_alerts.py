"""The staff chat hears that an alert needs attention, with a link and never the words.

The bot raises alerts but no longer announces them itself: the scheduler's one sweep
(notices.sweep) posts to the staff chat as its Telegram sender, once per alert, for
alerts from every channel, and retries a chat that failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime

import pytest
from fakes.telegram_api import DASHBOARD, STAFF_CHAT, FakeTelegram, heard_bot
from sqlalchemy import select

from bot.app import schedule_jobs
from heard.wiring import Database
from notices.routes import default_routes
from notices.sweep import Outbox, SweepResult, sweep
from notices.telegram import TelegramSender
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


def alerts(database: Database) -> list[tuple[int, str, str, datetime, bool]]:
    with transaction(database.sessions) as session:
        rows = session.execute(
            select(
                models.SafeguardingAlert.id,
                models.SafeguardingAlert.level,
                models.SafeguardingAlert.category,
                models.SafeguardingAlert.created_at,
                models.SafeguardingAlert.notified_at,
            ).order_by(models.SafeguardingAlert.id)
        ).all()
    return [
        (i, level, category, created, notified is not None)
        for i, level, category, created, notified in rows
    ]


def staff_sweep(database: Database, fake: FakeTelegram) -> SweepResult:
    """The scheduler's sweep with only a staff chat (no email): as `heard scheduler` runs
    it with HEARD_TELEGRAM_TOKEN and HEARD_STAFF_CHAT_ID set."""
    outbox = Outbox(
        default_routes((), str(STAFF_CHAT)),
        (TelegramSender(fake.token, fake.api_url, timeout=5),),
        base_url=DASHBOARD,
    )
    return sweep(database.sessions, outbox)


def expected_notice(alert_id: int, level: str, about: str, raised: datetime) -> str:
    local = raised.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    level_line = {
        "urgent": "Urgent: please look now",
        "concern": "Concern: a person must see it",
    }[level]
    return (
        f"Safeguarding alert {alert_id} needs attention.\n{level_line}\nAbout: {about}\n"
        f"Route: Safeguarding lead\nRaised: {local:%H:%M} on {local:%d %b %Y} ({local:%Z})\n"
        f"{DASHBOARD}/staff/alerts/{alert_id}"
    )


def test_disclosures_to_the_bot_reach_the_staff_chat_once_without_the_words(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(LEAVER, who="A care leaver", age=None)
            await bot.press(LEAVER, "Not now")
            typed = fake.type_text(LEAVER, DISCLOSURE)
            await bot.wait(typed)
            # the help, then "would you like someone to get in touch?" (test_bot_contact.py)
            reply, asked = (m["text"] for m in fake.bot_messages(LEAVER)[-2:])
            assert "116 123" in reply or "999" in reply or "Childline" in reply
            assert asked.startswith("Would you like someone from the council to get in touch")
            assert staff_messages(fake) == []  # the bot itself never announces
            await asyncio.to_thread(staff_sweep, database, fake)
            [(first, level, category, raised, notified)] = alerts(database)
            assert (level, category, notified) == ("urgent", "self_harm_suicide", True)
            assert staff_messages(fake) == [
                expected_notice(first, "urgent", "Self-harm or suicide", raised)
            ]
            await bot.redeliver(typed)
            assert (await asyncio.to_thread(staff_sweep, database, fake)).notices == 0
            assert len(staff_messages(fake)) == 1 and len(alerts(database)) == 1

            # in a check-in, at the free-text question (a closed answer that signals risk,
            # such as "No" to feeling safe, raises its own alert on the way: announced too)
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
                        or label == "Carry on"
                    ),
                )
            await bot.type(TEEN, IN_SURVEY)
            assert "carry on" in fake.last(TEEN)["text"].lower()
            raised = len(alerts(database))
            assert raised >= 2
            assert (await asyncio.to_thread(staff_sweep, database, fake)).notices == raised - 1
            announced = [text.splitlines()[0] for text in staff_messages(fake)]
            assert announced == [
                f"Safeguarding alert {alert_id} needs attention."
                for alert_id, *_ in alerts(database)
            ]
            for text in staff_messages(fake):
                assert DISCLOSURE not in text and IN_SURVEY not in text
                assert "die" not in text and "hits" not in text and "late home" not in text

    asyncio.run(scenario())


def test_alerts_raised_elsewhere_are_announced_once_and_retried_after_a_failure(
    database: Database, fake: FakeTelegram
) -> None:
    def web_alert() -> None:
        with transaction(database.sessions) as session:
            raise_alert(
                session,
                pseudonym="web-person",
                text="something the web app heard",
                category="unsafe_home",
                level="concern",
                channel="web",
                cohort="child_in_care",
                age_band="11-17",
            )

    web_alert()
    web_alert()
    fake.failing.add(STAFF_CHAT)
    failed = staff_sweep(database, fake)
    assert failed.notices == 0 and len(failed.retry) == 2
    assert [notified for *_, notified in alerts(database)] == [False, False]
    fake.failing.clear()
    assert staff_sweep(database, fake).notices == 2
    assert staff_sweep(database, fake).notices == 0
    assert [text.splitlines()[:3] for text in staff_messages(fake)] == [
        [
            f"Safeguarding alert {n} needs attention.",
            "Concern: a person must see it",
            "About: Not safe at home",
        ]
        for n in (1, 2)
    ]
    assert all("the web app heard" not in text for text in staff_messages(fake))


def test_the_bot_process_runs_no_alert_sweep_of_its_own(
    database: Database, fake: FakeTelegram
) -> None:
    """Two bot processes once meant two sweeps and every alert announced twice: now the
    bot schedules only reminders, and the scheduler's one sweep announces alerts."""
    running = heard_bot(database, fake)
    assert schedule_jobs(running.app, running.app.bot_data["config"], database.sessions)
    assert running.app.job_queue is not None
    assert {job.name for job in running.app.job_queue.jobs()} == {"reminders"}
