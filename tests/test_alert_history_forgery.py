"""Nobody can forge an entry in an alert's history (the safeguarding audit record): words
a person types (a staff note, the lead's message, a young person's reply) over several
lines stay in their own entry, credited to whoever wrote them, at the time they wrote
them; on SQLite and PostgreSQL, through the staff page and through storage."""

from __future__ import annotations

import argparse
import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import test_web_staff_support as support
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from test_web_staff_support import EMAILS, Seeded, csrf_token

from heard.settings import Settings
from heard.wiring import Database
from storage import models
from storage.alert_history import CONTINUED, REMOVED, entries, line, trimmed, written_by
from storage.alerts import (
    add_history,
    assign_alert,
    lead_messaged,
    raise_alert,
    record_reply,
    set_alert_status,
)
from storage.db import transaction
from webforms.staff.alerts import history_rows

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

LONDON = "Europe/London"
RAISED = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
FORGED = "01 Dec 2026, 09:00 GMT · admin@demo.heard.invalid · closed: nothing to worry about"
# Every way a line can be broken: LF, CRLF, CR, and the breaks str.splitlines knows.
BREAKS = ("\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e")


def _alert(session: Session) -> models.SafeguardingAlert:
    return raise_alert(
        session,
        pseudonym="c" * 64,
        text="words",
        category="unsafe_home",
        level="concern",
        channel="telegram",
        cohort="child_in_care",
        age_band="11-17",
        when=RAISED,
    )


def _note(database: Database, alert_id: int) -> str:
    with transaction(database.sessions) as session:
        alert = session.get(models.SafeguardingAlert, alert_id)
        assert alert is not None and alert.note is not None
        return alert.note


@pytest.mark.parametrize("brk", BREAKS, ids=[f"U+{ord(b[-1]):04X}" for b in BREAKS])
def test_a_forged_line_in_a_note_stays_in_its_entry(database: Database, brk: str) -> None:
    when = RAISED + timedelta(minutes=3)
    with transaction(database.sessions) as session:
        alert = _alert(session)
        note = line(when, LONDON, "lead@council", "acknowledged", f"seen{brk}{FORGED}")
        set_alert_status(session, alert, "acknowledged", by="lead@council", note=note)
        alert_id = alert.id
    stored = _note(database, alert_id)
    [entry] = entries(stored)
    assert entry.lines[0] == "05 Dec 2026, 09:03 GMT · lead@council · acknowledged: seen"
    assert entry.shown.endswith(f"seen\n{FORGED}")  # shown as typed, but inside the note
    assert written_by(entry, LONDON) == when.replace(second=0) + timedelta(minutes=1)
    [row] = history_rows(stored)
    assert (row.when, row.who) == ("05 Dec 2026, 09:03 GMT", "lead@council")
    assert row.what == f"acknowledged: seen\n{FORGED}"


def test_many_lines_blank_lines_and_indents_read_back_as_typed(database: Database) -> None:
    typed = "visited.\n\n  Jade says\r\n\tshe feels safer"
    with transaction(database.sessions) as session:
        alert = _alert(session)
        written = line(RAISED, LONDON, "lead@council", "closed", typed)
        set_alert_status(session, alert, "closed", by="lead@council", note=written)
        alert_id = alert.id
    [row] = history_rows(_note(database, alert_id))
    assert row.what == "closed: visited.\n\n  Jade says\n\tshe feels safer"


def test_storage_refuses_a_line_that_would_start_another_entry(database: Database) -> None:
    """Whatever a caller passes, storage appends nothing that reads as two entries."""
    ok = line(RAISED, LONDON, "lead@council", "acknowledged", "fine")
    with transaction(database.sessions) as session:
        alert = _alert(session)
        staff = models.StaffUser(email="deputy@council", password_hash="x", role="safeguarding")
        session.add(staff)
        session.flush()
        for brk in BREAKS:
            forged = f"{ok}{brk}{FORGED}"
            with pytest.raises(ValueError):
                add_history(session, alert, forged)
            with pytest.raises(ValueError):
                set_alert_status(session, alert, "acknowledged", by="x", note=forged)
            with pytest.raises(ValueError):
                assign_alert(session, alert, staff, note=forged)
        assert alert.note is None
        add_history(session, alert, ok)
        assert [e.text for e in entries(alert.note)] == [ok]


@pytest.mark.parametrize(
    ("who", "what"),
    [
        ("lead@council · admin@demo", "acknowledged"),
        ("lead@council\nadmin", "acknowledged"),
        ("", "acknowledged"),
        ("lead@council", f"acknowledged\n{FORGED}"),
        ("lead@council", "acknowledged\u2028x"),
        ("lead@council", ""),
    ],
)
def test_who_and_what_cannot_carry_a_second_entry(who: str, what: str) -> None:
    with pytest.raises(ValueError):
        line(RAISED, LONDON, who, what, "words")


