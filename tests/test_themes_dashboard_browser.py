"""In a real browser at phone size, JavaScript on and off: the themes page shows foster
carers' themes apart from young people's (issue 17), and small counts stay hidden.

Comments are written through the repository the engine uses and tagged by the same
annotation job the scheduler runs (analysis.annotate), so carers' comments get the
carers' lexicon and young people's the young people's; the page's figures come from
the report's planner, which suppresses any count under the threshold.
"""

from __future__ import annotations

from typing import Any

import browser_support
import journey_support
import pytest
from browser_support import LiveServer
from journey_support import add_staff_account, assert_sees, sign_in, snap

from analysis.annotate import annotate_pending
from storage.comments import add_comment
from storage.db import transaction
from storage.respondents import get_or_create_respondent, set_profile

live_server = browser_support.live_server
javascript = journey_support.javascript
journey_page = journey_support.journey_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "themes.lead@council.example"
PASSWORD = "a long password for the themes page"

# (cohort, age band, how many people, what each of them wrote)
WRITERS = [
    ("carer", "adult", 7, "our allowance was paid late AGAIN this month"),
    ("carer", "adult", 2, "no respite in over a year and we are exhausted"),
    ("child_in_care", "11-17", 6, "got picked 4 the football team cant wait"),
    ("care_leaver", "16-25", 6, "my PA changed again thats 4 in 2 yrs"),
]


def seed_comments(live_server: LiveServer) -> None:
    with transaction(live_server.database.sessions) as session:
        for cohort, age_band, people, text in WRITERS:
            for n in range(people):
                pseudonym = f"themes-{cohort}-{text[:6]}-{n}".ljust(64, "x")
                person = get_or_create_respondent(session, pseudonym, "web")
                set_profile(session, person, cohort=cohort, age_band=age_band, consent_version="1")
                add_comment(
                    session,
                    respondent_id=person.id,
                    text=text,
                    channel="web",
                    cohort=cohort,
                    age_band=age_band,
                    quote_consent=False,
                )
    assert annotate_pending(live_server.database.sessions) == sum(w[2] for w in WRITERS)


def test_carers_themes_are_shown_apart_from_young_peoples(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    seed_comments(live_server)
    add_staff_account(live_server.database, EMAIL, "participation", PASSWORD)
    sign_in(page, live_server.url, EMAIL, PASSWORD)
    page.goto(f"{live_server.url}/staff/themes")

    page.locator("#young-peoples-themes").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('young-peoples-themes').scrollIntoView()")
    assert_sees(
        page,
        "Young people's themes",
        "What children in care and care leavers wrote about",
        "Activities and hobbies",
        "Support from the council",
    )
    young = page.inner_text("#table-young-themes")
    assert "Payments and allowances" not in young and "Respite and breaks" not in young
    snap(page, "themes-young-people", javascript=javascript)

    page.evaluate("document.getElementById('carers-themes').scrollIntoView()")
    assert_sees(
        page,
        "Foster carers' themes",
        "Carers' comments are tagged with carers' own themes",
        "Payments and allowances",
    )
    carers = page.inner_text("#table-carers-themes")
    assert "Activities and hobbies" not in carers and "Support from the council" not in carers
    rows = {
        row.locator("th").inner_text(): row.locator("td").first.inner_text()
        for row in page.locator("#table-carers-themes tbody tr").all()
    }
    assert rows["Payments and allowances"] == "7"
    # two carers wrote about respite: too few to show, so the count is suppressed
    assert rows["Respite and breaks"] == "fewer than 5"
    assert "2" not in rows["Respite and breaks"]
    snap(page, "themes-carers", javascript=javascript)
