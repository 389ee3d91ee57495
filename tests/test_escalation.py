"""An alert nobody acknowledges in time is repeated once, to a second contact, without the words.

Runs against the fake Bot API server on SQLite and PostgreSQL, with the clock
passed in, so "an hour later" takes no time.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from fakes.telegram_api import DASHBOARD, STAFF_CHAT, FakeTelegram, heard_bot
from sqlalchemy import select

from bot.app import make_bot, schedule_jobs
from bot.config import BotConfig
from bot.staff_alerts import Escalation, escalate_unacknowledged
from heard.bot_command import escalation_job
from heard.scheduling import job_specs
from heard.settings import Settings, SettingsError
from heard.wiring import Database
from storage import models
from storage.alerts import raise_alert, set_alert_status
from storage.db import transaction
from storage.models import utcnow
from storage.notifications import claim_escalation, unacknowledged_alerts

SECOND_CONTACT = -100888
CHILD_WORDS = "ESCALATION-MARKER my stepdad hits me and i want to die"
# 13:05 UTC on a summer day is 14:05 in London: the notice uses local time.
RAISED = datetime(2026, 7, 2, 13, 5, tzinfo=UTC)
QUEUE = f"{DASHBOARD}/staff/alerts"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def bot_config(fake: FakeTelegram) -> BotConfig:
    return BotConfig(
        token=fake.token,
        pseudonym_key=b"escalation-test-pseudonym-key-012345",
        secret_key=b"escalation-test-secret-key-0123456789",
        api_url=fake.api_url,
        staff_chat_id=str(STAFF_CHAT),
        dashboard_url=DASHBOARD,
        timezone="Europe/London",
    )


def new_alert(database: Database, when: datetime = RAISED, text: str = CHILD_WORDS) -> int:
    with transaction(database.sessions) as session:
        return raise_alert(
            session,
            pseudonym="pseudonym-of-a-child",
            text=text,
            category="abuse_physical",
            level="urgent",
            channel="telegram",
            cohort="child_in_care",
            age_band="11-17",
            when=when,
        ).id


def escalated(database: Database) -> dict[int, datetime | None]:
    with transaction(database.sessions) as session:
        rows = session.execute(
            select(models.SafeguardingAlert.id, models.SafeguardingAlert.escalated_at)
        ).all()
    return dict(rows)


def texts_to(fake: FakeTelegram, chat: int) -> list[str]:
    return [message["text"] for message in fake.bot_messages(chat)]


def sweep(
    database: Database,
    fake: FakeTelegram,
    now: datetime,
    escalation: Escalation | None = None,
) -> int:
    async def run() -> int:
        async with make_bot(bot_config(fake)) as bot:
            return await escalate_unacknowledged(
                bot, database.sessions, bot_config(fake), escalation, now=now
            )

    return asyncio.run(run())


def test_not_before_the_time_then_once_to_the_staff_chat_without_the_words(
    database: Database, fake: FakeTelegram
) -> None:
    alert = new_alert(database)
    assert sweep(database, fake, RAISED + timedelta(minutes=59, seconds=59)) == 0
    assert texts_to(fake, STAFF_CHAT) == [] and escalated(database) == {alert: None}

    at = RAISED + timedelta(minutes=60)
    assert sweep(database, fake, at) == 1
    assert texts_to(fake, STAFF_CHAT) == [
        f"A safeguarding alert raised at 14:05 has not been acknowledged for 60 minutes: {QUEUE}"
        "\nIt still needs attention: please acknowledge it on the dashboard."
    ]
    assert escalated(database) == {alert: at}

    assert sweep(database, fake, at + timedelta(hours=5)) == 0  # once, however long it waits
    assert len(texts_to(fake, STAFF_CHAT)) == 1
    for text in texts_to(fake, STAFF_CHAT):
        assert "ESCALATION-MARKER" not in text and "hits" not in text and "die" not in text
        assert "pseudonym" not in text and "abuse" not in text


def test_a_second_contact_hears_instead_of_the_staff_chat(
    database: Database, fake: FakeTelegram
) -> None:
    new_alert(database)
    escalation = Escalation(after_minutes=30, chat_id=str(SECOND_CONTACT))
    assert sweep(database, fake, RAISED + timedelta(minutes=29), escalation) == 0
    assert sweep(database, fake, RAISED + timedelta(minutes=47), escalation) == 1
    assert texts_to(fake, SECOND_CONTACT) == [
        f"A safeguarding alert raised at 14:05 has not been acknowledged for 47 minutes: {QUEUE}"
    ]
    assert texts_to(fake, STAFF_CHAT) == []


def test_acknowledged_actioned_and_closed_alerts_never_escalate(
    database: Database, fake: FakeTelegram
) -> None:
    ids = [new_alert(database) for _ in range(4)]
    with transaction(database.sessions) as session:
        for alert_id, status in zip(ids, ("acknowledged", "actioned", "closed"), strict=False):
            row = session.get(models.SafeguardingAlert, alert_id)
            assert row is not None
            set_alert_status(session, row, status, by="dsl@council.example", when=RAISED)
    assert sweep(database, fake, RAISED + timedelta(days=2)) == 1
    assert [alert for alert, at in escalated(database).items() if at] == [ids[3]]


def test_a_failed_send_is_tried_again_and_acknowledging_meanwhile_stops_it(
    database: Database, fake: FakeTelegram
) -> None:
    first, second = new_alert(database), new_alert(database, RAISED + timedelta(minutes=1))
    later = RAISED + timedelta(hours=2)
    fake.failing.add(STAFF_CHAT)
    assert sweep(database, fake, later) == 0
    assert escalated(database) == {first: None, second: None}
    fake.failing.clear()
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, second)
        assert row is not None
        set_alert_status(session, row, "acknowledged", by="dsl@council.example")
    assert sweep(database, fake, later) == 1
    assert escalated(database) == {first: later, second: None}
    assert len(texts_to(fake, STAFF_CHAT)) == 1


def test_unacknowledged_alerts_and_claims(database: Database) -> None:
    old, recent = new_alert(database), new_alert(database, RAISED + timedelta(minutes=30))
    with transaction(database.sessions) as session:
        due = unacknowledged_alerts(session, RAISED + timedelta(minutes=10))
        assert [(a.id, a.created_at) for a in due] == [(old, RAISED)]
        assert len(unacknowledged_alerts(session, RAISED + timedelta(minutes=30))) == 2
        # a claim is one conditional UPDATE, so two sweeps cannot both repeat an alert
        assert claim_escalation(session, old, RAISED + timedelta(hours=1))
        assert not claim_escalation(session, old, RAISED + timedelta(hours=1))
        assert [a.id for a in unacknowledged_alerts(session, RAISED + timedelta(days=1))] == [
            recent
        ]


def test_heard_bot_schedules_the_sweep(database: Database, fake: FakeTelegram) -> None:
    running = heard_bot(database, fake)
    assert schedule_jobs(running.app, bot_config(fake), database.sessions)
    assert running.app.job_queue is not None
    names = {job.name for job in running.app.job_queue.jobs()}
    assert {"staff-alerts", "alert-escalation"} <= names


def test_settings_and_scheduler_job(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    data = tmp_path / "data"
    defaults = make_settings(data, url)
    assert (defaults.alert_escalation_minutes, defaults.escalation_chat_id) == (60, None)
    chosen = make_settings(
        data, url, HEARD_ALERT_ESCALATION_MINUTES="15", HEARD_ESCALATION_CHAT_ID="-100888"
    )
    assert (chosen.alert_escalation_minutes, chosen.escalation_chat_id) == (15, "-100888")
    for bad in ("0", "10081", "an hour"):
        with pytest.raises(SettingsError, match="HEARD_ALERT_ESCALATION_MINUTES"):
            make_settings(data, url, HEARD_ALERT_ESCALATION_MINUTES=bad)

    def ids(**extra: str) -> set[str]:
        return {spec.id for spec in job_specs(make_settings(data, url, **extra))}

    assert "alert-escalation" not in ids()
    assert "alert-escalation" not in ids(HEARD_TELEGRAM_TOKEN="1:abc")
    assert "alert-escalation" in ids(HEARD_TELEGRAM_TOKEN="1:abc", HEARD_STAFF_CHAT_ID="-1")
    assert "alert-escalation" in ids(HEARD_TELEGRAM_TOKEN="1:abc", HEARD_ESCALATION_CHAT_ID="-2")


def test_the_scheduler_job_reads_settings_and_escalates_once(
    database: Database,
    settings: Settings,
    fake: FakeTelegram,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`heard.jobs:escalate_alerts` as `heard scheduler` runs it: settings from the environment."""
    new_alert(database, utcnow() - timedelta(minutes=20))
    new_alert(database, utcnow() - timedelta(minutes=5))
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("HEARD_")]:
        monkeypatch.delenv(name)  # e.g. HEARD_TEST_POSTGRES_URL, which settings would refuse
    for name, value in {
        "HEARD_DATA_DIR": str(settings.data_dir),
        "HEARD_DATABASE_URL": settings.database_url,
        "HEARD_TELEGRAM_TOKEN": fake.token,
        "HEARD_TELEGRAM_API_URL": fake.api_url,
        "HEARD_STAFF_CHAT_ID": str(STAFF_CHAT),
        "HEARD_ESCALATION_CHAT_ID": str(SECOND_CONTACT),
        "HEARD_ALERT_ESCALATION_MINUTES": "10",
        "HEARD_BASE_URL": DASHBOARD,
    }.items():
        monkeypatch.setenv(name, value)
    from heard.jobs import escalate_alerts

    assert escalate_alerts() == 1
    assert escalation_job() == 0
    [text] = texts_to(fake, SECOND_CONTACT)
    assert "has not been acknowledged for 20 minutes" in text and text.endswith(QUEUE)
    assert texts_to(fake, STAFF_CHAT) == []
