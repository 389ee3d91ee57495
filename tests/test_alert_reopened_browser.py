"""In a real browser on a phone (390x844), JavaScript on and off: a reopened alert's
notice is "on its way", not late, until the sweep sends it.

An alert raised hours ago was sent to the safeguarding lead and closed; the young person
replies, which reopens it. Its notice is owed from the reopening (c466f70), so the queue
and the alert page say it normally goes within a minute and show no "not sent" warning
(counted from when it was raised, both called it late). The scheduler's sweep then emails
the lead through a real SMTP server on loopback (and does not escalate: nobody has had
the reopened alert for an hour yet); after a reload the page says it was sent and the
history shows the reply and the reopening. SQLite and PostgreSQL. Screenshots go to
/tmp/journey_shots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import journey_support
import pytest
from alert_support import LEAD, SENDER, SmtpServer, smtp_server
from browser_support import LiveServer, serve
from journey_support import (
    add_staff_account,
    assert_not_seen,
    assert_sees,
    overflow,
    scroll_to,
    sign_in,
)

from notices.email import EmailSender, SmtpRelay
from notices.routes import default_routes
from notices.sweep import Outbox, SweepResult, sweep
from storage.alert_queue import get_alert
from storage.alerts import raise_alert, record_reply, set_alert_status
from storage.db import transaction
from storage.models import utcnow
from webforms.staff.alerts import NOTICE_LABEL

javascript = journey_support.javascript
journey_page = journey_support.journey_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("/tmp/journey_shots")
EMAIL = "sam.safeguarding@council.example"
PASSWORD = "a long sentence for Sam's password"
WORDS = "my boyfriend hits me when hes drunk CANARY-REOPEN-2291"
REPLY = "hes back again can someone ring me"
ON_ITS_WAY = "Not sent yet. It normally goes within a minute: Heard tries every 15 seconds"
LATE = ("has not been sent to anyone yet", "see the warning above")
REOPENED = "new: reopened because they replied after it was closed"


@pytest.fixture
def live_server(tmp_path: Path, database_url: str) -> Iterator[LiveServer]:
    """The real app served by waitress, on SQLite and on PostgreSQL (the sweep's claims
    are conditional UPDATEs, and reopened_at and notice_due_since are new columns)."""
    yield from serve(tmp_path, database_url)


@pytest.fixture
def mail() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def the_sweep_runs(server: LiveServer, mail: SmtpServer, **when: Any) -> SweepResult:
    """The scheduler's sweep, once, emailing the lead (every 15 seconds in `heard scheduler`)."""
    sender = EmailSender(SmtpRelay.parse(mail.url()), SENDER, timeout=5)
    outbox = Outbox(
        default_routes([LEAD], escalation_emails=[LEAD]), (sender,), base_url=server.url
    )
    return sweep(server.database.sessions, outbox, **when)


def closed_hours_ago_then_reopened(server: LiveServer, mail: SmtpServer) -> int:
    """Raised three hours ago and sent in the same minute; closed two hours ago; the young
    person replies now, which reopens it."""
    raised = utcnow() - timedelta(hours=3)
    with transaction(server.database.sessions) as session:
        alert_id = raise_alert(
            session,
            pseudonym="c" * 64,
            text=WORDS,
            category="domestic_abuse",
            level="urgent",
            channel="telegram",
            cohort="care_leaver",
            age_band="16-25",
            when=raised,
        ).id
    assert the_sweep_runs(server, mail, now=raised + timedelta(seconds=20)).notices == 1
    with transaction(server.database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None and alert.notified_at is not None
        closed = raised + timedelta(hours=1)
        note = f"{closed:%d %b %Y, %H:%M} UTC · {EMAIL} · closed: spoke to her PA, safe tonight"
        set_alert_status(session, alert, "closed", by=EMAIL, note=note, when=closed)
    with transaction(server.database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None
        record_reply(session, alert, REPLY)
        assert alert.status == "new"
    return alert_id


def shot(page: Any, name: str, javascript: bool) -> Path:
    """What is in view on the phone, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{'js' if javascript else 'nojs'}.png"
    page.screenshot(path=str(path))
    return path


def test_a_reopened_alert_is_on_its_way_not_late_then_sent_with_its_reopening_in_history(
    live_server: LiveServer, journey_page: Any, javascript: bool, mail: SmtpServer
) -> None:
    page = journey_page
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)
    alert_id = closed_hours_ago_then_reopened(live_server, mail)

    # 1. The lead signs in and opens the queue: the reopened alert, its notice on its way.
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    page.goto(f"{live_server.url}/staff/alerts")
    scroll_to(page, ".alert-row")
    assert_sees(page, "CANARY-REOPEN-2291", f"{NOTICE_LABEL}: {ON_ITS_WAY}")
    assert_not_seen(page, *LATE)
    assert overflow(page)["culprits"] == []
    shot(page, "reopened-1-queue", javascript)

    # 2. The alert page: new again, the same words about its notice, no warning.
    with page.expect_navigation():
        page.click(f"a[href$='/staff/alerts/{alert_id}']")
    assert page.inner_text("h1") == f"Alert {alert_id}: Domestic abuse"
    assert_not_seen(page, *LATE)
    shot(page, "reopened-2-alert-top", javascript)
    scroll_to(page, "dl.alert-facts")
    assert_sees(page, "Raised", "Reopened", f"{NOTICE_LABEL} {ON_ITS_WAY}")
    # new again: nobody is shown as on it (the history still says who closed it)
    assert "Acknowledged" not in page.inner_text("dl.alert-facts")
    shot(page, "reopened-3-alert-notice", javascript)

    # 3. The sweep sends it to the lead once more, saying it was reopened; it does not
    #    escalate, as nobody has had the reopened alert for an hour yet.
    result = the_sweep_runs(live_server, mail)
    assert (result.notices, result.escalations) == (1, 0)
    first, again = mail.mailbox.to(LEAD)
    assert first.alert_id == again.alert_id == alert_id and "Reopened:" in again.body
    assert "CANARY-REOPEN-2291" not in again.message.as_string()

    # 4. Reloaded, the page says it was sent, and the history shows the reply and the
    #    reopening.
    page.reload()
    scroll_to(page, "dl.alert-facts")
    assert_sees(page, f"{NOTICE_LABEL} Sent by email on")
    assert_not_seen(page, "Not sent yet", *LATE)
    shot(page, "reopened-4-alert-sent", javascript)
    scroll_to(page, "#history")
    assert_sees(page, "History and notes", REPLY, REOPENED)
    assert overflow(page)["culprits"] == []
    shot(page, "reopened-5-history", javascript)
    assert page.console_errors == []
