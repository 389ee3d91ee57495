"""A care leaver, 18, asks the web chat and the offer search "how do i get on the pill".

A safeguarding model that reads it as a risk (no lexicon rule matches; a small real
model file stands in for the shipped one, which no longer does) flags it, so the help
comes first, as for any flag, and the answer they asked for is under it: sexual health
and contraception, with the link to read more. Walked at phone size with JavaScript on
and off; the words asserted are the words in view.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import LiveServer
from journey_support import (
    assert_help_is_what_they_see,
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    snap,
    tap_button,
    type_and_send,
)
from test_offer_beside_model_only_help import pill_reader

from analysis.safeguarding import detector as detector_module

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "how do i get on the pill"


@pytest.fixture(autouse=True)
def model_that_misreads_the_pill(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detector_module, "_model_or_none", pill_reader)


ANSWER = "Sexual health and contraception"


def test_help_then_the_answer_in_the_chat_and_the_search(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"offer-beside-help-{name}", javascript=javascript)  # noqa: E731

    page.goto(f"{live_server.url}/chat")
    tap_button(page, "I've left care, or I'm leaving soon", javascript=False)
    type_and_send(page, "#chat-text", QUESTION, javascript=javascript)
    assert_help_is_what_they_see(page, javascript=javascript)
    log = page.inner_text("#chat-log")
    assert log.index("Help is here") < log.index(ANSWER), "the help comes first"
    assert page.get_by_role("link", name=f"Read more: {ANSWER}").count() == 1
    page.get_by_role("link", name=f"Read more: {ANSWER}").scroll_into_view_if_needed()
    assert_sees(page, ANSWER)
    shot("1-chat")

    page.goto(f"{live_server.url}/offer")
    page.fill("#offer-q", QUESTION)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert_help_is_what_they_see(page, javascript=javascript)
    main = page.inner_text("main")
    assert main.index("Help is here") < main.index("What we found") < main.index(ANSWER)
    shot("2-search-help")
    page.locator("#results-title").evaluate("e => e.scrollIntoView()")
    assert_sees(page, "What we found", ANSWER)
    shot("3-search-answer")
    no_script_errors(page)
