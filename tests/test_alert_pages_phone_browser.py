"""On a 390 px phone, JavaScript on and off: the safeguarding lead reads the alerts queue
and an alert, and nothing is hidden off to the side.

Three alerts wait: one whose notice went by email, one raised ten minutes ago whose
notice has not gone (the page warns), and one raised just now. The lead opens the queue:
each alert is a card, every field under its column's name, the child's words and what
happened to the notice in view, and the queue's box does not scroll sideways. She opens
the first alert, reads the same words about its notice, takes it and acknowledges it with
a note, and reads the history as a table (When, Who, What; header cells a screen reader
still finds, names shown beside each value on the phone), all within the screen's width.
Screenshots go to test-artifacts/journeys/ (alert-phone-*).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import journey_support
import pytest
from browser_support import LiveServer, axe_violations, describe_violations, phone_page
from journey_support import add_staff_account, assert_sees, overflow, scroll_to, sign_in, snap

from storage.alerts import raise_alert
from storage.db import transaction
from storage.models import utcnow

live_server = journey_support.live_server
javascript = journey_support.javascript
journey_page = journey_support.journey_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "sam.safeguarding@council.example"
PASSWORD = "a long sentence for Sam's password"
SENT_WORDS = "my stepdad hits me when mum is at work"
LATE_WORDS = "nobody has been home since friday and there is no food"
NEW_WORDS = "a man from snapchat wants to meet me tonight"
NOTE = "Rang her social worker, who is visiting this afternoon."
NOTICE = "Notice to its route:"
WAITING = "Not sent yet. It normally goes within a minute: Heard tries every 15 seconds"
LATE = "Not sent yet, more than two minutes after it was raised: see the warning above"


def three_alerts(server: LiveServer) -> int:
    """The alerts waiting; the id of the one whose notice went by email."""
    now = utcnow()
    with transaction(server.database.sessions) as session:
        common = {"channel": "web", "cohort": "child_in_care", "age_band": "11-17"}
        sent = raise_alert(
            session,
            pseudonym="a" * 64,
            text=SENT_WORDS,
            category="abuse_physical",
            level="urgent",
            when=now - timedelta(minutes=5),
            route="safeguarding_lead",  # as the sweep set it when it sent the notice
            **common,
        )
        sent.notified_at = now - timedelta(minutes=5) + timedelta(seconds=20)
        sent.notice_sent_by = "email"
        raise_alert(
            session,
            pseudonym="b" * 64,
            text=LATE_WORDS,
            category="abuse_emotional_neglect",
            level="concern",
            when=now - timedelta(minutes=10),
            **common,
        )
        raise_alert(
            session,
            pseudonym="c" * 64,
            text=NEW_WORDS,
            category="exploitation",
            level="urgent",
            when=now,
            **common,
        )
        return int(sent.id)


def test_the_lead_reads_the_queue_and_an_alert_on_a_phone(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    alert_id = three_alerts(live_server)
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    page.goto(f"{live_server.url}/staff/alerts")

    # The warning at the top, for the alert whose notice is late.
    assert_sees(page, "1 alert has not been sent to anyone yet, more than two minutes")
    fits(page, "queue")
    snap(page, "alert-phone-00-queue-top", javascript=javascript)

    # Each alert is a card: every field under its column's name, nothing off to the side.
    rows = page.locator("table.alerts-table > tbody > tr")
    assert rows.count() == 3
    first = rows.nth(0)  # urgent first, oldest first: the one whose notice went
    first.evaluate("el => el.scrollIntoView({block: 'start'})")
    assert_sees(page, "Alert", "Their words", SENT_WORDS, "About and route", "Route:")
    assert_sees(page, f"{NOTICE} Sent by email on")
    assert [label.strip() for label in first.locator(".stack-label").all_inner_texts()] == [
        "Alert",
        "Their words",
        "About and route",
        "Who and where",
        "Assigned to",
    ]
    assert first.locator(".stack-label").first.is_visible()
    assert not page.locator("table.alerts-table > thead").is_visible() or thead_clipped(page)
    snap(page, "alert-phone-01-queue-card", javascript=javascript)
    rows.nth(1).evaluate("el => el.scrollIntoView({block: 'start'})")
    assert_sees(page, NEW_WORDS, f"{NOTICE} {WAITING}")
    snap(page, "alert-phone-02-queue-waiting", javascript=javascript)
    rows.nth(2).evaluate("el => el.scrollIntoView({block: 'start'})")
    assert_sees(page, LATE_WORDS, f"{NOTICE} {LATE}", "Who and where", "A child in care")
    snap(page, "alert-phone-03-queue-late", javascript=javascript)
    scroll_to(page, "main .hint")  # under the list: what a notice is
    assert_sees(page, "Heard tells the people on each alert's route by email or Telegram")
    # Still a table to a screen reader: five column headers, a row per alert.
    table = page.get_by_role("table", name="3 alerts, new first, urgent first, oldest first")
    assert table.get_by_role("columnheader").all_inner_texts() == [
        "Alert",
        "Their words",
        "About and route",
        "Who and where",
        "Assigned to",
    ]
    assert table.get_by_role("row").count() == 4
    accessible(page, javascript)

    # She opens the alert whose notice went: the same words about it.
    with page.expect_navigation():
        page.get_by_role("link", name=f"Open alert {alert_id}").click()
    scroll_to(page, "dl.facts")
    assert_sees(page, "Notice to its route Sent by email on")
    assert_sees(page, "never the child's words")
    fits(page, "alert")
    snap(page, "alert-phone-04-alert-facts", javascript=javascript)

    # She takes it and acknowledges it with a note; the history is a table.
    scroll_to(page, "h2:has-text('Who is looking after it')")
    page.select_option("#assignee", label=f"Me ({EMAIL})")
    with page.expect_navigation():
        page.click("button:has-text('Assign')")
    page.select_option("#status", label="Acknowledged: someone is on it")
    page.fill("#note", NOTE)
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    assert_sees(page, f"Alert {alert_id} is now acknowledged.")
    scroll_to(page, "#history")
    assert_sees(page, "History and notes", "Oldest first: one row for each thing done.")
    assert_sees(page, "When", "Who", EMAIL, "What", f"assigned to {EMAIL}")
    assert_sees(page, f"acknowledged: {NOTE}")
    history = page.get_by_role("table", name="History and notes")
    assert history.get_by_role("columnheader").all_inner_texts() == ["When", "Who", "What"]
    assert history.locator("th[scope=col]").count() == 3
    cells = history.get_by_role("row").nth(2).get_by_role("cell").all_inner_texts()
    assert [c.split("\n")[0].strip() for c in cells] == ["When", "Who", "What"]
    assert NOTE in cells[2]
    labels = history.locator(".stack-label")
    assert labels.first.is_visible() and labels.first.get_attribute("aria-hidden") == "true"
    fits(page, "alert with history")
    snap(page, "alert-phone-05-history", javascript=javascript)
    accessible(page, javascript)
    assert page.console_errors == []


def thead_clipped(page: Any) -> bool:
    """The header row is there for a screen reader but takes 1 px on screen."""
    box = page.locator("table.alerts-table > thead").bounding_box()
    return box is not None and box["width"] <= 1 and box["height"] <= 1


def fits(page: Any, where: str) -> None:
    """Nothing sticks out of the screen, and no box scrolls sideways either."""
    width = overflow(page)
    assert width["scrollWidth"] <= width["width"], f"{where}: too wide: {width}"
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll, table')]
                 .filter(el => el.scrollWidth > el.clientWidth + 1)
                 .map(el => `${el.tagName}.${el.className} ${el.scrollWidth}>${el.clientWidth}`)"""
    )
    assert wide == [], f"{where}: scrolls sideways: {wide}"


