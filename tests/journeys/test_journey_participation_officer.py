"""A participation officer's morning with Heard, on a phone, with JavaScript on and off.

Priya signs in, reads this quarter against the 80% target, learns why some
figures say "hidden", looks at care leavers aged 16 to 25 and at children in
care aged 4 to 7 (too few to show), downloads the report for the Corporate Parenting Group,
posts a "you said, we did" update, finds it on the public page, and signs out.

The answers are seeded through the storage repositories the engine writes with,
so the figures come through the real report, suppression and pages. The seed
is sized so that some cells are shown, some are "fewer than 5" and one is
"hidden" (secondary suppression).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import journey_support
import pytest
from journey_support import (
    add_staff_account,
    assert_not_seen,
    assert_sees,
    scroll_to,
    seed_answers,
    sign_in,
    snap,
)

from storage.db import transaction

javascript = journey_support.javascript
journey_page = journey_support.journey_page
live_server = journey_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "priya.participation@council.example"
PASSWORD = "a long sentence for Priya's password"
YOU_SAID = "You told us it was hard to get to college when your bus pass ran out."
WE_DID = "Care leavers now get a free bus pass until they are 25, renewed for them."


def test_a_participation_officer_reads_filters_reports_answers_back_and_signs_out(
    live_server: Any, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    seed_this_quarter(live_server.database)
    add_staff_account(live_server.database, EMAIL, "participation", PASSWORD)

    # She opens the staff sign-in page and signs in.
    page.goto(f"{live_server.url}/staff/login")
    assert_sees(page, "Heard staff", "Sign in", "Email", "Password")
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    snap(page, "officer-01-dashboard", javascript=javascript)

    # The dashboard opens on this quarter: young people's figure against the 80% target
    # (children in care and care leavers; foster carers' answers are shown apart).
    assert page.url.endswith("/staff/dashboard")
    assert_sees(
        page,
        "Satisfied or better:",
        "Children in care and care leavers:",
        "of answers from children in care and care leavers were satisfied or better this quarter",
        "80% target",
    )
    page.locator("section[aria-label='Answers satisfied or better']").scroll_into_view_if_needed()
    assert_sees(page, "Answers satisfied or better", "target 80%", "n 68")  # 80 less carers' 12
    snap(page, "officer-02-headline", javascript=javascript)

    # Beside the figure: last quarter and the same quarter last year, and how people came.
    scroll_to(page, "#table-comparisons-caption")
    assert_sees(page, "compared with", "Last quarter", "The same quarter last year")
    scroll_to(page, "#table-arrivals-caption")
    assert_sees(page, "By how people came", "Way in", "Counted")
    snap(page, "officer-02b-compared", javascript=javascript)

    # Some figures say "hidden"; the page says why, in plain words, under the table.
    scroll_to(page, "#table-age_band-caption")
    assert_sees(page, "By age band", "Aged 4-7 80% fewer than 5", "Aged 8-11 80% hidden hidden")
    page.locator("#table-age_band-hidden").scroll_into_view_if_needed()
    assert_sees(
        page,
        "“hidden”: this figure is not small itself.",
        "cannot be worked out by taking the other figures away from the total",
    )
    by_age = page.locator("#table-age_band table")
    assert by_age.get_attribute("aria-describedby") == "table-age_band-hidden"
    snap(page, "officer-03-hidden-explained", javascript=javascript)

    # She looks at care leavers aged 16 to 25 only; the period stays the same.
    period = page.input_value("input[name='period'][type='hidden']")
    page.locator("#filter-cohort").scroll_into_view_if_needed()
    assert_sees(page, "Show one group", "Who answered", "Age band")
    page.select_option("#filter-cohort", label="Care leavers")
    page.select_option("#filter-age-band", label="16 to 25")
    snap(page, "officer-04-filter", javascript=javascript)
    with page.expect_navigation():
        page.click("button:has-text('Show this group')")
    assert f"period={period}" in page.url and "cohort=care_leaver" in page.url
    assert_sees(
        page,
        "Care leavers, 16 to 25:",
        "83% of answers from care leavers aged 16-25 were satisfied or better this quarter",
        "(n=18,",
    )
    snap(page, "officer-05-care-leavers", javascript=javascript)
    page.locator("#filter-notice").scroll_into_view_if_needed()
    assert_sees(page, "Showing only: Care leavers, 16 to 25.", "show everyone")
    page.locator("#table-domain-caption").scroll_into_view_if_needed()
    assert_sees(page, "By domain, Care leavers, 16 to 25")
    rows = page.locator("#table-domain tbody th").all_inner_texts()
    assert rows == ["Relationships", "Leaving care"]

    # Children in care aged 4 to 7 are too few this quarter: the filtered page hides
    # them, as the tables for everyone do.
    page.locator("#filter-cohort").scroll_into_view_if_needed()
    page.select_option("#filter-cohort", label="Children in care")
    page.select_option("#filter-age-band", label="4 to 7")
    with page.expect_navigation():
        page.click("button:has-text('Show this group')")
    assert_sees(
        page,
        "Children in care, 4 to 7:",
        "Fewer than 5 answers came from children in care aged 4-7 this quarter",
    )
    assert_not_seen(page, "of answers from children in care aged 4-7")
    snap(page, "officer-06-too-few", javascript=javascript)

    # Back to everyone, then to Reports, where she makes this quarter's report now.
    with page.expect_navigation():
        page.click("a.button:has-text('Show everyone')")
    assert_sees(page, "Children in care and care leavers:")
    with page.expect_navigation():
        page.click("nav[aria-label='Staff pages'] a:has-text('Reports')")
    assert_sees(page, "Reports", "Make a report now")
    # She first asks for the calendar year; Heard says why not and what to ask for,
    # keeping what she typed.
    page.fill("#report-period", "2026")
    page.check("input[name='format'][value='csv']")
    with page.expect_navigation():
        page.click("button:has-text('Download')")
    assert_sees(
        page,
        "There is a problem",
        "Heard reports financial years rather than calendar years: try 2025-26 or 2026-27",
        "could be subtracted from these to work out numbers that are hidden",
    )
    assert page.input_value("#report-period") == "2026"
    snap(page, "officer-06b-calendar-year-refused", javascript=javascript)
    page.fill("#report-period", period)
    page.check("input[name='format'][value='html']")
    with page.expect_download() as download:
        page.click("button:has-text('Download')")
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Are children and young people satisfied or better?" in report
    assert "fewer than 5" in report and "Summary against the 80% target" in report
    snap(page, "officer-07-reports", javascript=javascript)

    # She tells young people what changed.
    with page.expect_navigation():
        page.click("nav[aria-label='Staff pages'] a:has-text('You said, we did')")
    assert_sees(page, "You said, we did", "Post an update", "Theme")
    page.select_option("#theme", label="Money")
    page.fill("#you_said", YOU_SAID)
    page.fill("#we_did", WE_DID)
    # A new update is a draft until she ticks "Publish now": saved by mistake half
    # written, it must not reach children.
    assert not page.is_checked("#published")
    with page.expect_navigation():
        page.click("form[action$='/staff/you-said'] button:has-text('Save')")
    assert_sees(page, "Draft saved: young people will not see it until you publish it.")
    row = page.locator("tr", has_text=YOU_SAID)
    row.scroll_into_view_if_needed()
    assert_sees(page, YOU_SAID, "Draft: not shown")
    snap(page, "officer-08a-draft", javascript=javascript)
    page.goto(f"{live_server.url}/you-said")
    assert_not_seen(page, YOU_SAID)
    page.goto(f"{live_server.url}/staff/you-said")
    with page.expect_navigation():
        page.locator("tr", has_text=YOU_SAID).locator("button:has-text('Publish')").click()
    assert_sees(page, "Published.")
    page.locator("table", has_text=YOU_SAID).scroll_into_view_if_needed()
    assert page.locator("tr", has_text=YOU_SAID).locator("strong").inner_text() == "Published"
    snap(page, "officer-08-posted", javascript=javascript)

    # It is on the public page young people see.
    page.goto(f"{live_server.url}/you-said")
    page.locator("text=" + YOU_SAID).scroll_into_view_if_needed()
    assert_sees(page, YOU_SAID, WE_DID)
    snap(page, "officer-09-public-you-said", javascript=javascript)

    # She signs out; the dashboard is closed to her until she signs in again.
    page.goto(f"{live_server.url}/staff/dashboard")
    with page.expect_navigation():
        page.click("button:has-text('Sign out')")
    assert_sees(page, "You are signed out.", "Sign in")
    page.goto(f"{live_server.url}/staff/dashboard")
    assert "/staff/login" in page.url
    assert_sees(page, "Please sign in to see that page.")
    assert page.console_errors == []


# ------------------------------------------------------------------ the quarter's answers


def seed_this_quarter(database: Any) -> None:
    """80 counted answers this quarter, through the repositories the engine uses.

    12 children in care aged 11-17 and 6 aged 8-11 answer questions about home; only 2
    aged 4-7 answer, too few to show, so the next smallest age band (8-11) is "hidden".
    9 care leavers answer two questions and 6 foster carers two more.
    """
    with transaction(database.sessions) as session:
        home = ["home_happy", "feel_safe", "feel_settled"]
        seed_answers(session, "checkin-11-17", "child_in_care", "11-17", 12, home, unhappy=3)
        seed_answers(session, "checkin-8-11", "child_in_care", "8-11", 6, home[:2], unhappy=1)
        seed_answers(session, "checkin-4-7", "child_in_care", "4-7", 2, ["home_feel"])
        seed_answers(
            session, "checkin-care-leaver", "care_leaver", "16-25", 9, ["feel_safe_home"], unhappy=2
        )
        seed_answers(
            session, "checkin-care-leaver", "care_leaver", "16-25", 9, ["good_friend"], unhappy=1
        )
        seed_answers(
            session,
            "carer-feedback",
            "carer",
            "adult",
            6,
            ["support_overall", "feel_valued"],
            unhappy=2,
        )
