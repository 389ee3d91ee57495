"""The local offer in Arabic on a phone: a care leaver chooses Arabic, opens a topic and an
entry, and reads its title and summary in Arabic, right to left, with the parts not yet
translated shown in English. Walked twice at 390x844: JavaScript on and off."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import LiveServer
from journey_support import (
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    snap,
    tap_link,
)

from localoffer.catalogue import load_offer

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = load_offer().translations["ar"]["homelessness-help"].fields


def test_a_care_leaver_reads_an_offer_entry_in_arabic_on_a_phone(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"offer-arabic-{name}", javascript=javascript)  # noqa: E731

    page.goto(f"{live_server.url}/language/ar?next=/offer/accommodation")
    assert_sees(page, WORDS["title"])
    assert page.locator("html").get_attribute("dir") == "rtl"
    shot("1-topic")

    tap_link(page, WORDS["title"])
    assert_sees(page, WORDS["title"], WORDS["summary"][:40])
    heading = page.locator("h1")
    assert heading.get_attribute("lang") is None  # the page's language: Arabic
    assert heading.evaluate("el => getComputedStyle(el).direction") == "rtl"
    english = page.locator("p[lang=en]").first  # details: not translated yet
    assert english.evaluate("el => getComputedStyle(el).direction") == "ltr"
    shot("2-entry")
    no_script_errors(page)
