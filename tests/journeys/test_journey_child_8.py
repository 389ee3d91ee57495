"""An 8-year-old in care opens the link their social worker sent, on a phone.

They agree to start, tap their answers, change their mind about one with Back
(and see what they said in words, not letters), finish, and are thanked. Later,
someone else opening the link on that tablet sees only that it was finished. The
"how happy" questions are faces with their words under them, big enough to tap.

Walked twice, JavaScript on and off: the survey form needs no JavaScript, so
both must be the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import LiveServer
from journey_support import (
    assert_not_seen,
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    snap,
    tap_answer,
    tap_button,
    time_passes_on_this_device,
)

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_8_year_old_does_their_check_in(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"child-8-{name}", javascript=javascript)  # noqa: E731
    next_page = lambda: tap_button(page, "Next", javascript=javascript)  # noqa: E731

    page.goto(live_server.invite("checkin-8-11"))
    assert_sees(page, "How's life?", "Hi! We'd like to know how life is going for you")
    assert_not_seen(page, "/forgetme", "already been used")
    shot("1-hello")
    tap_button(page, "Yes, let's start", javascript=javascript)
    assert_sees(page, "Can we use your words")
    tap_button(page, "No thanks", javascript=javascript)

    assert_sees(page, "Question 1 of", "How happy are you with the home you live in now?")
    assert_sees(page, "Very sad", "OK", "Very happy")
    faces = page.locator(".choices.faces .face")
    assert faces.count() == 5 and faces.first.bounding_box()["height"] >= 36
    tap_answer(page, "Very happy")
    shot("2-first-question")
    next_page()
    assert_sees(page, "Do you feel safe in your home?")
    tap_answer(page, "Sometimes")
    next_page()
    assert_sees(page, "How happy are you with your bedroom")

    # They change their mind: Back shows what they said, in words.
    tap_button(page, "Back", javascript=javascript)
    assert_sees(page, "You said: Sometimes", "Do you feel safe in your home?")
    assert_not_seen(page, "S, o, m", "s, o, m")
    assert page.get_by_role("radio", name="Sometimes", exact=True).is_checked()
    shot("3-went-back")
    tap_answer(page, "Yes")
    next_page()
    assert_sees(page, "How happy are you with your bedroom")

    # The rest, one tap and Next each, until the last (optional) box to write in.
    for _ in range(20):
        if page.query_selector('textarea[name="text"]'):
            break
        first = page.locator("label.choice").first
        words = first.locator(".face-word")  # a face's words, not the face itself
        tap_answer(page, (words if words.count() else first).inner_text().strip())
        next_page()
    assert_sees(page, "Is there anything else you'd like us to know?")
    page.locator("#answer-text").tap()
    page.keyboard.type("I like my school and my carers")
    next_page()

    assert_sees(page, "Thank you", "Your answers have been saved")
    assert_sees(page, "children and young people said")
    assert_not_seen(page, "Question")
    shot("4-thank-you")

    # Later someone else picks up the carer's tablet and opens the same link.
    link = page.url
    time_passes_on_this_device(page)
    page.goto(link)
    assert_sees(page, "You've finished this check-in, thank you")
    assert_not_seen(page, "I like my school", "Question")
    assert page.locator("a[href*='my-data']").count() == 0  # no way in to the answers
    assert page.get_by_role("button").count() == 0  # nothing asked
    shot("5-reopened-later")
    no_script_errors(page)
