"""Retention of an alert's history: the words go on the alert's own schedule, the record
of what was done (when, who, which action) stays, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.settings import Settings
from heard.wiring import Database
from storage import models
from storage.alert_history import REMOVED, entries, line
from storage.alerts import (
    add_history,
    assign_alert,
    lead_messaged,
    raise_alert,
    record_contact,
    record_reply,
    set_alert_status,
)
from storage.audit import audit_entries
from storage.db import transaction
from storage.retention import apply_retention

LONDON = "Europe/London"
RAISED = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
CUT = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)  # 13:00 BST
MINUTE = timedelta(minutes=1)


def _line(when: datetime, who: str, action: str, words: str = "") -> str:
    """A history line as the staff pages write it (webforms/staff/alerts.py)."""
    return line(when, LONDON, who, action, words)


def _alert(
    session: Session, pseudonym: str = "child", when: datetime = RAISED
) -> models.SafeguardingAlert:
    return raise_alert(
        session,
        pseudonym=pseudonym,
        text=f"words of {pseudonym}",
        category="unsafe_home",
        level="concern",
        channel="telegram",
        cohort="child_in_care",
        age_band="11-17",
        when=when,
    )


def _close(session: Session, alert: models.SafeguardingAlert, when: datetime, words: str) -> None:
    set_alert_status(
        session,
        alert,
        "closed",
        by="lead@council",
        note=_line(when, "lead@council", "closed", words),
        when=when,
    )


def _message(session: Session, alert: models.SafeguardingAlert, when: datetime, words: str) -> None:
    """The lead's message in Telegram, as webforms/staff/alert_message.py records it."""
    add_history(
        session,
        alert,
        _line(when, "lead@council", "messaged them in Telegram", f"\u201c{words}\u201d"),
    )
    lead_messaged(session, alert, when)


def _history(database: Database, alert_id: int) -> list[str]:
    with transaction(database.sessions) as session:
        alert = session.get(models.SafeguardingAlert, alert_id)
        assert alert is not None
        return [entry.text for entry in entries(alert.note)]


def _retain(database: Database, cut: datetime = CUT) -> dict[str, int]:
    with transaction(database.sessions) as session:
        return apply_retention(session, cut, timezone=LONDON)


def test_words_in_the_history_go_and_the_record_of_what_was_done_stays(database: Database) -> None:
    with transaction(database.sessions) as session:
        alert = _alert(session)
        staff = models.StaffUser(email="deputy@council", password_hash="x", role="safeguarding")
        session.add(staff)
        session.flush()
        set_alert_status(
            session,
            alert,
            "acknowledged",
            by="lead@council",
            note=_line(
                RAISED + MINUTE, "lead@council", "acknowledged", "she says her carer's son shouts"
            ),
        )
        assign_alert(
            session,
            alert,
            staff,
            note=_line(RAISED + 2 * MINUTE, "lead@council", "assigned to deputy@council"),
        )
        record_contact(session, alert, wanted=True, sealed="sealed", when=RAISED + 3 * MINUTE)
        _message(
            session, alert, RAISED + 4 * MINUTE, "Hi, this is Sam. Is Jade still at 4 Elm Road?"
        )
        record_reply(
            session, alert, "yes but he\nis there tonight", RAISED + 5 * MINUTE, timezone=LONDON
        )
        _close(session, alert, RAISED + 6 * MINUTE, "visited.\nJade says\n  she feels safer")
        alert_id = alert.id
    before = _history(database, alert_id)
    assert len(before) == 5 and "Elm Road" in before[2] and "Jade says" in before[4]

    counts = _retain(database)

    assert counts == {
        "comments": 0,
        "text_answers": 0,
        "alerts": 1,
        "alert_contacts": 1,
        "alert_histories": 1,
    }
    assert _history(database, alert_id) == [
        f"10 Jan 2024, 09:01 GMT · lead@council · acknowledged: {REMOVED}",
        "10 Jan 2024, 09:02 GMT · lead@council · assigned to deputy@council",
        f"10 Jan 2024, 09:04 GMT · lead@council · messaged them in Telegram: {REMOVED}",
        f"10 Jan 2024, 09:05 GMT · the young person · reply from the young person: {REMOVED}",
        f"10 Jan 2024, 09:06 GMT · lead@council · closed: {REMOVED}",
    ]
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, alert_id)
        assert row is not None and row.status == "closed" and row.text is None
        assert row.closed_by == "lead@council" and row.assigned_to is not None
        detail = audit_entries(session, "retention")[0].detail
        assert detail["alert_histories"] == 1 and "Jade" not in json.dumps(detail)
    # Run again (the job runs every night): nothing more changes.
    assert _retain(database)["alert_histories"] == 0
    assert _history(database, alert_id)[0].endswith(REMOVED)


