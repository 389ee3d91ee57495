"""In Chromium on a phone, JavaScript on and off: a safeguarding lead pastes a note far
over the limit. The box keeps all of it (no maxlength cutting it silently); Save says
how long it is and the limit beside the box, saves nothing, and keeps every word to
shorten."""

from __future__ import annotations

from typing import Any

import journey_support
import pytest
from browser_support import LiveServer
from journey_support import add_staff_account, sign_in

from storage.alert_queue import get_alert
from storage.alerts import raise_alert
from storage.db import transaction

live_server = journey_support.live_server
javascript = journey_support.javascript
journey_page = journey_support.journey_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "sam.safeguarding@council.example"
PASSWORD = "a long sentence for Sam's password"
LONG = ("Rang her social worker, who is visiting this afternoon. " * 179)[:10_000]


def test_a_pasted_long_note_is_kept_and_the_limit_said_beside_the_box(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    with transaction(live_server.database.sessions) as session:
        alert_id = raise_alert(
            session,
            pseudonym="a" * 64,
            text="my stepdad hits me",
            category="abuse_physical",
            level="urgent",
            channel="web",
            cohort="child_in_care",
            age_band="11-17",
        ).id
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    page.goto(f"{live_server.url}/staff/alerts/{alert_id}")
    box = page.locator("#note")
    box.fill(LONG)  # as a paste: the whole text into the box at once
    assert len(box.input_value()) == 10_000  # nothing cut
    page.select_option("#status", label="Acknowledged: someone is on it")
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    said = (
        "Notes can be up to 2,000 characters; this one is 10,000. Nothing has been saved "
        "yet; shorten it and save again."
    )
    group = page.locator(".form-group", has=page.locator("#note"))
    assert said in group.inner_text()
    assert page.locator("#note").input_value() == LONG.strip()
    with transaction(live_server.database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None and alert.status == "new" and alert.note is None
