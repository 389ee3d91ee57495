"""An alert nobody acknowledges in time is repeated once, to a second contact, without the words.

The scheduler's one sweep (notices.sweep) escalates, on Telegram here (test_alert_email
covers email), against the fake Bot API server on SQLite and PostgreSQL, with the clock
passed in, so "an hour later" takes no time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from fakes.telegram_api import DASHBOARD, STAFF_CHAT, FakeTelegram
from sqlalchemy import select

from heard.scheduling import job_specs
from heard.settings import Settings, SettingsError
from heard.wiring import Database
from notices.routes import default_routes
from notices.sweep import LEASE, Outbox, sweep
from notices.telegram import TelegramSender
from storage import models
from storage.alerts import raise_alert, record_contact, record_reply, set_alert_status
from storage.db import transaction
from storage.models import utcnow
from storage.notifications import ESCALATION, claim, escalations_due

SECOND_CONTACT = -100888
CHILD_WORDS = "ESCALATION-MARKER my stepdad hits me and i want to die"
# 13:05 UTC on a summer day is 14:05 in London: the notice uses local time.
RAISED = datetime(2026, 7, 2, 13, 5, tzinfo=UTC)
STILL_WAITING = "has not been acknowledged"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


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
    return {row[0]: row[1] for row in rows}


def escalations_to(fake: FakeTelegram, chat: int) -> list[str]:
    return [m["text"] for m in fake.bot_messages(chat) if STILL_WAITING in m["text"]]


def run_sweep(
    database: Database,
    fake: FakeTelegram,
    now: datetime,
    *,
    after_minutes: int = 60,
    second_contact: int | None = None,
) -> int:
    """One sweep as `heard scheduler` runs it with a staff chat (and perhaps a second
    contact) and no email; how many alerts it escalated."""
    routes = default_routes(
        (),
        str(STAFF_CHAT),
        escalate_after_minutes=after_minutes,
        escalation_chat=str(second_contact) if second_contact else None,
    )
    outbox = Outbox(
        routes, (TelegramSender(fake.token, fake.api_url, timeout=5),), base_url=DASHBOARD
    )
    return sweep(database.sessions, outbox, now=now).escalations


def test_not_before_the_time_then_once_to_the_staff_chat_without_the_words(
    database: Database, fake: FakeTelegram
) -> None:
    alert = new_alert(database)
    assert run_sweep(database, fake, RAISED + timedelta(minutes=59, seconds=59)) == 0
    assert escalations_to(fake, STAFF_CHAT) == [] and escalated(database) == {alert: None}
    assert len(fake.bot_messages(STAFF_CHAT)) == 1  # its first notice

    at = RAISED + timedelta(minutes=60)
    assert run_sweep(database, fake, at) == 1
    assert escalations_to(fake, STAFF_CHAT) == [
        f"Safeguarding alert {alert} has not been acknowledged for 60 minutes.\n"
        "Urgent: please look now\nAbout: Physical abuse\nRoute: Safeguarding lead\n"
        "Raised: 14:05 on 02 Jul 2026 (BST)\n"
        "Please acknowledge it on the alert page once someone is on it.\n"
        f"{DASHBOARD}/staff/alerts/{alert}"
    ]
    assert escalated(database) == {alert: at}

    assert run_sweep(database, fake, at + timedelta(hours=5)) == 0  # once, however long
    assert len(escalations_to(fake, STAFF_CHAT)) == 1
    for text in [m["text"] for m in fake.bot_messages(STAFF_CHAT)]:
        assert "ESCALATION-MARKER" not in text and "hits" not in text and "die" not in text
        assert "pseudonym" not in text


def test_a_second_contact_hears_instead_of_the_staff_chat(
    database: Database, fake: FakeTelegram
) -> None:
    alert = new_alert(database)
    contact = {"after_minutes": 30, "second_contact": SECOND_CONTACT}
    assert run_sweep(database, fake, RAISED + timedelta(minutes=29), **contact) == 0
    assert run_sweep(database, fake, RAISED + timedelta(minutes=47), **contact) == 1
    [text] = escalations_to(fake, SECOND_CONTACT)
    assert text.startswith(f"Safeguarding alert {alert} has not been acknowledged for 47 minutes.")
    assert escalations_to(fake, STAFF_CHAT) == []


def test_acknowledged_actioned_and_closed_alerts_never_escalate(
    database: Database, fake: FakeTelegram
) -> None:
    ids = [new_alert(database) for _ in range(4)]
    with transaction(database.sessions) as session:
        for alert_id, status in zip(ids, ("acknowledged", "actioned", "closed"), strict=False):
            row = session.get(models.SafeguardingAlert, alert_id)
            assert row is not None
            set_alert_status(session, row, status, by="dsl@council.example", when=RAISED)
    assert run_sweep(database, fake, RAISED + timedelta(days=2)) == 1
    assert [alert for alert, at in escalated(database).items() if at] == [ids[3]]


def test_a_failed_send_is_tried_again_and_acknowledging_meanwhile_stops_it(
    database: Database, fake: FakeTelegram
) -> None:
    first, second = new_alert(database), new_alert(database, RAISED + timedelta(minutes=1))
    later = RAISED + timedelta(hours=2)
    fake.failing.add(STAFF_CHAT)
    assert run_sweep(database, fake, later) == 0
    assert escalated(database) == {first: None, second: None}
    fake.failing.clear()
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, second)
        assert row is not None
        set_alert_status(session, row, "acknowledged", by="dsl@council.example")
    assert run_sweep(database, fake, later) == 1
    assert escalated(database) == {first: later, second: None}
    assert len(escalations_to(fake, STAFF_CHAT)) == 1


def reopen(database: Database, alert_id: int, how: str, when: datetime) -> None:
    """Close the alert (as a lead who thought it done), then make it new again at `when`:
    by their reply to the lead, or by a late "yes, please" to someone getting in touch."""
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, alert_id)
        assert row is not None
        set_alert_status(session, row, "closed", by="dsl@council.example", note="seen to")
        if how == "reply":
            record_reply(session, row, "can u call me after school", when)
        else:
            record_contact(session, row, wanted=True, sealed="sealed-details", when=when)
        assert row.status == "new"


@pytest.mark.parametrize("how", ["reply", "contact"])
def test_a_reopened_alert_gets_its_routes_minutes_from_the_reopening_then_escalates_once(
    database: Database, fake: FakeTelegram, how: str
) -> None:
    """Raised in the afternoon, escalated, closed; reopened five hours later. Counting from
    when it was raised escalated it again at the very next sweep, saying it had waited
    five hours: its route gets its full hour from the reopening, then hears once."""
    alert = new_alert(database)
    assert run_sweep(database, fake, RAISED + timedelta(minutes=60)) == 1  # the first wait
    reopened = RAISED + timedelta(hours=5)
    reopen(database, alert, how, reopened)

    assert run_sweep(database, fake, reopened + timedelta(seconds=15)) == 0
    assert run_sweep(database, fake, reopened + timedelta(minutes=59, seconds=59)) == 0
    assert escalated(database) == {alert: None}
    assert len(escalations_to(fake, STAFF_CHAT)) == 1
    again = [m["text"] for m in fake.bot_messages(STAFF_CHAT) if "needs attention" in m["text"]]
    assert len(again) == 2 and "Reopened: 19:05 on 02 Jul 2026 (BST)" in again[1]

    at = reopened + timedelta(minutes=60)
    assert run_sweep(database, fake, at) == 1
    assert escalations_to(fake, STAFF_CHAT)[1] == (
        f"Safeguarding alert {alert} has not been acknowledged for 60 minutes.\n"
        "Urgent: please look now\nAbout: Physical abuse\nRoute: Safeguarding lead\n"
        "Raised: 14:05 on 02 Jul 2026 (BST)\nReopened: 19:05 on 02 Jul 2026 (BST)\n"
        "Please acknowledge it on the alert page once someone is on it.\n"
        f"{DASHBOARD}/staff/alerts/{alert}"
    )
    assert escalated(database) == {alert: at}
    assert run_sweep(database, fake, at + timedelta(hours=5)) == 0  # once, however long
    assert len(escalations_to(fake, STAFF_CHAT)) == 2


def test_a_reply_on_an_alert_nobody_acknowledged_does_not_put_off_its_escalation(
    database: Database, fake: FakeTelegram
) -> None:
    """A reply tells the route again, but a child writing more must not give an alert
    nobody has acknowledged longer: it is escalated an hour after it was raised."""
    alert = new_alert(database)
    assert run_sweep(database, fake, RAISED + timedelta(minutes=1)) == 0
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, alert)
        assert row is not None
        record_reply(session, row, "ok thx", RAISED + timedelta(minutes=50))
        assert (row.status, row.reopened_at) == ("new", None)
    assert run_sweep(database, fake, RAISED + timedelta(minutes=60)) == 1
    [text] = escalations_to(fake, STAFF_CHAT)
    assert text.startswith(f"Safeguarding alert {alert} has not been acknowledged for 60 minutes.")
    assert "Reopened" not in text


def test_escalations_due_and_claims(database: Database) -> None:
    old, recent = new_alert(database), new_alert(database, RAISED + timedelta(minutes=30))
    now = RAISED + timedelta(hours=1)
    with transaction(database.sessions) as session:
        due = escalations_due(session, RAISED + timedelta(minutes=10), now, LEASE)
        assert [(a.id, a.created_at) for a in due] == [(old, RAISED)]
        assert len(escalations_due(session, RAISED + timedelta(minutes=30), now, LEASE)) == 2
        # a claim is one conditional UPDATE, so two sweeps cannot both repeat an alert
        assert claim(session, ESCALATION, old, now, LEASE)
        assert not claim(session, ESCALATION, old, now, LEASE)
        later = RAISED + timedelta(days=1)
        assert [a.id for a in escalations_due(session, later, now, LEASE)] == [recent]
        # ... until the claim lapses: its sweep died before it could finish
        assert not claim(session, ESCALATION, old, now + LEASE, LEASE)
        assert claim(session, ESCALATION, old, now + LEASE + timedelta(seconds=1), LEASE)


def test_settings_and_the_scheduler_job(tmp_path: Path) -> None:
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

    # one sweep for notices and escalations, bot or no bot; no bot-only alert jobs
    assert "alert-notices" in ids() and "alert-notices" in ids(HEARD_TELEGRAM_TOKEN="1:abc")
    assert not {"staff-alerts", "alert-escalation"} & ids(
        HEARD_TELEGRAM_TOKEN="1:abc", HEARD_STAFF_CHAT_ID="-1", HEARD_ESCALATION_CHAT_ID="-2"
    )
    [spec] = [s for s in job_specs(defaults) if s.id == "alert-notices"]
    assert "interval[0:00:15]" in str(spec.trigger)


def test_the_scheduler_job_reads_settings_and_escalates_once(
    database: Database,
    settings: Settings,
    fake: FakeTelegram,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`heard.jobs:send_alert_notices` as `heard scheduler` runs it: settings from the
    environment, a bot token but no bot process."""
    waiting = new_alert(database, utcnow() - timedelta(minutes=20))
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
    from heard.jobs import send_alert_notices

    first = send_alert_notices()
    assert (first.notices, first.escalations) == (2, 1)
    again = send_alert_notices()
    assert (again.notices, again.escalations) == (0, 0)
    [text] = escalations_to(fake, SECOND_CONTACT)
    assert f"Safeguarding alert {waiting} has not been acknowledged for 20 minutes." in text
    assert text.endswith(f"{DASHBOARD}/staff/alerts/{waiting}")
    assert escalations_to(fake, STAFF_CHAT) == [] and len(fake.bot_messages(STAFF_CHAT)) == 2


def test_the_bot_only_alert_jobs_of_an_older_version_are_removed_from_the_job_store(
    tmp_path: Path,
) -> None:
    """A council upgrading keeps its job store: the old "staff-alerts" and
    "alert-escalation" jobs must not go on running beside the one sweep."""
    from apscheduler.triggers.interval import IntervalTrigger

    from heard.scheduling import build_scheduler, install_jobs
    from heard.wiring import open_database

    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    database = open_database(settings)
    try:
        old = build_scheduler(settings, database)
        old.start(paused=True)
        for job_id in ("staff-alerts", "alert-escalation"):
            old.add_job("heard.jobs:annotate_comments", IntervalTrigger(minutes=1), id=job_id)
        old.shutdown()
        new = build_scheduler(settings, database)
        new.start(paused=True)
        install_jobs(new, settings)
        ids = {job.id for job in new.get_jobs()}
        new.shutdown()
    finally:
        database.close()
    assert "alert-notices" in ids and not {"staff-alerts", "alert-escalation"} & ids
