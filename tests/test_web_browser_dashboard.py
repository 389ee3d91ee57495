"""In a real browser: a new response reaches the participation team's dashboard.

Seeds a small synthetic council, completes a check-in through an invite link in
headless Chromium, then signs in as participation staff and finds it counted.
Also checks the staff pages with axe-core and saves screenshots.
"""

from __future__ import annotations

import re
from typing import Any

import browser_support
import pytest
from browser_support import LiveServer, axe_violations, describe_violations, screenshot

from heard.demo.build import build_demo
from heard.staff_command import create_account
from storage.db import transaction

live_server = browser_support.live_server
browser_page = browser_support.browser_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long demo password 1"
EMAIL = "participation@council.example"


def headline_n(page: Any) -> int:
    tile = page.locator('section[aria-label="Answers satisfied or better"] dd').first
    return int(re.sub(r"[^0-9]", "", tile.inner_text()) or 0)


def sign_in(page: Any, url: str) -> None:
    page.goto(f"{url}/staff/login")
    page.fill('input[name="email"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.click('button[type="submit"]')


def complete_by_buttons(page: Any, link: str) -> None:
    page.goto(link)
    for _ in range(40):
        step = page.query_selector('input[name="step"]')
        if step is None:
            break
        if step.get_attribute("value") in ("@consent", "@quote"):
            with page.expect_navigation():
                page.click('button[name="choice"][value="yes"]')
            continue
        if page.query_selector('textarea[name="text"]'):
            page.fill('textarea[name="text"]', "I like my bedroom")
        else:
            page.locator('input[name="choice"]').first.check(force=True)
        with page.expect_navigation():
            page.click('button[name="action"][value="answer"]')
    assert page.inner_text("h1") == "Thank you"


def test_a_new_response_is_counted_on_the_dashboard(
    live_server: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    build_demo(live_server.database, live_server.settings.pseudonym_key, seed=5, scale=0.4)
    with transaction(live_server.database.sessions) as session:
        create_account(session, email=EMAIL, role="participation", password=PASSWORD)

    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/staff/dashboard")
    before = headline_n(page)
    screenshot(page, "dashboard")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    complete_by_buttons(page, live_server.invite("checkin-8-11"))

    page.goto(f"{live_server.url}/staff/dashboard")
    after = headline_n(page)
    assert after > before, (before, after)
    for path in ("/staff/themes", "/staff/reports", "/staff/invites", "/staff/you-said"):
        page.goto(live_server.url + path)
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{describe_violations(violations)}"
    refused = page.goto(f"{live_server.url}/staff/alerts")
    assert refused is not None and refused.status == 403  # alerts are for safeguarding staff