def test_the_cut_off_to_the_minute_in_the_councils_time(database: Database) -> None:
    """A line from the minute before the cut-off goes; one from the cut-off's own minute
    (it may have been written just after it) stays. Times are in GMT or BST as written."""
    with transaction(database.sessions) as session:
        alert = _alert(session)
        _message(session, alert, CUT - MINUTE, "just before")
        record_reply(session, alert, "reply just before", CUT - MINUTE, timezone=LONDON)
        record_reply(session, alert, "reply at the cut-off", CUT, timezone=LONDON)
        _close(session, alert, CUT + MINUTE, "closed just after")
        alert_id = alert.id

    assert _retain(database)["alert_histories"] == 1

    assert _history(database, alert_id) == [
        f"01 Jun 2024, 12:59 BST · lead@council · messaged them in Telegram: {REMOVED}",
        f"01 Jun 2024, 12:59 BST · the young person · reply from the young person: {REMOVED}",
        "01 Jun 2024, 13:00 BST · the young person · reply from the young person: "
        "\u201creply at the cut-off\u201d",
        "01 Jun 2024, 13:01 BST · lead@council · closed: closed just after",
    ]


def test_the_hour_the_clocks_go_back_is_told_apart_by_its_zone(database: Database) -> None:
    """01:30 happens twice on 27 Oct 2024 in London: 01:30 BST is 00:30 UTC, 01:30 GMT is
    01:30 UTC. With the cut-off at 01:00 UTC, only the first is old enough."""
    cut = datetime(2024, 10, 27, 1, 0, tzinfo=UTC)
    with transaction(database.sessions) as session:
        alert = _alert(session)
        record_reply(
            session, alert, "in BST", datetime(2024, 10, 27, 0, 30, tzinfo=UTC), timezone=LONDON
        )
        record_reply(
            session, alert, "in GMT", datetime(2024, 10, 27, 1, 30, tzinfo=UTC), timezone=LONDON
        )
        _close(session, alert, datetime(2024, 10, 27, 1, 40, tzinfo=UTC), "done")
        alert_id = alert.id
    _retain(database, cut)
    first, second, _ = _history(database, alert_id)
    assert first.startswith("27 Oct 2024, 01:30 BST") and first.endswith(REMOVED)
    assert second.startswith("27 Oct 2024, 01:30 GMT") and "in GMT" in second


def test_an_alert_raised_at_the_cut_off_or_still_open_keeps_every_word(database: Database) -> None:
    with transaction(database.sessions) as session:
        at_cut = _alert(session, "at-cut", when=CUT)
        _message(session, at_cut, CUT, "hello")
        _close(session, at_cut, CUT + MINUTE, "fine")
        just_before = _alert(session, "just-before", when=CUT - timedelta(seconds=1))
        _close(session, just_before, CUT - timedelta(seconds=1), "old words")
        opened = {}
        for status in ("new", "acknowledged"):
            alert = _alert(session, status)
            record_contact(session, alert, wanted=True, sealed=f"sealed {status}", when=RAISED)
            record_reply(session, alert, f"still {status}", RAISED + MINUTE, timezone=LONDON)
            if status != "new":
                set_alert_status(
                    session,
                    alert,
                    status,
                    by="lead@council",
                    note=_line(RAISED + 2 * MINUTE, "lead@council", status, "a note"),
                )
            opened[status] = alert.id
        ids = {"at_cut": at_cut.id, "just_before": just_before.id}

    before = {name: _history(database, i) for name, i in (ids | opened).items()}
    counts = _retain(database)

    assert counts["alerts"] == 1 and counts["alert_histories"] == 1
    assert counts["alert_contacts"] == 0  # open alerts keep how to reach them
    after = {name: _history(database, i) for name, i in (ids | opened).items()}
    assert after["just_before"] == [f"01 Jun 2024, 12:59 BST · lead@council · closed: {REMOVED}"]
    for name in ("at_cut", "new", "acknowledged"):
        assert after[name] == before[name], name
    with transaction(database.sessions) as session:
        query = select(models.SafeguardingAlert.pseudonym, models.SafeguardingAlert.text)
        texts = {pseudonym: text for pseudonym, text in session.execute(query)}
        sealed = set(session.scalars(select(models.SafeguardingAlert.contact_sealed)))
    assert sealed == {None, "sealed new", "sealed acknowledged"}
    assert texts == {
        "at-cut": "words of at-cut",
        "just-before": None,
        "new": "words of new",
        "acknowledged": "words of acknowledged",
    }


