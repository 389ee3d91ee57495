"""A safeguarding lead's alert, from a child's words to "actioned", on a phone, JS on and off.

A 13-year-old in care, part way into a check-in, types that her stepdad hits her.
The real engine raises an alert, and the scheduler's job emails Sam, the council's
safeguarding lead, whose address is the lead's route (a real SMTP server on loopback):
the email has the alert's number, level, category and a link, never the child's words.
Sam opens the link on her phone, signs in, lands on the alert, reads the child's own
words and who wrote them, assigns it to herself, acknowledges it with a note, later
marks it actioned with another (after being asked for the note she forgot), finds it
among the actioned alerts, and filters the queue to the alerts assigned to her.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import journey_support
import pytest
from alert_support import SENDER, smtp_server
from browser_support import LiveServer, axe_violations, describe_violations, serve
from journey_support import add_staff_account, assert_sees, scroll_to, sign_in, snap

from notices.categories import CATEGORY_WORDS
from storage.alert_queue import get_alert
from storage.db import transaction

javascript = journey_support.javascript
journey_page = journey_support.journey_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def live_server(tmp_path: Path, database_url: str) -> Iterator[LiveServer]:
    """The real app served by waitress, as browser_support's, but on SQLite and on
    PostgreSQL: the sweep's claims are conditional UPDATEs, so both are walked."""
    yield from serve(tmp_path, database_url)


EMAIL = "sam.safeguarding@council.example"
PASSWORD = "a long sentence for Sam's password"
WORDS = "my stepdad hits me when mum is at work"
FIRST_NOTE = "Rang her social worker, who is visiting this afternoon."
SECOND_NOTE = "Visited: she is staying with her nan tonight. Strategy meeting tomorrow."


