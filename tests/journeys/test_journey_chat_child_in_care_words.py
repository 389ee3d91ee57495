"""A 14-year-old in care, on her phone, in the web chat, outside a check-in.

Before she types anything, the chat tells her that if she says something that makes us
worried about her safety, the person at the council whose job is keeping children safe
will be told (the help she is shown later says "as we said at the start"). She is greeted
as a child in care, never as a care leaver, and the box asks her to type "start". A joke
about a maths test is not understood, and she is told so kindly, with what she can do:
never sent to a PA or the Leaving Care Service. Then she tells Heard her carer hits her,
says "Yes, please" to someone getting in touch with nothing filled in, is told kindly,
fills in her name and phone number and sends: the thanks, and no empty Heard bubble and
no "You don't have a check-in open" (she never asked about one).

Walked twice, JavaScript on and off, at phone size (390x844).
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import LiveServer
from journey_support import (
    assert_help_is_what_they_see,
    assert_not_seen,
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    post_and_wait,
    snap,
    tap_button,
    type_and_send,
)

from analysis.safeguarding import contact_wording

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAFETY = "the person at the council whose job is keeping children and young people safe"
DISCLOSURE = "my carer hits me when he is drunk"
NO_CHECKIN = "You don't have a check-in open"


def empty_heard_bubbles(page: Any) -> list[str]:
    """Heard's lines in the conversation with nothing to read in them (only the hidden
    "Heard: " that every line of Heard's starts with)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#chat-log > li.from-heard'))
              .filter(li => {
                const copy = li.cloneNode(true);
                copy.querySelectorAll('.visually-hidden').forEach(el => el.remove());
                return !copy.textContent.trim() && !copy.querySelector('form, input');
              })
              .map(li => li.outerHTML)"""
    )


def test_a_child_in_care_hears_words_for_her(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"chat-child-words-{name}", javascript=javascript)  # noqa: E731

    # Before she says anything: what happens to words that worry us.
    page.goto(f"{live_server.url}/chat")
    assert_sees(page, "Which of these is you?", SAFETY)
    shot("1-start")
    tap_button(page, "I'm in care", javascript=False)
    tap_button(page, "11 to 17", javascript=False)

    # Greeted as a child in care, not as a care leaver.
    assert_sees(page, "how things are going, at home, at school", 'Type "start" for a check-in')
    assert_not_seen(page, "care leavers can get", "Ask about the local offer", NO_CHECKIN)
    page.locator("#chat-safety").scroll_into_view_if_needed()
    assert_sees(page, SAFETY)
    shot("2-hello")

    # Not understood: said kindly, and what she can do.
    type_and_send(page, "#chat-text", "im so dead if i fail maths lol", javascript=javascript)
    page.locator("#chat-log .offer-reply").last.scroll_into_view_if_needed()
    assert_sees(page, "Sorry, I didn't understand that.", "social worker or your carer")
    assert_not_seen(page, "personal adviser", "Leaving Care", "ask your PA")
    shot("3-not-understood")

    # She tells Heard what is happening: the help, which says what she was told.
    type_and_send(page, "#chat-text", DISCLOSURE, javascript=javascript)
    assert_help_is_what_they_see(page, javascript=javascript)
    page.locator("#help-now").get_by_text("as we said at the start").scroll_into_view_if_needed()
    assert_sees(page, "as we said at the start")

    # "Yes, please" with nothing filled in, then her name and phone number.
    yes = '.contact-offer button[name="wanted"][value="yes"]'
    post_and_wait(page, page.locator(yes).last.tap, javascript=javascript)
    page.locator(".contact-offer .error-message").first.scroll_into_view_if_needed()
    assert_sees(page, contact_wording("child_in_care").need_one)
    shot("4-asked-again")
    page.locator("#contact-first_name").tap()
    page.keyboard.type("Jas")
    page.locator("#contact-phone").tap()
    page.keyboard.type("07700 900123")
    post_and_wait(page, page.locator(yes).last.tap, javascript=javascript)
    thanks = page.locator("#chat-log li.contact-answered").last
    thanks.scroll_into_view_if_needed()
    assert_sees(page, "Thank you. We have told the person at the council whose job is keeping")
    shot("5-thanks")
    assert empty_heard_bubbles(page) == []
    assert_not_seen(page, NO_CHECKIN)
    no_script_errors(page)
