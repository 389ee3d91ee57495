"""Issue 17 on the web: a care leaver on a phone searches the local offer for a bus pass in
their own words (typos, text-speak, no punctuation), sees the new travel entry, opens it,
and a question about a video game gets "not sure" rather than a confident wrong answer.

Walked twice at 390x844: JavaScript on and off. Steps assert the words in view.
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
    tap_link,
    type_and_send,
)

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRAVEL = "Bus passes, the railcard and help with travel"


def test_a_care_leaver_finds_help_with_travel_on_a_phone(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"offer-travel-{name}", javascript=javascript)  # noqa: E731

    page.goto(f"{live_server.url}/offer")
    assert_sees(page, "Search the local offer")
    type_and_send(page, "#offer-q", "how do i get a buss pas 4 college", javascript=javascript)
    assert_sees(page, "What we found", TRAVEL)
    shot("1-found")

    tap_link(page, TRAVEL)
    assert_sees(page, TRAVEL, "16-25 Railcard for free", "check with your PA")
    shot("2-entry")
    page.get_by_text("How to get it").first.scroll_into_view_if_needed()
    assert_sees(page, "How to get it", "Ask your PA for the railcard code")
    shot("3-how-to-get-it")

    page.goto(f"{live_server.url}/offer")
    type_and_send(page, "#offer-q", "how do i get better at this video game", javascript=javascript)
    assert_sees(page, "not sure")
    assert_not_seen(page, "Become an Ambassador")
    shot("4-not-sure")
    no_script_errors(page)
