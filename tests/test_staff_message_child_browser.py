"""In a real browser, on a 320 px phone: the lead's "Message them in Telegram" box.

The alert page with the box passes axe-core (WCAG 2.2 AA and best practice) as it is
and with an error showing, fits a 320 px screen, and sends what the lead typed to the
person's Heard chat (the fake Bot API server), then says so on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import browser_support
import pytest
from browser_support import (
    PSEUDONYM_KEY,
    LiveServer,
    axe_violations,
    describe_violations,
    screenshot,
)
from fakes.telegram_api import FakeTelegram
from journey_support import add_staff_account, overflow, sign_in

from notices.child_message import EMPTY, ChildMessenger
from storage.alerts import raise_alert
from storage.db import transaction
from storage.sealing import ContactDetails
from surveys.contact import ContactDesk

live_server = browser_support.live_server
browser_page = browser_support.browser_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "sam.safeguarding@council.example"
PASSWORD = "a long sentence for Sam's password"
CHAT = 5591601
WORDS = "Hi, this is Sam from the council's safeguarding team. Can I ring you at 4?"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def test_the_message_box_is_accessible_fits_a_small_phone_and_sends(
    live_server: LiveServer, browser_page: Any, fake: FakeTelegram
) -> None:
    services = live_server.app.extensions["heard.services"]
    services["child_messenger"] = ChildMessenger(fake.token, fake.api_url, timeout=5)
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)
    with transaction(live_server.database.sessions) as session:
        alert_id = raise_alert(
            session,
            pseudonym="t" * 64,
            text="my foster dad hits me and i dont want to go home",
            category="allegation_about_carer",
            level="urgent",
            channel="telegram",
            cohort="child_in_care",
            age_band="11-17",
        ).id
    ContactDesk(live_server.database.sessions, PSEUDONYM_KEY).answer(
        alert_id, pseudonym="t" * 64, wanted=True, details=ContactDetails(telegram_chat=CHAT)
    )
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    page.goto(f"{live_server.url}/staff/alerts/{alert_id}")
    assert page.get_by_label("Message them in Telegram").is_visible()
    for state in ("as it is", "with an error"):
        violations = axe_violations(page)
        assert not violations, f"{state}:\n{describe_violations(violations)}"
        width = overflow(page)
        assert width["scrollWidth"] <= 320, f"{state}: too wide: {width}"
        if state == "as it is":
            page.locator("#getting-in-touch").evaluate("el => el.scrollIntoView()")
            screenshot(page, "alert-message-box")
            with page.expect_navigation():
                page.get_by_role("button", name="Send").click()
            assert EMPTY in page.inner_text(".error-summary")
    box = page.get_by_label("Message them in Telegram")
    box.fill(WORDS)
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert "Your message was sent to their Heard chat in Telegram." in page.inner_text("main")
    assert [m["text"] for m in fake.bot_messages(CHAT)] == [WORDS]
    screenshot(page, "alert-message-sent")
    assert "messaged them in Telegram" in page.inner_text(".history")
