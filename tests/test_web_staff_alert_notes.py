"""The note on an alert's status form: a long note is refused with its length beside the
box and kept there to shorten, never cut short without a word."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import test_web_staff_support as support
from flask.testing import FlaskClient
from test_web_staff_support import EMAILS, Seeded, csrf_token

from heard.wiring import Database
from storage.alert_history import REMOVED, entries, trimmed
from storage.alert_queue import get_alert
from storage.audit import audit_entries
from storage.db import transaction
from webforms.staff.forms import NOTE_MAX

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app


def _status(client: FlaskClient, alert_id: int, status: str, note: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/staff/alerts/{alert_id}/status",
        data={"status": status, "note": note, "csrf_token": csrf_token(client)},
    )


def _note_group(body: str) -> str:
    """The note's form group: its label, hint, any error and the box itself."""
    match = re.search(r'<div class="form-group[^"]*">\s*<label for="note">.*?</div>', body, re.S)
    assert match, "no note box"
    return match.group(0)


def test_the_note_box_has_no_maxlength_and_says_its_limit(
    clients: dict[str, FlaskClient], seeded: Seeded
) -> None:
    body = clients["safeguarding"].get(f"/staff/alerts/{seeded.alert_id}").get_data(as_text=True)
    group = _note_group(body)
    assert "maxlength" not in group  # a pasted note is never cut short silently
    assert "up to 2,000 characters" in group


def test_a_long_note_is_refused_beside_the_box_kept_whole_and_nothing_saved(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    client, alert_id = clients["safeguarding"], seeded.alert_id
    long_note = "Spoke to her carer. " * 500  # 10,000 characters
    refused = _status(client, alert_id, "actioned", long_note)
    assert refused.status_code == 400
    group = _note_group(refused.get_data(as_text=True))
    said = (
        "Notes can be up to 2,000 characters; this one is 9,999. Nothing has been saved "
        "yet; shorten it and save again."
    )  # 9,999: the space at its end is not kept
    assert said in group
    assert group.index(said) < group.index("<textarea")  # beside the box, before it
    assert long_note.strip() in group and "maxlength" not in group
    with transaction(database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None and alert.status == "new" and alert.note is None

    # Exactly the limit is fine (line breaks counted once, as the box counts them).
    just = "a\r\n" * (NOTE_MAX // 2 - 1) + "bb"
    assert _status(client, alert_id, "actioned", just).status_code == 302
    with transaction(database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None and alert.status == "actioned"


def test_a_progress_note_is_added_and_the_status_stays(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    client, alert_id = clients["safeguarding"], seeded.alert_id
    page = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    assert "status stays" not in page  # a new alert is acknowledged first
    assert _status(client, alert_id, "note", "rang her").status_code == 400
    assert _status(client, alert_id, "acknowledged", "").status_code == 302

    page = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    select = page.split('<select id="status"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option[^>]*value="([^"]+)"[^>]*>([^<]*)</option>', select)
    assert options[0] == ("note", "Add a note (status stays Acknowledged)")  # the default
    refused = _status(client, alert_id, "note", "  ")
    assert refused.status_code == 400 and "Write the note to add." in refused.get_data(as_text=True)
    added = _status(client, alert_id, "note", "Rang her social worker; visiting at 4.")
    assert added.status_code == 302
    shown = client.get(added.headers["Location"]).get_data(as_text=True)
    assert f"Your note is added to alert {alert_id}. It is still acknowledged." in shown
    assert "note: Rang her social worker; visiting at 4." in shown
    with transaction(database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None and alert.status == "acknowledged"
        [entry] = [e for e in entries(alert.note) if " · note: " in e.text]
        assert f" · {EMAILS['safeguarding']} · note: Rang her" in entry.text
        [noted] = audit_entries(session, "alert.note")
        assert noted.actor == EMAILS["safeguarding"] and noted.detail == {"status": "acknowledged"}
        # Retention keeps that a note was added, by whom and when; the words go.
        later = datetime.now(UTC) + timedelta(days=1)
        assert trimmed(entry.text, later, "Europe/London") == entry.text.split(": ", 1)[0] + (
            f": {REMOVED}"
        )

    assert _status(client, alert_id, "actioned", "Visited; safe.").status_code == 302
    page = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    assert "Add a note (status stays Actioned)" in page
