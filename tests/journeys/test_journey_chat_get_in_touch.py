"""A 14-year-old in care, in the web chat, mid check-in, types that their carer hits them.

The help is what they see, and under it: would they like someone to get in touch? They
answer ("No, thank you", or "Yes, please" with their first name, after being told kindly
that they left it empty) and stay in the same chat: their answer and Heard's reply under
the help, the question they were on still asked, the help still there to open. With
JavaScript on the whole conversation so far stays on screen (chat.js keeps it in the
page); with it off each page is one exchange, as everywhere in the chat, so the page
shows this exchange and the question, with the help folded above it. Carrying on brings
back the question they were on, and every answer is stored once, in the one check-in.

Walked in English, Arabic and Pashto, JavaScript on and off, at phone size.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_support import LiveServer, axe_violations, describe_violations
from journey_support import (
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    snap,
)
from sqlalchemy import select

from analysis.safeguarding import contact_wording
from storage import models
from storage.db import transaction

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

DISCLOSURE = "my carer hits me when he is drunk"


def post_and_wait(page: Any, act: Any, *, javascript: bool) -> None:
    """Do `act` (a tap or a key that posts a form) and wait for what follows, whether
    chat.js sends it in the background or the browser loads a new page."""
    in_chat = javascript and page.evaluate("() => !!document.getElementById('chat')")
    if in_chat:
        with page.expect_response(lambda response: response.request.method == "POST"):
            act()
        page.wait_for_load_state()
        page.wait_for_function("() => !document.querySelector('#chat[aria-busy]')")
    else:
        with page.expect_navigation():
            act()


def press(page: Any, selector: str, *, javascript: bool) -> None:
    post_and_wait(page, page.locator(selector).last.tap, javascript=javascript)


def help_is_what_they_see(page: Any, *, javascript: bool) -> None:
    """As journey_support.assert_help_is_what_they_see, allowing the half pixel a 2x phone
    screen can leave above the help when chat.js scrolls its top to the top (-0.4 px)."""
    top = page.evaluate("() => document.getElementById('help-now').getBoundingClientRect().top")
    assert -1 < top < page.viewport_size["height"], f"#help-now is out of view: {top}"
    assert page.get_attribute("#help-now", "role") == "alert"
    if javascript:
        assert page.evaluate("() => document.activeElement?.id === 'help-now'")


def in_the_chat(page: Any) -> None:
    """Still the chat: its address (a plain post lands on /chat/get-in-touch, a chat page
    like any other) and its conversation."""
    assert urlsplit(page.url).path in ("/chat", "/chat/get-in-touch"), page.url
    assert page.locator("#chat-log").count() == 1, "they were taken out of the chat"


def latest_question(page: Any) -> str:
    return page.locator("#chat-log li.prompt strong").last.inner_text().strip()


def answers_stored(live_server: LiveServer) -> tuple[int, Counter[str]]:
    with transaction(live_server.database.sessions) as session:
        sessions = len(session.scalars(select(models.SurveySession.id)).all())
        answered = Counter(session.scalars(select(models.Answer.question_id)).all())
    return sessions, answered


@pytest.mark.parametrize("wanted", ["no", "yes"])
@pytest.mark.parametrize("language", ["en", "ar", "ps"])
def test_getting_in_touch_keeps_them_in_the_chat(
    live_server: LiveServer, journey_page: Any, javascript: bool, language: str, wanted: str
) -> None:
    page = journey_page
    shot = lambda name: snap(  # noqa: E731
        page, f"chat-get-in-touch-{language}-{wanted}-{name}", javascript=javascript
    )
    wording = contact_wording("child_in_care", language=language)

    # In their language, they say who they are and start a check-in.
    page.goto(f"{live_server.url}/language/{language}?next=/chat")
    assert (page.get_attribute("html", "lang") or "").split("-")[0] == language
    press(page, 'button[name="cohort"][value="child_in_care"]', javascript=False)
    press(page, 'button[name="age_band"][value="11-17"]', javascript=False)
    press(page, 'button[name="action"][value="begin"]', javascript=javascript)
    press(page, 'button[name="choice"][value="yes"]', javascript=javascript)  # consent
    press(page, 'button[name="choice"][value="no"]', javascript=javascript)  # quote

    # The first question, answered with a tap.
    first_question = latest_question(page)
    first_button = page.locator("#chat-controls .choice-button").first
    first_answer = " ".join(first_button.inner_text().split())
    press(page, "#chat-controls .choice-button >> nth=0", javascript=javascript)
    second_question = latest_question(page)
    assert second_question != first_question

    # At the second, they type what is happening to them.
    page.locator("#chat-text").tap()
    page.keyboard.type(DISCLOSURE)
    post_and_wait(page, lambda: page.keyboard.press("Enter"), javascript=javascript)
    help_is_what_they_see(page, javascript=javascript)
    carry_on_question = latest_question(page)
    page.locator(".contact-offer").last.scroll_into_view_if_needed()
    assert_sees(page, wording.ask)
    shot("1-asked")

    if wanted == "yes":
        # "Yes, please" with nothing filled in: told kindly, still in the chat.
        press(page, '.contact-offer button[name="wanted"][value="yes"]', javascript=javascript)
        in_the_chat(page)
        page.locator(".contact-offer .error-message").first.scroll_into_view_if_needed()
        assert_sees(page, wording.need_one)
        assert page.locator("#contact-first_name").count() == 1  # one form, not two
        page.locator("#contact-first_name").tap()
        page.keyboard.type("Jas")
        shot("2-name")
        if javascript and language == "en":
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)
    button = "yes" if wanted == "yes" else "no"
    press(page, f'.contact-offer button[name="wanted"][value="{button}"]', javascript=javascript)

    # Back in the same chat: their answer, Heard's reply and the question they were on.
    in_the_chat(page)
    said = wording.yes if wanted == "yes" else wording.no
    reply = wording.thanks if wanted == "yes" else wording.declined
    assert_sees(page, said, reply, carry_on_question)
    assert page.get_by_role("button", name=said, exact=True).count() == 0  # answered
    shot("3-answered")
    if javascript and language == "en":
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)

    # The help is still there: where it was given (JavaScript on), or, one exchange a
    # page, folded above this one, a tap away.
    if javascript:
        assert "0800 1111" in page.locator("#chat-log #help-now").inner_text()
    else:
        summary = page.locator("#help-kept summary")
        assert_sees(page, summary.inner_text().strip())
        summary.tap()
        childline = page.locator('#help-kept a[href="tel:08001111"]').first
        childline.scroll_into_view_if_needed()
        assert childline.is_visible()
        summary.tap()

    # With JavaScript on, everything said before is still on the page.
    if javascript:
        log = page.locator("#chat-log")
        for words in (first_question, first_answer, second_question, DISCLOSURE):
            item = log.locator("li", has_text=words).first
            item.scroll_into_view_if_needed()
            assert item.is_visible(), f"{words!r} is gone from the conversation"
            assert_sees(page, words)
        assert log.locator("#help-now").count() == 1  # the help where it was given

    with transaction(live_server.database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.channel == "webchat"
        assert alert.contact_wanted is (wanted == "yes")
    sessions, answered = answers_stored(live_server)
    assert sessions == 1 and sum(answered.values()) == 1, (sessions, answered)

    # They carry on: the question they were on comes back, and they answer it.
    press(page, '#chat-controls button[name="choice"][value="yes"]', javascript=javascript)
    assert_sees(page, second_question)
    press(page, "#chat-controls .choice-button >> nth=0", javascript=javascript)
    assert latest_question(page) not in (first_question, second_question)
    shot("4-carried-on")

    # Each answer stored once, in the one check-in.
    sessions, answered = answers_stored(live_server)
    assert sessions == 1, "the check-in started again"
    assert sum(answered.values()) == 2 and set(answered.values()) == {1}, answered
    no_script_errors(page)
