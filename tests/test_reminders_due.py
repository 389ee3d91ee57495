"""Who is due a reminder: each person's own gap, decided in the query, and every page read.

Before issue 13, the query cut at 500 people by last activity and only then dropped
those not yet due, so 600 monthly people ahead of 100 weekly people who were due
meant no reminders at all, sweep after sweep.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from heard.wiring import Database
from storage import models
from storage.db import transaction
from storage.reminders import due_for_reminder

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def people(
    database: Database,
    count: int,
    *,
    every_days: int,
    active_days_ago: float,
    start: int,
    cohort: str = "care_leaver",
    age_band: str = "16-25",
) -> None:
    """`count` opted-in people with a chat address, last active `active_days_ago` days ago."""
    when = NOW - timedelta(days=active_days_ago)
    with transaction(database.sessions) as session:
        respondents = [
            {
                "pseudonym": f"p{start + i:06d}",
                "channel": "telegram",
                "cohort": cohort,
                "age_band": age_band,
                "reminders_enabled": True,
                "reminder_every_days": every_days,
                "last_active_at": when + timedelta(seconds=i),
                "created_at": when,
            }
            for i in range(count)
        ]
        session.execute(models.Respondent.__table__.insert(), respondents)
        ids = session.scalars(
            models.Respondent.__table__.select()
            .with_only_columns(models.Respondent.id)
            .where(models.Respondent.pseudonym.in_([r["pseudonym"] for r in respondents]))
        ).all()
        session.execute(
            models.ChatAddress.__table__.insert(),
            [
                {"respondent_id": i, "channel": "telegram", "address": "sealed", "updated_at": NOW}
                for i in ids
            ],
        )


@pytest.mark.parametrize("ahead", [600, 450])
def test_people_not_yet_due_never_crowd_out_those_who_are(database: Database, ahead: int) -> None:
    # Monthly people active 20 days ago (not due), all less recently active than the
    # weekly people active 8 days ago (due), so they come first by last activity.
    people(database, ahead, every_days=30, active_days_ago=20, start=0)
    people(database, 100, every_days=7, active_days_ago=8, start=10_000)
    with transaction(database.sessions) as session:
        due = due_for_reminder(session, NOW)
    assert len(due) == 100
    assert all(person.pseudonym.startswith("p01") for person in due)


def test_one_sweep_reaches_everyone_due_across_pages(database: Database) -> None:
    people(database, 1_234, every_days=7, active_days_ago=9, start=0)
    people(database, 50, every_days=14, active_days_ago=9, start=5_000)  # not due yet
    with transaction(database.sessions) as session:
        due = due_for_reminder(session, NOW, page=500)
    assert len(due) == 1_234
    assert len({person.respondent_id for person in due}) == 1_234


def test_due_exactly_at_the_gap_and_not_a_second_before(database: Database) -> None:
    people(database, 1, every_days=7, active_days_ago=7, start=0)
    people(database, 1, every_days=7, active_days_ago=7 - 1 / 86_400, start=1)
    with transaction(database.sessions) as session:
        due = due_for_reminder(session, NOW)
    assert [person.pseudonym for person in due] == ["p000000"]


def test_nobody_due_when_nobody_wants_reminders(database: Database) -> None:
    with transaction(database.sessions) as session:
        assert due_for_reminder(session, NOW) == []
    people(database, 3, every_days=0, active_days_ago=400, start=0)
    with transaction(database.sessions) as session:
        assert due_for_reminder(session, NOW) == []


def test_nobody_enrolled_under_16_before_the_bot_asked_is_nudged_on_telegram(
    database: Database,
) -> None:
    """Telegram is for 16 and over: children the bot enrolled as 4-7 or 8-11 before it
    asked "16 or 17?" are never reminded there; 11-17 (asked since) and care leavers are."""
    for start, band in enumerate(("4-7", "8-11", "11-17")):
        people(
            database,
            1,
            every_days=7,
            active_days_ago=30,
            start=start,
            cohort="child_in_care",
            age_band=band,
        )
    people(database, 1, every_days=7, active_days_ago=30, start=3)
    with transaction(database.sessions) as session:
        due = due_for_reminder(session, NOW)
    assert sorted((person.cohort, person.age_band) for person in due) == [
        ("care_leaver", "16-25"),
        ("child_in_care", "11-17"),
    ]
