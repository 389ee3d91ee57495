"""In a real browser on a phone, JavaScript on and off: signing out really ends it.

The safeguarding lead signs in, opens an alert with a child's words, signs out; the back
button, and the session cookie copied before signing out and replayed in another
browser, both show the sign-in page and never the child's words. After 30 minutes
without a page the lead is signed out, told why, and brought back to the alert.
"""

from __future__ import annotations

import time
from typing import Any

import browser_support
import journey_support
import pytest
from browser_support import PHONE, LiveServer, axe_violations, describe_violations
from journey_support import add_staff_account, sign_in, snap, words_in_view

from storage.alerts import raise_alert
from storage.db import transaction
from webforms.staff.roles import LAST_SEEN

live_server = browser_support.live_server
javascript = journey_support.javascript
journey_page = journey_support.journey_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "sam.safeguarding@council.example"
PASSWORD = "a long sentence for Sam's password"
WORDS = "my foster dad hits me CANARY-BROWSER-4471"


def _alert(live_server: LiveServer) -> str:
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)
    with transaction(live_server.database.sessions) as session:
        alert_id = raise_alert(
            session,
            pseudonym="b" * 64,
            text=WORDS,
            category="allegation_about_carer",
            level="urgent",
            channel="web",
            cohort="child_in_care",
            age_band="11-17",
        ).id
    return f"{live_server.url}/staff/alerts/{alert_id}"


def _on_sign_in_page(page: Any) -> str:
    seen = words_in_view(page)
    assert "/staff/login" in page.url, page.url
    assert page.inner_text("h1") == "Sign in"
    assert "CANARY-BROWSER-4471" not in page.content()
    return seen


def test_sign_out_back_button_and_a_copied_cookie_show_the_sign_in_page(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    alert = _alert(live_server)
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    page.goto(alert)
    assert "CANARY-BROWSER-4471" in page.inner_text("main")
    response = page.request.get(alert)
    assert response.headers["cache-control"] == "no-store"
    copied = page.context.cookies()
    assert any(c["name"] == "session" for c in copied)

    page.locator("form.staff-signout button").scroll_into_view_if_needed()
    with page.expect_navigation():
        page.click("form.staff-signout button")
    assert "You are signed out." in _on_sign_in_page(page)
    snap(page, "staff-signed-out", javascript=javascript)

    page.go_back()  # the alert page again? no: it was never stored, and the server says no
    page.wait_for_load_state()
    _on_sign_in_page(page)
    snap(page, "staff-back-after-sign-out", javascript=javascript)

    # Someone replays the copied cookie in another browser.
    elsewhere = page.context.browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript
    )
    try:
        elsewhere.add_cookies(copied)
        other = elsewhere.new_page()
        other.goto(alert)
        _on_sign_in_page(other)
    finally:
        elsewhere.close()


def _forge_idle(page: Any, app: Any, minutes: int) -> None:
    """Move this browser's session back in time, signed as the server would sign it."""
    serializer = app.session_interface.get_signing_serializer(app)
    cookies = page.context.cookies()
    cookie = next(c for c in cookies if c["name"] == "session")
    data = serializer.loads(cookie["value"])
    data[LAST_SEEN] = time.time() - minutes * 60
    page.context.add_cookies([{**cookie, "value": serializer.dumps(data)}])


def test_after_thirty_idle_minutes_the_lead_is_told_and_brought_back(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    alert = _alert(live_server)
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    page.goto(alert)
    _forge_idle(page, live_server.app, 31)
    page.reload()
    seen = _on_sign_in_page(page)
    assert "You were signed out after 30 minutes without activity" in seen
    snap(page, "staff-idle-sign-in", javascript=javascript)
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    assert page.url == alert
    assert "CANARY-BROWSER-4471" in page.inner_text("main")


def test_the_lead_changes_their_own_password_on_a_phone(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    _alert(live_server)
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    with page.expect_navigation():
        page.click("a:has-text('Change password')")
    assert page.inner_text("h1") == "Change your password"
    if javascript:  # axe-core is itself a script
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
    page.fill("#current", PASSWORD)
    page.fill("#password", "password1234")
    page.fill("#confirm", "password1234")
    with page.expect_navigation():
        page.click("main button:has-text('Change password')")
    assert "common ones people use" in words_in_view(page)
    snap(page, "staff-password-refused", javascript=javascript)
    page.fill("#current", PASSWORD)
    page.fill("#password", "tea at four on a rainy friday")
    page.fill("#confirm", "tea at four on a rainy friday")
    with page.expect_navigation():
        page.click("main button:has-text('Change password')")
    assert "Your password is changed" in words_in_view(page)
    assert page.url.endswith("/staff/alerts")
    snap(page, "staff-password-changed", javascript=javascript)