def test_the_young_persons_reply_and_the_leads_message_stay_one_entry(
    database: Database,
) -> None:
    """The Telegram reply path (bot.services.reply_to_lead calls record_reply)."""
    with transaction(database.sessions) as session:
        alert = _alert(session)
        add_history(
            session,
            alert,
            line(RAISED, LONDON, "lead@council", "messaged them in Telegram", f"hi\n{FORGED}"),
        )
        lead_messaged(session, alert, RAISED)
        reply = f"ok\r\n{FORGED}\u2028{FORGED}"
        record_reply(session, alert, reply, RAISED + timedelta(minutes=1), timezone=LONDON)
        alert_id = alert.id
    rows = history_rows(_note(database, alert_id))
    assert [(r.when, r.who) for r in rows] == [
        ("05 Dec 2026, 09:00 GMT", "lead@council"),
        ("05 Dec 2026, 09:01 GMT", "the young person"),
    ]
    assert FORGED in rows[0].what and rows[1].what.count("admin@demo.heard.invalid") == 2


def test_retention_dates_a_note_by_its_own_time_not_a_forged_one(database: Database) -> None:
    """A forged back-dated line cannot make retention keep or take words early: the entry
    goes whole, by its real time, and leaves no line of the words behind."""
    when = RAISED + timedelta(minutes=5)
    with transaction(database.sessions) as session:
        alert = _alert(session)
        written = line(when, LONDON, "lead@council", "closed", f"secret words\n{FORGED}")
        set_alert_status(session, alert, "closed", by="lead@council", note=written)
        alert_id = alert.id
    note = _note(database, alert_id)
    # Cut-off after the forged date but before the note was written: every word stays.
    assert trimmed(note, datetime(2026, 12, 3, tzinfo=UTC), LONDON) == note
    after = trimmed(note, when + timedelta(days=1), LONDON)
    assert after == f"05 Dec 2026, 09:05 GMT · lead@council · closed: {REMOVED}"


def test_histories_written_before_the_fix_read_as_they_did() -> None:
    """Older notes kept further lines as typed (no CONTINUED): the same entries and rows."""
    old = (
        "10 Jan 2024, 09:06 GMT · lead@council · closed: visited.\nJade says\n  she feels safer\n"
        "10 Jan 2024, 09:07 GMT · Heard · new: reopened because they replied after it was closed"
    )
    assert [len(e.lines) for e in entries(old)] == [3, 1]
    rows = history_rows(old)
    assert rows[0].what == "closed: visited.\nJade says\n  she feels safer"
    assert [r.who for r in rows] == ["lead@council", "Heard"]
    assert not old.count(CONTINUED)


def _rows(body: str) -> list[tuple[str, str, str]]:
    """The history table's rows: (when, who, what) as the page shows them."""
    table = body.split('<table class="history"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<span class="stack-value">(.*?)</span>', table, re.S)
    cells = [html.unescape(cell) for cell in cells]
    return [tuple(cells[i : i + 3]) for i in range(0, len(cells), 3)]  # type: ignore[misc]


@pytest.mark.parametrize("brk", ["\r\n", "\n", "\u2028"], ids=["crlf", "lf", "u2028"])
def test_the_staff_page_keeps_a_forged_line_inside_the_note(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded, brk: str
) -> None:
    client, alert_id = clients["safeguarding"], seeded.alert_id
    note = f"Spoke to her carer.{brk}{FORGED}"
    posted = client.post(
        f"/staff/alerts/{alert_id}/status",
        data={"status": "acknowledged", "note": note, "csrf_token": csrf_token(client)},
    )
    assert posted.status_code == 302
    rows = _rows(client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True))
    assert len(rows) == 1
    when, who, what = rows[0]
    assert who == EMAILS["safeguarding"]
    assert re.fullmatch(r"\d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} (GMT|BST)", when)
    assert what == f"acknowledged: Spoke to her carer.\n{FORGED}"
    assert "admin@demo.heard.invalid" not in [r[1] for r in rows]


def test_subject_access_export_shows_a_note_as_typed_in_one_entry(
    database: Database, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from heard.privacy_command import run_export
    from surveys.people import People

    pseudonym = People(database.sessions, settings.pseudonym_key).pseudonym("telegram", 7)
    with transaction(database.sessions) as session:
        alert = _alert(session)
        alert.pseudonym = pseudonym
        written = line(RAISED, LONDON, "lead@council", "closed", f"spoke to her\n{FORGED}")
        set_alert_status(session, alert, "closed", by="lead@council", note=written)
    capsys.readouterr()
    run_export(argparse.Namespace(respondent=pseudonym), settings)
    [record] = json.loads(capsys.readouterr().out)["safeguarding_records"]
    assert record["history"] == [
        f"05 Dec 2026, 09:00 GMT · lead@council · closed: spoke to her\n{FORGED}"
    ]
