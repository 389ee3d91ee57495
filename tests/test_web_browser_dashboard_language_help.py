"""In Chromium at phone size, JavaScript on and off: the dashboard's answers by language and
answered with help (issue 16), as a participation officer reads them.

She reads this quarter's languages (Arabic with its own name) and the small "with help"
group reading "fewer than 5"; picks this month and is told languages are for quarters and
why; picks one group and is told both tables are for everyone only.
"""

from __future__ import annotations

from typing import Any

import journey_support
import pytest
from journey_support import (
    add_staff_account,
    assert_not_seen,
    assert_sees,
    overflow,
    scroll_to,
    sign_in,
    snap,
)
from test_web_staff_dashboard_language_help import answers

javascript = journey_support.javascript
journey_page = journey_support.journey_page
live_server = journey_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "amira.participation@council.example"
PASSWORD = "a long sentence for Amira's password"


def test_languages_and_help_on_the_dashboard_at_phone_size(
    live_server: Any, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    database = live_server.database
    answers(database, 7, unhappy=2)  # English, no grown-up helping
    answers(database, 3, helped=True, first=50)  # English, a grown-up helping: too few to show
    answers(database, 6, language="ar", unhappy=1, first=100)  # Arabic
    add_staff_account(database, EMAIL, "participation", PASSWORD)
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    assert page.url.endswith("/staff/dashboard")  # this quarter so far

    scroll_to(page, "#by-language")
    assert_sees(
        page,
        "Answers by language",
        "Language answered in",
        "English 80% 80% 10",
        "Arabic ( العربية ) 80% 83% 6",  # the words in view, one text node apart
    )
    scroll_to(page, "#table-by-language-caption")
    assert_sees(page, "Answers in every language count together in the council's figure.")
    snap(page, "dashboard-languages-quarter", javascript=javascript)

    scroll_to(page, "#by-help")
    assert_sees(
        page,
        "Answered with help",
        "A grown-up was helping",
        "No, or not asked 80% hidden",  # n is further right, scrolled within the table
        "Yes 80% fewer than 5",
    )
    page.locator("#table-by-help-hidden").scroll_into_view_if_needed()
    assert_sees(page, "“hidden”: this figure is not small itself.")
    snap(page, "dashboard-help-quarter", javascript=javascript)
    assert overflow(page)["scrollWidth"] <= page.viewport_size["width"]

    # This month: no languages, and the page says so and why.
    with page.expect_navigation():
        page.click("nav.period-nav >> text=This month so far")
    scroll_to(page, "#by-language")
    assert_sees(
        page,
        "Answers by language",
        "Answers by language are shown for quarters and financial years, not for a single month,",
        "because a language can hint at someone's ethnic origin.",
    )
    assert_not_seen(page, "Arabic")
    snap(page, "dashboard-languages-month", javascript=javascript)

    # One group: neither table, and a sentence saying they are for everyone only.
    with page.expect_navigation():
        page.click("nav.period-nav >> text=This quarter so far")
    page.select_option("#filter-cohort", "child_in_care")
    with page.expect_navigation():
        page.click("button:has-text('Show this group')")
    assert "cohort=child_in_care" in page.url
    scroll_to(page, "#language-help-everyone")
    assert_sees(
        page,
        "Answers by language and answers given with a grown-up's help are shown for everyone only,",
        "so that a small group cannot be picked out",
        "show everyone",
    )
    assert_not_seen(page, "Arabic", "Language answered in", "A grown-up was helping")
    snap(page, "dashboard-languages-filtered", javascript=javascript)
