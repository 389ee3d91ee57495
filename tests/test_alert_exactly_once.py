"""Two `heard scheduler` processes, two `heard bot` processes and a stray sweep in this
process, all at once: every alert, raised by the web app or typed to the bot, reaches
the lead's email and the staff chat exactly once, within a minute; stopping the leader
mid-way loses nothing. Real processes, a real SMTP server on loopback, a real database;
only Telegram is fake."""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from alert_support import LEAD, SENDER, smtp_server
from conftest import make_settings
from fakes.telegram_api import STAFF_CHAT, FakeTelegram
from reliability_support import BotProcess, HeardProcess, heard_environment, wait_until
from sqlalchemy import select

from heard.wiring import Database, open_database
from storage import models
from storage.alerts import raise_alert
from storage.db import transaction

pytestmark = pytest.mark.slow
WEB_WORDS = "my stepdad hits me when mum is at work ONCECANARY"
BOT_WORDS = "i want to die tonight ONCECANARY"
LEADS = "this scheduler leads"
NOTICE = re.compile(r"^Safeguarding alert (\d+) needs attention\.")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def web_alert(database: Database) -> int:
    with transaction(database.sessions) as session:
        return raise_alert(
            session,
            pseudonym="web-person".ljust(64, "x"),
            text=WEB_WORDS,
            category="abuse_physical",
            level="urgent",
            channel="web",
            cohort="child_in_care",
            age_band="11-17",
        ).id


def alert_times(database: Database) -> dict[int, float]:
    """Each alert and when it was raised (epoch seconds)."""
    with transaction(database.sessions) as session:
        rows = session.execute(
            select(models.SafeguardingAlert.id, models.SafeguardingAlert.created_at)
        ).all()
    return {row[0]: row[1].timestamp() for row in rows}


def chat_notices(fake: FakeTelegram) -> Counter[int]:
    found: Counter[int] = Counter()
    for message in fake.bot_messages(STAFF_CHAT):
        match = NOTICE.match(message["text"])
        if match:
            found[int(match.group(1))] += 1
    return found


class Arrivals:
    """When each alert's email first reached the relay."""

    def __init__(self, mailbox: object) -> None:
        self.mailbox = mailbox
        self.first: dict[int, float] = {}
        self.lock = threading.Lock()

    def update(self) -> Counter[int]:
        counts: Counter[int] = Counter()
        for message in self.mailbox.messages():  # type: ignore[attr-defined]
            counts[message.alert_id] += 1
            with self.lock:
                self.first.setdefault(message.alert_id, time.time())
        return counts


def test_two_schedulers_two_bots_and_a_stray_sweep_announce_each_alert_once(
    database_url: str, fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as mail:
        values = {
            "HEARD_TELEGRAM_TOKEN": fake.token,
            "HEARD_TELEGRAM_API_URL": fake.api_url,
            "HEARD_STAFF_CHAT_ID": str(STAFF_CHAT),
            "HEARD_SAFEGUARDING_EMAIL": LEAD,
            "HEARD_SMTP_URL": mail.url(),
            "HEARD_SMTP_FROM": SENDER,
            "HEARD_BASE_URL": "https://heard.council.example",
        }
        settings = make_settings(tmp_path / "data", database_url, **values)
        database = open_database(settings)
        environment = heard_environment(settings, **values)
        arrivals = Arrivals(mail.mailbox)
        schedulers: list[HeardProcess] = []
        bots = [BotProcess(settings, fake, tmp_path) for _ in range(2)]
        stray_stop = threading.Event()
        stray_runs: list[int] = []

        def stray() -> None:
            """A sweep with no leader lock at all, as a stray process would run it."""
            from heard.jobs import send_alert_notices

            while not stray_stop.is_set():
                send_alert_notices(str(settings.data_dir))
                stray_runs.append(1)
                stray_stop.wait(0.5)

        monkeypatch.chdir(tmp_path)
        for name in [n for n in os.environ if n.startswith("HEARD_")]:
            monkeypatch.delenv(name)
        for name, value in {**values, "HEARD_DATABASE_URL": database_url}.items():
            monkeypatch.setenv(name, value)
        sweeper = threading.Thread(target=stray, daemon=True)
        try:
            for bot in bots:
                bot.start()
            schedulers = [
                HeardProcess(["scheduler"], environment, tmp_path).start() for _ in range(2)
            ]
            wait_until(
                lambda: any(LEADS in p.output for p in schedulers), 60, "one scheduler to lead"
            )
            leader = next(p for p in schedulers if LEADS in p.output)

            # 1. Alerts from the web app and typed to the bot (either bot process reads it),
            # sent by the leading scheduler alone, each within a minute.
            first = [web_alert(database) for _ in range(3)]
            for user in (7_400_001, 7_400_002):
                fake.type_text(user, BOT_WORDS)
            wait_until(lambda: len(alert_times(database)) == 5, 60, "the bot's two alerts")
            wait_until(lambda: len(arrivals.update()) == 5, 60, "an email for each alert")
            wait_until(lambda: len(chat_notices(fake)) == 5, 60, "a chat notice for each alert")

            late = {a: arrivals.first[a] - t for a, t in alert_times(database).items()}
            assert max(late.values()) < 60, late

            # 2. A stray sweep with no leader lock starts beside them, the leader stops
            # (SIGTERM), more alerts come, and the other scheduler takes over.
            sweeper.start()
            assert leader.stop() == 0, leader.output
            second = [web_alert(database) for _ in range(2)]
            wait_until(lambda: len(arrivals.update()) == 7, 90, "the later alerts' emails")
            wait_until(lambda: len(chat_notices(fake)) == 7, 60, "the later chat notices")
            time.sleep(16)  # one more sweep by the scheduler, and many by the stray one
            assert len(stray_runs) > 5
            for process in schedulers:
                if process is not leader:
                    process.check_alive()
            for bot in bots:
                bot.check_alive()
        finally:
            stray_stop.set()
            if sweeper.is_alive():
                sweeper.join(timeout=60)
            for process in schedulers:
                process.kill()
                print(f"----- heard scheduler\n{process.output}")
            for bot in bots:
                if bot.alive():
                    bot.stop()

        emails, chats, raised = arrivals.update(), chat_notices(fake), alert_times(database)
        database.close()
    assert set(raised) >= set(first) | set(second)
    assert emails == Counter({alert: 1 for alert in raised})  # exactly once each
    assert chats == Counter({alert: 1 for alert in raised})
    late = {a: round(arrivals.first[a] - raised[a]) for a in raised}
    assert max(late.values()) < 60, late  # each within a minute of being raised
    assert "Alerts are not being sent to anyone" not in leader.output
    for message in mail.mailbox.messages():
        assert "ONCECANARY" not in message.message.as_string()
    for message in fake.bot_messages(STAFF_CHAT):
        assert "ONCECANARY" not in message["text"] and "die" not in message["text"]