def accessible(page: Any, javascript: bool) -> None:
    """axe-core finds nothing serious (it runs as a script, so with JavaScript on)."""
    if javascript:
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)


def test_on_a_wide_screen_both_are_ordinary_tables(live_server: LiveServer) -> None:
    """At 1280 px the queue and the history are tables with their header rows in view,
    and the names shown beside each value on a phone are not shown."""
    alert_id = three_alerts(live_server)
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)
    with phone_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server.url, EMAIL, PASSWORD)
        page.goto(f"{live_server.url}/staff/alerts")
        assert page.locator("table.alerts-table > thead").is_visible()
        assert not thead_clipped(page)
        assert not page.locator("table.alerts-table .stack-label").first.is_visible()
        fits(page, "wide queue")
        scroll_to(page, "#table-alerts-caption")
        snap(page, "alert-wide-01-queue", javascript=True)
        page.goto(f"{live_server.url}/staff/alerts/{alert_id}")
        page.select_option("#assignee", label=f"Me ({EMAIL})")
        with page.expect_navigation():
            page.click("button:has-text('Assign')")
        scroll_to(page, "#history")
        history = page.locator("table.history")
        assert history.locator("thead").is_visible()
        assert not history.locator(".stack-label").first.is_visible()
        assert_sees(page, "When Who What", f"assigned to {EMAIL}")
        snap(page, "alert-wide-02-history", javascript=True)
