"""A care leaver, 19, without Telegram, uses the web chat on their phone.

They say who they are, ask about the local offer in their own words, start a
check-in with the "Start a check-in" button, use Back, Stop for now and Carry on,
then, outside the check-in, tell Heard their carer hits them. The help is what
they see: in view, announced, with no search result under it. They say "No, thank
you" to someone getting in touch and stay in the chat, and the help is still
there after their next message. Last, they browse the offer pages.

Walked twice: JavaScript on (chat.js posts in the background and keeps the
conversation on the page) and off (every button is a plain form post).
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
    snap,
    tap_button,
    tap_link,
    type_and_send,
)
from sqlalchemy import func, select

from storage import models
from storage.db import transaction

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

DISCLOSURE = "my carer hits me when he is drunk"


def ask(page: Any, words: str, *, javascript: bool) -> None:
    type_and_send(page, "#chat-text", words, javascript=javascript)


def test_care_leaver_in_the_web_chat(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"care-leaver-{name}", javascript=javascript)  # noqa: E731

    # They open the chat and say who they are: no account, no name.
    page.goto(f"{live_server.url}/chat")
    assert_sees(page, "Chat with Heard", "Which of these is you?")
    tap_button(page, "I've left care, or I'm leaving soon", javascript=False)
    assert_sees(page, "Hi! I'm Heard", "the local offer")
    shot("1-hello")

    # Questions about the local offer, in their own words.
    ask(page, "can i stay with my foster carers after 18", javascript=javascript)
    assert_sees(page, "Staying Put")
    ask(page, "im skint", javascript=javascript)
    assert_sees(page, "Help if you run out of money")
    assert page.get_by_role("link", name="Read more: Help if you run out of money").count() == 1
    shot("2-offer-answer")

    # "Start a check-in" (with JavaScript on, this button once posted to "/[object ...]").
    tap_button(page, "Start a check-in", javascript=javascript)
    assert_not_seen(page, "We can't find that page")
    assert_sees(page, "This check-in is for young people who have left care")
    # Typed words that are neither yes nor no: told the two buttons, nothing started.
    ask(page, "not bothered", javascript=javascript)
    assert_sees(page, "Please tap “Yes, let's start” or “Not now”, or type yes or no.")
    shot("2b-unclear-at-is-that-ok")
    tap_button(page, "Yes, let's start", javascript=javascript)
    assert_sees(page, "Can we use your words")
    tap_button(page, "No thanks", javascript=javascript)
    assert_sees(page, "Where are you living at the moment?")
    shot("3-first-question")

    # An optional question: they skip it, answer the next, then go back to it.
    tap_button(page, "Skip", javascript=javascript)
    assert_sees(page, "Do you feel safe where you're living now?")
    tap_button(page, "Sometimes", javascript=javascript)
    assert_sees(page, "How happy are you with where you live?")
    tap_button(page, "Back", javascript=javascript)
    assert_sees(page, "You said: Sometimes", "Do you feel safe where you're living now?")
    tap_button(page, "Yes", javascript=javascript)
    assert_sees(page, "How happy are you with where you live?")

    # A break, and back to it.
    tap_button(page, "Stop for now", javascript=javascript)
    assert_sees(page, "Your check-in is paused")
    shot("4-paused")
    tap_button(page, "Carry on my check-in", javascript=javascript)
    assert_sees(page, "Welcome back", "How happy are you with where you live?")
    tap_button(page, "Stop for now", javascript=javascript)
    assert_sees(page, "Your check-in is paused")

    # Outside the check-in they tell Heard something that means they may not be safe.
    ask(page, DISCLOSURE, javascript=javascript)
    assert_help_is_what_they_see(page, javascript=javascript)
    assert_not_seen(page, "not sure I've understood", "You could look through these parts")
    shot("5-help-in-view")
    with transaction(live_server.database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.channel == "webchat"
        assert session.scalar(select(func.count(models.OfferQuery.id))) == 2  # not the words

    # Asked whether they would like someone to get in touch, they say no: that's OK. They
    # stay in the chat (with JavaScript on, on the same page, the conversation kept).
    page.locator(".contact-offer").scroll_into_view_if_needed()
    assert_sees(page, "Would you like someone from the council to get in touch")
    tap_button(page, "No, thank you", javascript=javascript)
    assert page.url.startswith(f"{live_server.url}/chat")  # /chat/get-in-touch without JS
    assert page.locator("#chat-log").count() == 1
    assert_sees(page, "No, thank you", "That's OK. If you change your mind")
    if javascript:  # the conversation so far, and the help where it was given
        log = page.inner_text("#chat-log")
        assert "Help if you run out of money" in log and DISCLOSURE in log
        assert log.count("Hi! I'm Heard") == 1  # the chat carries on; it does not start again
        assert "0800 1111" in page.inner_text("#help-now")
    else:  # one exchange a page: the help folded above it
        assert_sees(page, "Chat with Heard", "Help is here: who you can talk to")
        assert_not_seen(page, "Hi! I'm Heard")  # the chat carries on; it does not start again
    shot("5b-no-thank-you")
    with transaction(live_server.database.sessions) as session:
        assert session.scalar(select(models.SafeguardingAlert.contact_wanted)) is False

    # Their next message does not take the help away.
    ask(page, "what help can i get with rent", javascript=javascript)
    assert_sees(page, "rent", "How to get it")  # an answer from the offer about rent
    if javascript:  # still in the conversation, above
        assert "0800 1111" in page.inner_text("#chat-log .help-item")
    else:  # one exchange a page: folded, just above the reply
        assert page.locator("#help-kept").is_visible(), "the help vanished with the next message"
        assert_sees(page, "Help is here: who you can talk to")
    shot("6-help-kept")

    # "ok carry on", typed, picks the paused check-in up again.
    ask(page, "ok carry on", javascript=javascript)
    assert_sees(page, "Welcome back", "How happy are you with where you live?")

    # They browse the offer pages.
    tap_link(page, "Browse the local offer")
    assert_sees(page, "The local offer for care leavers", "Browse by topic")
    tap_link(page, "Somewhere to live")
    assert_sees(page, "Somewhere to live")
    tap_link(page, "Staying Put: living with your foster family after 18")
    assert_sees(page, "Staying Put: living with your foster family after 18", "up to age 21")
    shot("7-offer-entry")
    no_script_errors(page)
