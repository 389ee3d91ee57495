"""A foster carer fills in the carer feedback survey from the link the fostering team sent.

Every page speaks to them as a carer: the survey's own opening, help for an adult
worried about a child (the NSPCC, their supervising social worker), never "call
Childline", which is for children, and a thank-you that talks about what carers
said. They pick training from a list, write a worry about a child they look after,
carry on, and finish. Reopening the link later shows only that it was finished.

Walked twice, JavaScript on and off: the survey form needs no JavaScript.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import LiveServer
from journey_support import (
    assert_in_view,
    assert_not_seen,
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    snap,
    survey_step,
    tap_answer,
    tap_button,
    time_passes_on_this_device,
)

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORRY = "I am worried the child in my care is being groomed online"
FOR_CHILDREN = ("Childline", "young people said", "your social worker or your carer")


def assert_speaks_to_a_carer(page: Any) -> None:
    assert_not_seen(page, *FOR_CHILDREN)


def test_a_foster_carer_gives_feedback(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"foster-carer-{name}", javascript=javascript)  # noqa: E731
    next_page = lambda: tap_button(page, "Next", javascript=javascript)  # noqa: E731

    link = live_server.invite("carer-feedback")
    page.goto(link)
    assert_sees(page, "Foster carer feedback", "Thank you for caring for children in our care")
    assert_speaks_to_a_carer(page)
    shot("1-hello")
    tap_button(page, "Yes, let's start", javascript=javascript)
    tap_button(page, "No thanks", javascript=javascript)
    assert_sees(page, "how happy are you with the support you get as a foster carer")
    assert_speaks_to_a_carer(page)

    for _ in range(30):
        if page.get_by_role("checkbox").count():
            break
        tap_answer(page, page.locator("label.choice").first.inner_text().strip())
        next_page()
    assert_sees(page, "Which training would help you most?")
    tap_answer(page, "Trauma and attachment")
    tap_answer(page, "Caring for teenagers")
    shot("2-training")
    next_page()

    for _ in range(30):
        if page.query_selector('textarea[name="text"]'):
            break
        tap_answer(page, page.locator("label.choice").first.inner_text().strip())
        next_page()
    assert_sees(page, "Is there anything else you'd like to tell us")
    page.locator("#answer-text").tap()
    page.keyboard.type(WORRY)
    next_page()

    # Help meant for an adult worried about a child, first and in view.
    assert_in_view(page, "#help-now")
    assert page.get_attribute("#help-now", "role") == "alert"
    assert_sees(page, "Help is here", "supervising social worker")
    assert_sees(page, "NSPCC")
    assert_speaks_to_a_carer(page)
    shot("3-help-for-a-carer")
    tap_button(page, "Carry on", javascript=javascript)

    assert survey_step(page) is None
    assert_sees(page, "Thank you", "what carers told us")
    assert_sees(page, "supervising social worker")
    assert_speaks_to_a_carer(page)  # the footer too: no Childline for an adult
    shot("4-thank-you")

    time_passes_on_this_device(page)
    page.goto(link)
    assert_sees(page, "You've finished this survey, thank you")
    assert page.locator("a[href*='my-data']").count() == 0
    assert_speaks_to_a_carer(page)
    no_script_errors(page)