def test_an_alert_reopened_by_a_late_reply_keeps_its_words_until_closed_again(
    database: Database,
) -> None:
    """Closed long ago, then the lead writes and the young person answers: the reply
    reopens it, so nothing of it is trimmed; once closed again, only lines older than
    the cut-off lose their words, and the fresh conversation stays."""
    late = CUT + timedelta(days=1)
    with transaction(database.sessions) as session:
        alert = _alert(session)
        _close(session, alert, RAISED + timedelta(days=2), "placed with aunt")
        _message(session, alert, late, "Hi, it's Sam again, how are things?")
        record_reply(session, alert, "not good, can u call", late + MINUTE, timezone=LONDON)
        alert_id = alert.id
    assert _history(database, alert_id)[-1].endswith(
        "reopened because they replied after it was closed"
    )

    assert _retain(database)["alert_histories"] == 0  # it is new again: open
    reopened = _history(database, alert_id)
    assert "placed with aunt" in reopened[0] and "can u call" in reopened[2]
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, alert_id)
        assert row is not None and row.status == "new" and row.text == "words of child"
        _close(session, row, late + 2 * MINUTE, "called her, she is at her aunt's")

    assert _retain(database)["alert_histories"] == 1
    assert _history(database, alert_id) == [
        f"12 Jan 2024, 09:00 GMT · lead@council · closed: {REMOVED}",
        *reopened[1:],
        "02 Jun 2024, 13:02 BST · lead@council · closed: called her, she is at her aunt's",
    ]
    # Heard's own line (no one's words) is kept whole.
    assert reopened[3] == (
        "02 Jun 2024, 13:01 BST · Heard · new: reopened because they replied after it was closed"
    )


def test_nothing_else_is_trimmed(database: Database) -> None:
    """Heard's own lines, lines already trimmed, an assignment, a line it cannot read as
    an entry; how to reach them goes as their words do (by when it was given), while that
    they asked, and when, who closed it and when, stay."""
    heard_line = (
        "10 Jan 2024, 09:03 UTC · Heard · get in touch: not asked again; their answer for "
        "alert 7 within the last day (yes, please) stands"
    )
    with transaction(database.sessions) as session:
        alert = _alert(session)
        record_contact(session, alert, wanted=True, sealed="sealed-before", when=RAISED)
        add_history(session, alert, heard_line)
        add_history(
            session, alert, f"10 Jan 2024, 09:04 GMT · lead@council · acknowledged: {REMOVED}"
        )
        _close(session, alert, RAISED + MINUTE, "ok")
        late = _alert(session, "late")
        record_contact(session, late, wanted=True, sealed="sealed-at-cut", when=CUT)
        _close(session, late, CUT + MINUTE, "ok")
        odd = _alert(session, "odd")
        odd.note = "typed before the history had times\nsecond line"
        set_alert_status(session, odd, "actioned", by="lead@council", when=RAISED)
        ids = (alert.id, late.id, odd.id)
    counts = _retain(database)
    assert counts["alert_contacts"] == 1 and counts["alert_histories"] == 2
    assert _history(database, ids[0]) == [
        heard_line,
        f"10 Jan 2024, 09:04 GMT · lead@council · acknowledged: {REMOVED}",
        f"10 Jan 2024, 09:01 GMT · lead@council · closed: {REMOVED}",
    ]
    assert _history(database, ids[2]) == [REMOVED]  # words nobody can date go with the alert's
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, ids[0])
        assert row is not None and row.contact_sealed is None
        assert row.contact_wanted is True and row.contact_answered_at == RAISED
        assert row.contact_removed_at is not None  # the alert page says when they went
        assert row.closed_by == "lead@council" and row.closed_at == RAISED + MINUTE
        given_at_cut = session.get(models.SafeguardingAlert, ids[1])
        assert given_at_cut is not None and given_at_cut.contact_sealed == "sealed-at-cut"
        assert given_at_cut.contact_removed_at is None
        assert given_at_cut.text is None  # raised before the cut-off: its own words go
        # A later answer is their new answer: nothing of it has been removed.
        record_contact(session, row, wanted=True, sealed="sealed-again", when=CUT)
        assert row.contact_removed_at is None and row.status == "new"


