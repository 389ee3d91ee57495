"""The local offer in Arabic on a phone: a care leaver chooses Arabic, opens a topic and an
entry, and reads its title and summary in Arabic, right to left, with the parts not yet
translated shown in English; then asks the web chat, and the answer is wholly Arabic, its
labels too (localoffer/words.ar.yaml). Walked twice at 390x844: JavaScript on and off."""

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
    tap_button,
    tap_link,
    type_and_send,
)

from localoffer.catalogue import load_offer
from localoffer.words import load_offer_words

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
    english = page.locator("main [lang=en]")  # what is not translated yet, if anything
    if english.count():
        assert english.first.evaluate("el => getComputedStyle(el).direction") == "ltr"
    shot("2-entry")
    no_script_errors(page)


AR = load_offer_words("ar")
EN = load_offer_words("en")
STAYING_PUT = load_offer().translations["ar"]["staying-put"].fields


def _label(words: Any, name: str) -> str:
    return str(words.texts[name]).split("{")[0].strip()


def test_a_care_leaver_asks_the_web_chat_in_arabic_and_reads_no_english_label(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"offer-arabic-chat-{name}", javascript=javascript)  # noqa: E731
    english = [
        _label(EN, name)
        for name in ("how_to_get_it", "contact", "others", "ask_about_others", "not_sure")
    ] + ["You could look through", "You can always ask your PA", *EN.areas.values()]

    page.goto(f"{live_server.url}/language/ar?next=/chat")
    tap_button(page, "تركت الرعاية، أو سأتركها قريبًا", javascript=False)
    type_and_send(
        page, "#chat-text", "can i stay with my foster carers after 18", javascript=javascript
    )
    reply = page.locator(".offer-reply").last
    reply.wait_for()
    words = reply.inner_text()
    assert STAYING_PUT["title"] in words
    assert _label(AR, "how_to_get_it") in words and _label(AR, "contact") in words
    assert _label(AR, "others") in words
    assert not [label for label in english if label in words], words
    assert reply.evaluate("el => getComputedStyle(el).direction") == "rtl"
    shot("1-answer")

    type_and_send(page, "#chat-text", "how do i get a pass for the festival", javascript=javascript)
    reply = page.locator(".offer-reply").last
    words = reply.inner_text()
    assert AR.texts["not_sure"] in words and _label(AR, "ask_pa") in words
    assert any(name in words for name in AR.areas.values())
    assert not [label for label in english if label in words], words
    # anything still in English inside it (a name) is marked so, and reads left to right
    for marked in reply.locator("[lang=en]").all():
        assert marked.evaluate("el => getComputedStyle(el).direction") == "ltr"
    shot("2-not-sure")
    no_script_errors(page)
