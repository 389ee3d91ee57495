"""Two `heard scheduler` processes started together, the leader stopped half-way through its
jobs and others started in its place: every monthly report and every reminder still
happens exactly once. Real processes, a real database, only Telegram is fake."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from reliability_support import HeardProcess, SlowTelegram, heard_environment, wait_until
from sqlalchemy import select
from test_scheduler import _install, _set_next_run

from bot.addresses import AddressBook
from bot.texts import load_texts
from heard.jobs import previous_month
from heard.settings import Settings
from heard.wiring import Database, open_database
from storage import models
from storage.audit import audit_entries
from storage.db import transaction
from storage.reminders import save_address
from storage.respondents import get_or_create_respondent, set_profile
from surveys.people import People

REMINDER = load_texts().reminder
FIRST = tuple(range(7001, 7011))  # due when the schedulers start
SECOND = tuple(range(7101, 7105))  # due later, after a restart
LEADS = "this scheduler leads"
DUE_JOBS = ("monthly-report", "reminders")


@pytest.fixture
def fake() -> Iterator[SlowTelegram]:
    server = SlowTelegram(seconds_per_message=0.3).start()  # a sweep of FIRST takes ~3 s
    yield server
    server.stop()


def make_due(database: Database, settings: Settings, chats: tuple[int, ...]) -> None:
    """People on Telegram who chose monthly reminders and have not been heard from for 40
    days: each due one reminder.
    Quiet hours are switched off, so the test does not depend on the time of day."""
    people = People(database.sessions, settings.pseudonym_key)
    seal = AddressBook(settings.pseudonym_key).seal
    with transaction(database.sessions) as session:
        for chat in chats:
            pseudonym = people.pseudonym("telegram", chat)
            respondent = get_or_create_respondent(session, pseudonym, "telegram")
            set_profile(session, respondent, cohort="child_in_care", age_band="11-17")
            save_address(session, respondent, "telegram", seal(chat))
            respondent.reminders_enabled = True  # chosen: nobody is reminded by default
            respondent.reminder_every_days = 30
            respondent.quiet_start = respondent.quiet_end = "00:00"
            respondent.last_active_at = datetime.now(UTC) - timedelta(days=40)


def jobs_fall_due(database: Database) -> None:
    """Edit the stored jobs as if the machine had been off when they fell due."""
    for job in DUE_JOBS:
        _set_next_run(database, job, datetime.now(UTC) - timedelta(days=2))


def reminders(fake: SlowTelegram) -> Counter[int]:
    """Every reminder Telegram was asked to deliver, by chat."""
    return Counter(
        int(call.params["chat_id"])
        for call in fake.sent("sendMessage")
        if call.params.get("text") == REMINDER
    )


def times_led(process: HeardProcess) -> int:
    return sum(LEADS in line for line in list(process.lines))


def new_leader(processes: list[HeardProcess], before: dict[int, int]) -> HeardProcess | None:
    """The one process that has taken the lead since `before`; never two at once."""
    leading = [p for p in processes if times_led(p) > before.get(id(p), 0)]
    assert len(leading) <= 1, "two schedulers lead at once:\n" + "\n".join(
        p.output for p in leading
    )
    for process in processes:
        process.check_alive()
    return leading[0] if leading else None


@pytest.mark.slow
def test_two_schedulers_restarted_mid_run_send_each_report_and_reminder_once(
    database_url: str, fake: SlowTelegram, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path / "data",
        database_url,
        HEARD_TELEGRAM_TOKEN=fake.token,
        HEARD_TELEGRAM_API_URL=fake.api_url,
    )
    database = open_database(settings)
    _install(settings, database)
    make_due(database, settings, FIRST)
    jobs_fall_due(database)
    environment = heard_environment(
        settings, HEARD_TELEGRAM_TOKEN=fake.token, HEARD_TELEGRAM_API_URL=fake.api_url
    )
    started: list[HeardProcess] = []

    def start() -> HeardProcess:
        started.append(HeardProcess(["scheduler"], environment, tmp_path).start())
        return started[-1]

    def alive() -> list[HeardProcess]:
        return [p for p in started if p.alive()]

    try:
        # 1. Two start together; one leads and starts the overdue report and reminders.
        pair = [start(), start()]
        leader = wait_until(lambda: new_leader(pair, {}), 60, "one of two schedulers to lead")
        wait_until(lambda: reminders(fake).total(), 60, "the reminder sweep to begin")
        # Stopped mid-sweep (SIGTERM, as systemd does): it finishes the jobs in hand first.
        assert leader.stop() == 0, leader.output
        assert reminders(fake) == Counter(FIRST)
        before = {id(p): times_led(p) for p in started}
        start()  # another takes its place; whoever leads now finds nothing due
        leader = wait_until(lambda: new_leader(alive(), before), 60, "a new leader")

        # 2. More people fall due and the jobs are overdue again (a long pause); the leader
        # is stopped between jobs and a fourth scheduler started.
        make_due(database, settings, SECOND)
        jobs_fall_due(database)
        assert leader.stop() == 0, leader.output
        before = {id(p): times_led(p) for p in started}
        start()
        wait_until(lambda: new_leader(alive(), before), 60, "a third leader")
        wait_until(lambda: reminders(fake) == Counter(FIRST + SECOND), 60, "the later reminders")
        wait_until(  # by the new leader, or by the old one if it saw the jobs before it stopped
            lambda: any("already written; nothing to do" in p.output for p in started),
            60,
            "the overdue report job to find its report written",
        )
        for process in alive():  # every job in hand finishes before a process exits
            assert process.stop() == 0, process.output
    finally:
        for process in started:
            process.kill()  # pytest shows what each said only if the test fails
            print(f"----- heard scheduler #{started.index(process) + 1}\n{process.output}")
    assert reminders(fake) == Counter(FIRST + SECOND)  # exactly once each, nobody else
    with transaction(database.sessions) as session:
        runs = audit_entries(session, "report")
        formats = Counter(session.scalars(select(models.GeneratedReport.format)))
    database.close()
    assert [run.target for run in runs] == [previous_month(datetime.now(settings.tz).date())]
    assert formats == Counter({"html": 1, "json": 1, "csv": 1})
