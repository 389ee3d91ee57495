"""In a real browser: a new response reaches the participation team's dashboard.

Seeds a small synthetic council, completes a check-in through an invite link in
headless Chromium, then signs in as participation staff and finds it counted.
Also checks the staff pages with axe-core and saves screenshots, and that no staff
page scrolls sideways on a 320 px phone or logs a console error (the favicon).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import browser_support
import journey_support
import pytest
from browser_support import LiveServer, axe_violations, describe_violations, screenshot
from journey_support import overflow, seed_answers, snap
from journey_support import sign_in as sign_in_as

from heard.demo.build import build_demo
from heard.staff_command import create_account
from storage.alerts import raise_alert
from storage.db import transaction
from storage.you_said import add_post

live_server = browser_support.live_server
browser_page = browser_support.browser_page
javascript = journey_support.javascript
journey_page = journey_support.journey_page
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

    # Four children answer this month: too few for this month's figure. Shown in the
    # quarter, they could be worked out (the quarter less its other months, which are
    # shown), so the quarter counts its complete months and says so; in a quarter's first
    # month there are none, and the quarter is hidden with the month.
    questions = ["home_happy", "feel_safe"]
    with transaction(live_server.database.sessions) as session:
        seed_answers(session, "checkin-8-11", "child_in_care", "8-11", 4, questions)
    page.goto(f"{live_server.url}/staff/dashboard")
    shown = page.inner_text("main")
    if datetime.now(ZoneInfo(live_server.settings.timezone)).month % 3 == 1:
        assert headline_n(page) == 0
        assert "hidden so that a smaller group's figure cannot be worked out" in shown
    else:
        assert headline_n(page) == before
        assert "so far has too few answers to show (fewer than 5)" in shown

    # A fifth answers through the web form: the month and the quarter show, with every answer.
    complete_by_buttons(page, live_server.invite("checkin-8-11"))
    page.goto(f"{live_server.url}/staff/dashboard")
    after = headline_n(page)
    assert after > before + 4 * len(questions), (before, after)
    for path in (
        "/staff/dashboard?cohort=child_in_care&age_band=8-11",
        "/staff/themes",
        "/staff/reports",
        "/staff/invites",
        "/staff/you-said",
    ):
        page.goto(live_server.url + path)
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{describe_violations(violations)}"
    refused = page.goto(f"{live_server.url}/staff/alerts")
    assert refused is not None and refused.status == 403  # alerts are for safeguarding staff


# ------------------------------------------------------------------ a small phone, every staff page

SMALL_PHONE = {"width": 320, "height": 640}
STAFF_PASSWORD = "a long staff password for the 320 test"
LONG_WORD = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
PAGES_FOR = {
    "participation": (
        "/staff/dashboard",
        "/staff/dashboard?cohort=care_leaver&age_band=16-25",
        "/staff/themes",
        "/staff/reports",
        "/staff/invites",
        "/staff/you-said",
    ),
    "safeguarding": ("/staff/alerts", "/staff/alerts?show=done", "/staff/alerts/1"),
    "admin": ("/staff/accounts", "/staff/offer", "/staff/surveys"),
}


def _seed_for_small_phone(live_server: LiveServer) -> None:
    """A synthetic council, one account per role, and words that do not wrap easily."""
    build_demo(live_server.database, live_server.settings.pseudonym_key, seed=7, scale=0.2)
    with transaction(live_server.database.sessions) as session:
        for role in PAGES_FOR:
            create_account(
                session, email=f"{role}.lead@council.example", role=role, password=STAFF_PASSWORD
            )
        raise_alert(
            session,
            pseudonym="q" * 64,
            text=f"my stepdad hits me {LONG_WORD}",
            category="abuse_physical",
            level="urgent",
            channel="web",
            cohort="child_in_care",
            age_band="11-17",
        )
        add_post(
            session,
            theme="money",
            you_said=f"Money runs out {LONG_WORD}",
            we_did="Budgeting help every month",
            author="participation.lead@council.example",
        )


def test_no_staff_page_scrolls_sideways_at_320_px_and_none_logs_a_console_error(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    page.set_viewport_size(SMALL_PHONE)
    _seed_for_small_phone(live_server)
    favicon = page.request.get(f"{live_server.url}/favicon.ico")
    assert favicon.status == 200 and favicon.headers["content-type"].startswith("image/svg+xml")

    page.goto(f"{live_server.url}/staff/login")
    checked = _check_page(page, "/staff/login", javascript)
    for role, paths in PAGES_FOR.items():
        sign_in_as(page, live_server.url, f"{role}.lead@council.example", STAFF_PASSWORD)
        for path in paths:
            page.goto(live_server.url + path)
            checked += _check_page(page, path, javascript)
        with page.expect_navigation():
            page.click("button:has-text('Sign out')")
    assert checked >= 10, "the pages should have had tables to check"
    assert page.console_errors == [], page.console_errors


def _check_page(page: Any, path: str, javascript: bool) -> int:
    """The page fits 320 px; every table scrolls in a named, focusable region; the icon
    the page names loads. Returns how many tables were checked."""
    width = overflow(page)
    assert width["scrollWidth"] <= SMALL_PHONE["width"], f"{path} is too wide: {width}"
    icon = page.get_attribute("link[rel='icon']", "href")
    assert icon and page.request.get(urljoin(page.url, icon)).status == 200, path
    tables = page.evaluate(
        """() => [...document.querySelectorAll('main table')].map(t => {
            const box = t.closest('.table-scroll');
            const label = box && document.getElementById(box.getAttribute('aria-labelledby'));
            return {inBox: !!box, role: box && box.getAttribute('role'),
                    tabindex: box && box.getAttribute('tabindex'),
                    label: label ? label.textContent.trim() : ''};
        })"""
    )
    for table in tables:
        assert table["inBox"] and table["role"] == "region" and table["tabindex"] == "0", path
        assert table["label"], f"{path}: a scrolling table without a name"
    charts = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')]
            .filter(s => getComputedStyle(s).display !== 'none')
            .map(s => ({cls: s.getAttribute('class'), text: Math.min(...[...s.querySelectorAll(
                'text.chart-axis')].map(t => t.getBoundingClientRect().height))}))"""
    )
    if path.startswith("/staff/dashboard"):
        assert charts, f"{path}: no chart in view"
    for chart in charts:  # a phone is shown the drawing whose labels it can read
        assert chart["cls"] == "chart chart-narrow" and chart["text"] >= 9, (path, chart)
    name = path.strip("/").replace("/", "-").replace("?", "-").replace("&", "-").replace("=", "-")
    snap(page, f"320-{name}", javascript=javascript)
    return len(tables)