def test_a_safeguarding_lead_acknowledges_and_actions_a_childs_alert(
    live_server: Any,
    journey_page: Any,
    javascript: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = journey_page
    alert_id = a_child_tells_heard(live_server)
    with transaction(live_server.database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None and alert.category in ("abuse_physical", "domestic_abuse")
        about, level = CATEGORY_WORDS[alert.category], alert.level.capitalize()
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)

    # Within a minute the scheduler's job emails the lead's route: Sam. No words in it.
    with smtp_server() as mail:
        the_scheduler_sweeps(live_server, mail.url(), tmp_path, monkeypatch)
    [email] = mail.mailbox.messages()
    assert email.rcpt_tos == [EMAIL] and email.alert_id == alert_id
    assert (
        email.subject
        == f"Heard: {'urgent ' if level == 'Urgent' else ''}safeguarding alert {alert_id}"
    )
    assert f"About:   {about}" in email.body and "Route:   Safeguarding lead" in email.body
    assert WORDS not in email.message.as_string() and "stepdad" not in email.body
    link = re.search(r"Open it \(sign-in needed\): (\S+)", email.body)
    assert link and link.group(1) == f"{live_server.url}/staff/alerts/{alert_id}"

    # Sam taps the link on her phone: the sign-in page, then straight to the alert.
    page.goto(link.group(1))
    assert_sees(page, "Sign in")
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    assert page.url.endswith(f"/staff/alerts/{alert_id}")
    assert_sees(page, f"Alert {alert_id}: {about}", "New", "What they wrote", WORDS)
    snap(page, "lead-01-alert-from-email", javascript=javascript)
    scroll_to(page, "dl.facts")
    assert_sees(page, "Route Safeguarding lead", "Assigned to Nobody yet")
    assert_sees(page, "Who A child in care, aged 11 to 17", "Where Web form")
    assert_sees(page, "Notice to its route Sent by email on", "never the child's words")

    # She takes it: assigned to herself.
    scroll_to(page, "h2:has-text('Who is looking after it')")
    page.select_option("#assignee", label=f"Me ({EMAIL})")
    with page.expect_navigation():
        page.click("button:has-text('Assign')")
    assert page.url.endswith(f"/staff/alerts/{alert_id}")
    assert_sees(page, f"Alert {alert_id} is now assigned to {EMAIL}.")
    scroll_to(page, "dl.facts")
    assert_sees(page, f"Assigned to {EMAIL}")
    scroll_to(page, "h2:has-text('History and notes')")
    assert_sees(page, "When", f"Who {EMAIL} What assigned to {EMAIL}")  # the history table
    snap(page, "lead-02-assigned", javascript=javascript)
    accessible(page, javascript)

    # The queue shows it at the top, in the child's words, with its route and assignee.
    with page.expect_navigation():
        page.click("a:has-text('Back to the alerts queue')")
    assert_sees(page, "Alerts 1 new", "Safeguarding alerts", "in an emergency call 999")
    scroll_to(page, "#table-alerts-caption")
    assert_sees(page, "1 alert, new first, urgent first, oldest first", "Their words")
    assert_sees(page, f"{level} New Their words {WORDS}")  # how urgent, where it stands, her words
    assert_sees(page, "Notice to its route: Sent by email on")
    snap(page, "lead-03-queue-row", javascript=javascript)
    accessible(page, javascript)
    with page.expect_navigation():
        page.click(f"a:has-text('Open alert {alert_id}')")
    scroll_to(page, "h2:has-text('History and notes')")
    assert_sees(page, "History and notes")

    # She acknowledges it, with a note of what she has done.
    page.select_option("#status", label="Acknowledged: someone is on it")
    page.fill("#note", FIRST_NOTE)
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    assert_sees(page, f"Alert {alert_id} is now acknowledged.", "Acknowledged: someone is on it")
    scroll_to(page, "dl.facts")
    assert_sees(page, f"Acknowledged {_today(page)}", f"by {EMAIL}")
    scroll_to(page, "h2:has-text('History and notes')")
    assert_sees(page, f"Who {EMAIL} What acknowledged: {FIRST_NOTE}")
    snap(page, "lead-04-acknowledged", javascript=javascript)

    # Later she marks it actioned, but forgets the note; the page asks for it (sent back
    # with 400, which the browser notes as a failed load: the only message it logs).
    assert page.console_errors == []
    page.select_option("#status", label="Actioned: something has been done")
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    scroll_to(page, ".error-summary")
    assert_sees(page, "There is a problem", "Say what was done, or why it is closed.")
    snap(page, "lead-05-note-needed", javascript=javascript)
    assert [e for e in page.console_errors if "status of 400" not in e] == []
    page.console_errors.clear()
    page.select_option("#status", label="Actioned: something has been done")
    page.fill("#note", SECOND_NOTE)
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    assert_sees(page, f"Alert {alert_id} is now actioned.", "Actioned: something has been done")
    scroll_to(page, "h2:has-text('History and notes')")
    assert_sees(page, f"acknowledged: {FIRST_NOTE}", f"Who {EMAIL} What actioned: {SECOND_NOTE}")
    snap(page, "lead-06-actioned", javascript=javascript)

    # The queue has nothing waiting; the alert is with the actioned ones.
    with page.expect_navigation():
        page.click("a:has-text('Back to the alerts queue')")
    scroll_to(page, "#table-alerts-caption")
    assert_sees(page, "0 alerts", "No alerts here.")
    with page.expect_navigation():
        page.click("a:has-text('Actioned and closed')")
    scroll_to(page, "#table-alerts-caption")
    assert_sees(page, "1 alert, newest first", WORDS, "Actioned")
    snap(page, "lead-07-done", javascript=javascript)

    # She filters the queue to the alerts assigned to her (a plain form, no script needed),
    # folded away under the list until she opens it.
    scroll_to(page, "details.alert-filter")
    page.click("summary:has-text('Show only one route, or who an alert is assigned to')")
    page.select_option("#filter-assignee", label="Me")
    with page.expect_navigation():
        page.click("button:has-text('Show these alerts')")
    assert "assignee=me" in page.url
    scroll_to(page, "#table-alerts-caption")
    assert_sees(page, "1 alert (filtered), newest first", WORDS)
    page.select_option("#filter-assignee", label="Nobody yet")
    with page.expect_navigation():
        page.click("button:has-text('Show these alerts')")
    scroll_to(page, "#table-alerts-caption")
    assert_sees(page, "0 alerts (filtered)", "No alerts here.")
    snap(page, "lead-08-filtered", javascript=javascript)
    accessible(page, javascript)

    with page.expect_navigation():
        page.click("button:has-text('Sign out')")
    assert_sees(page, "You are signed out.")
    assert page.console_errors == []


def a_child_tells_heard(live_server: Any) -> int:
    """Ayo, 13 and in care, starts a check-in and types her worry at the first step;
    the real engine (the one the web form and chat use) raises the alert."""
    services = live_server.app.extensions["heard.services"]
    people, engine = services["people"], services["engine"]
    ayo = people.pseudonym("web", "ayo-13")
    people.set_profile(ayo, "web", cohort="child_in_care", age_band="11-17")
    engine.begin(ayo, channel="web", survey_id="checkin-11-17")
    reply = engine.handle(ayo, text=WORDS)
    assert reply.alert_id is not None, "her words should raise an alert"
    assert reply.messages, "and she is given help straight away"
    return int(reply.alert_id)


def accessible(page: Any, javascript: bool) -> None:
    """axe-core finds nothing serious (it runs as a script, so with JavaScript on)."""
    if javascript:
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)


def the_scheduler_sweeps(
    live_server: Any, smtp_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`heard.jobs:send_alert_notices` as `heard scheduler` runs it every 15 seconds, with
    the council's settings: no routes file, so every alert goes to the lead's address."""
    from heard.jobs import send_alert_notices

    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("HEARD_")]:
        monkeypatch.delenv(name)
    for name, value in {
        "HEARD_DATA_DIR": str(live_server.settings.data_dir),
        "HEARD_DATABASE_URL": live_server.settings.database_url,
        "HEARD_BASE_URL": live_server.url,
        "HEARD_SAFEGUARDING_EMAIL": EMAIL,
        "HEARD_SMTP_URL": smtp_url,
        "HEARD_SMTP_FROM": SENDER,
    }.items():
        monkeypatch.setenv(name, value)
    assert send_alert_notices().notices == 1


def _today(page: Any) -> str:
    """Today as the staff pages write it ("05 Dec 2026"), in the council's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/London")).strftime("%d %b %Y")