def test_export_lists_the_history_and_erasure_keeps_it_with_the_alert(
    database: Database, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """Subject access shows the alert's history as held (their replies among it) before
    and after retention, and after the rest of the person is erased."""
    from heard.privacy_command import run_erase, run_export
    from surveys.people import People

    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = people.pseudonym("telegram", 42)
    people.set_profile(pseudonym, "telegram", cohort="care_leaver", age_band="16-25")
    with transaction(database.sessions) as session:
        alert = _alert(session, pseudonym)
        _message(session, alert, RAISED + MINUTE, "Hi, this is Sam")
        record_reply(session, alert, "thanks sam", RAISED + 2 * MINUTE, timezone=LONDON)
        _close(session, alert, RAISED + 3 * MINUTE, "spoke to her PA")

    def export() -> dict[str, Any]:
        capsys.readouterr()
        run_export(argparse.Namespace(respondent=pseudonym), settings)
        return json.loads(capsys.readouterr().out)

    [record] = export()["safeguarding_records"]
    assert record["history"][1].endswith("reply from the young person: \u201cthanks sam\u201d")
    assert len(record["history"]) == 3

    assert run_erase(argparse.Namespace(respondent=pseudonym, yes=True), settings) == 0
    kept = export()
    assert "erased" in kept
    [record] = kept["safeguarding_records"]
    assert "thanks sam" in record["history"][1]  # kept with the alert, by law

    _retain(database)
    [record] = export()["safeguarding_records"]
    assert record["your_words"] is None and record["words_removed"]
    assert record["history"] == [
        f"10 Jan 2024, 09:01 GMT · lead@council · messaged them in Telegram: {REMOVED}",
        f"10 Jan 2024, 09:02 GMT · the young person · reply from the young person: {REMOVED}",
        f"10 Jan 2024, 09:03 GMT · lead@council · closed: {REMOVED}",
    ]


def test_the_nightly_job_trims_histories_by_the_councils_settings(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """heard.jobs.nightly_maintenance: HEARD_RETENTION_MONTHS (30-day months) and
    HEARD_TIMEZONE, from the council's settings."""
    from heard.jobs import nightly_maintenance

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    cut = now - timedelta(days=30 * 6)
    with transaction(database.sessions) as session:
        alert = _alert(session, when=cut - timedelta(days=3))
        record_reply(session, alert, "older", cut - timedelta(days=1), timezone="America/New_York")
        record_reply(session, alert, "newer", cut + timedelta(days=1), timezone="America/New_York")
        _close(session, alert, cut + timedelta(days=2), "done")
        alert_id = alert.id
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("HEARD_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HEARD_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HEARD_RETENTION_MONTHS", "6")
    monkeypatch.setenv("HEARD_TIMEZONE", "America/New_York")

    counts = nightly_maintenance(str(settings.data_dir))

    assert counts["alert_histories"] == 1 and counts["alerts"] == 1
    older, newer, closed = _history(database, alert_id)
    assert older.endswith(f"reply from the young person: {REMOVED}")
    assert newer.endswith("\u201cnewer\u201d") and closed.endswith("closed: done")
