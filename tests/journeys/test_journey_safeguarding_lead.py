"""A safeguarding lead's alert, from a child's words to "actioned", on a phone, JS on and off.

A 13-year-old in care, part way into a check-in, types that her stepdad hits her.
The real engine raises an alert. Sam, the council's safeguarding lead, signs in,
finds it at the top of the alerts queue, opens it, reads the child's own words and
who wrote them, acknowledges it with a note, later marks it actioned with another
(after being asked for the note she forgot), and finds it among the actioned alerts.
"""

from __future__ import annotations

from typing import Any

import journey_support
import pytest
from journey_support import add_staff_account, assert_sees, scroll_to, sign_in, snap

from storage.alert_queue import get_alert
from storage.db import transaction
from webforms.staff.alerts import CATEGORY_WORDS

javascript = journey_support.javascript
journey_page = journey_support.journey_page
live_server = journey_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "sam.safeguarding@council.example"
PASSWORD = "a long sentence for Sam's password"
WORDS = "my stepdad hits me when mum is at work"
FIRST_NOTE = "Rang her social worker, who is visiting this afternoon."
SECOND_NOTE = "Visited: she is staying with her nan tonight. Strategy meeting tomorrow."


def test_a_safeguarding_lead_acknowledges_and_actions_a_childs_alert(
    live_server: Any, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    alert_id = a_child_tells_heard(live_server)
    with transaction(live_server.database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None and alert.category in ("abuse_physical", "domestic_abuse")
        about, level = CATEGORY_WORDS[alert.category], alert.level.capitalize()
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)

    # Sam signs in and lands on the alerts queue: one new alert, in the child's words.
    page.goto(f"{live_server.url}/staff/login")
    assert_sees(page, "Sign in")
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    assert page.url.endswith("/staff/alerts")
    assert_sees(page, "Alerts 1 new", "Safeguarding alerts", "in an emergency call 999")
    snap(page, "lead-01-queue", javascript=javascript)
    scroll_to(page, "#table-alerts-caption")
    assert_sees(page, "1 alert, new first, urgent first, oldest first", "Their words")
    assert_sees(page, f"{level} New {WORDS}")  # how urgent, where it stands, her words
    snap(page, "lead-02-queue-row", javascript=javascript)

    # She opens it: the words, who wrote them, and nothing done yet.
    with page.expect_navigation():
        page.click(f"a:has-text('Open alert {alert_id}')")
    assert_sees(page, f"Alert {alert_id}: {about}", "New", "What they wrote", WORDS)
    scroll_to(page, "dl.facts")
    assert_sees(page, "Who A child in care, aged 11 to 17", "Where Web form")
    scroll_to(page, "h2:has-text('History and notes')")
    assert_sees(page, "History and notes", "Nothing recorded yet.")
    snap(page, "lead-03-alert", javascript=javascript)

    # She acknowledges it, with a note of what she has done.
    page.select_option("#status", label="Acknowledged: someone is on it")
    page.fill("#note", FIRST_NOTE)
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    assert_sees(page, f"Alert {alert_id} is now acknowledged.", "Acknowledged: someone is on it")
    scroll_to(page, "dl.facts")
    assert_sees(page, f"Acknowledged {_today(page)}", f"by {EMAIL}")
    scroll_to(page, "h2:has-text('History and notes')")
    assert_sees(page, f"{EMAIL} · acknowledged: {FIRST_NOTE}")
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
    assert_sees(page, f"acknowledged: {FIRST_NOTE}", f"{EMAIL} · actioned: {SECOND_NOTE}")
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


def _today(page: Any) -> str:
    """Today as the staff pages write it ("05 Dec 2026"), in the council's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/London")).strftime("%d %b %Y")
