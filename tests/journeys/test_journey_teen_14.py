"""A 14-year-old in care does their check-in from a link, partly by keyboard alone.

The link came in a messaging app, whose link preview fetched it first. They open
it anyway and get in; answer the first questions with Tab, Space, arrows and
Enter; press Next with nothing chosen and are told kindly what to do, next to the
question; tap through the rest; and in the last box write that someone is hurting
them. The help is the first thing they see, announced. Under it they are asked
whether they would like someone to get in touch; they give their first name and
their social worker's name, see the help again with a thank-you, go back, choose to
carry on, and finish.

Walked twice, JavaScript on and off: the survey form needs no JavaScript.
"""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest
from browser_support import LiveServer
from journey_support import (
    assert_help_is_what_they_see,
    assert_in_view,
    assert_not_seen,
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    press_key,
    snap,
    survey_step,
    tab_to,
    tap_answer,
    tap_button,
    tap_link,
)
from sqlalchemy import select

from storage import models
from storage.db import transaction

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

DISCLOSURE = "he touches me when no one is around"


def link_preview_fetches(link: str) -> None:
    """What a messaging app does with a link before anyone taps it: no cookies kept."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(link, method=method, headers={"User-Agent": "preview"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our server)
            assert response.status == 200
            if method == "GET":
                assert "How are things going?" in response.read().decode()


def test_a_14_year_old_does_their_check_in(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"teen-14-{name}", javascript=javascript)  # noqa: E731
    link = live_server.invite("checkin-11-17")
    link_preview_fetches(link)

    # They open it: the link still works, because looking at it spent nothing.
    page.goto(link)
    assert_not_seen(page, "already been used")
    assert_sees(page, "How are things going?", "This check-in asks about home")
    shot("1-hello")

    # By keyboard: Tab to a button, Enter.
    tab_to(page, 'button[name="choice"][value="yes"]')
    press_key(page, "Enter", javascript=javascript)
    assert_sees(page, "Can we use your words")
    tab_to(page, 'button[name="choice"][value="no"]')
    press_key(page, "Enter", javascript=javascript)
    assert_sees(page, "Question 1 of", "How happy are you with where you live at the moment?")

    # Next with nothing chosen: a kind message, tied to the question.
    tab_to(page, 'button[name="action"][value="answer"]')
    press_key(page, "Enter", javascript=javascript)
    assert_sees(page, "Please choose an answer")
    assert_not_seen(page, "didn't quite get that")
    assert_in_view(page, ".error-summary")
    assert "question-error" in (page.get_attribute("#question", "aria-describedby") or "")
    assert page.get_attribute(".error-summary", "role") == "alert"
    shot("2-nothing-chosen")

    # Space chooses, arrows move between answers, Enter on Next sends.
    tab_to(page, 'input[name="choice"]')
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.get_by_role("radio", name="Happy", exact=True).is_checked()
    tab_to(page, 'button[name="action"][value="answer"]')
    press_key(page, "Enter", javascript=javascript)
    assert_sees(page, "Do you feel safe where you live?")
    tab_to(page, 'input[name="choice"]')
    page.keyboard.press("Space")
    assert page.get_by_role("radio", name="Yes", exact=True).is_checked()
    tab_to(page, 'button[name="action"][value="answer"]')
    press_key(page, "Enter", javascript=javascript)
    assert_sees(page, "Do you feel settled where you live")

    # The rest by tapping, to the last box, where they can write anything.
    for _ in range(30):
        if page.query_selector('textarea[name="text"]'):
            break
        tap_answer(page, page.locator("label.choice").first.inner_text().strip())
        tap_button(page, "Next", javascript=javascript)
    assert_sees(page, "Is there anything else you want to tell us")
    page.locator("#answer-text").tap()
    page.keyboard.type(DISCLOSURE)
    tap_button(page, "Next", javascript=javascript)

    # The help is what they see, first, announced; nothing else is asked of them yet.
    assert_help_is_what_they_see(page, javascript=javascript)
    assert_not_seen(page, "didn't quite get that", "Please choose an answer")
    shot("3-help-in-view")
    with transaction(live_server.database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.channel == "web"

    # Under the help: would they like someone to get in touch? They say yes, and how.
    page.locator("#contact-first_name").scroll_into_view_if_needed()
    assert_sees(page, "Would you like someone from the council to get in touch")
    page.locator("#contact-first_name").tap()
    page.keyboard.type("Jas")
    page.locator("#contact-worker").tap()
    page.keyboard.type("karen")
    shot("4-get-in-touch")
    tap_button(page, "Yes, please", javascript=False)  # a plain form, JavaScript or not
    assert_sees(page, "Getting in touch", "they will get in touch as soon as they can")
    assert_sees(page, "Help is here")  # the help is still on screen
    shot("5-we-will-get-in-touch")
    with transaction(live_server.database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.contact_wanted is True
        assert alert.contact_sealed and "karen" not in alert.contact_sealed
    tap_link(page, "Go back")

    # They choose to carry on, and finish.
    assert_sees(page, "Would you like to carry on")
    tap_button(page, "Carry on", javascript=javascript)
    assert survey_step(page) is None
    assert_sees(page, "Thank you", "Your answers have been saved")
    shot("6-thank-you")
    no_script_errors(page)
