"""In a real browser: "Read it to me" on the survey form (webforms/static/read_aloud.js).

The browser's own speech synthesis is replaced, before the page loads, by a stub that
records what it was asked to say and in which language (headless Chromium has no voice
to hear). With JavaScript on, a child on a phone (360x740) opens an invite link, presses
"Read it to me" on a question, and the question and each of its options are spoken in the
page's language, with nothing fetched from anywhere but Heard. With JavaScript off there
is no button, and the question is answered as before. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import browser_support
import pytest
from browser_support import (
    LiveServer,
    axe_violations,
    describe_violations,
    phone_page,
    screenshot,
)

live_server = browser_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 740}
QUESTION = "How happy are you with the home you live in now?"

# Before any page script: record speak() and cancel(), and say the device has an English voice.
SPEECH_STUB = """
(() => {
  window.__spoken = [];
  window.__cancels = 0;
  window.__voices = [{lang: 'en-GB', name: 'Test English', default: true}];
  let synth = window.speechSynthesis;
  if (!synth) {
    synth = new EventTarget();
    Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  }
  synth.speak = (u) => { window.__spoken.push({text: u.text, lang: u.lang}); };
  synth.cancel = () => { window.__cancels += 1; };
  synth.getVoices = () => window.__voices;
})();
"""


def phone(*, javascript: bool) -> AbstractContextManager[Any]:
    return phone_page(javascript=javascript, viewport=PHONE)  # bypass_csp: axe-core


def tap(page: Any, label: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=label, exact=True).first.tap()


def to_first_question(page: Any, link: str) -> None:
    page.goto(link)
    tap(page, "Yes, let's start")
    tap(page, "No thanks")
    assert page.inner_text(".progress").startswith("Question 1 of")
    assert page.inner_text("h1") == QUESTION


def read_button(page: Any) -> Any:
    return page.get_by_role("button", name="Read it to me", exact=True)


def test_a_child_hears_the_question_and_its_options(live_server: LiveServer) -> None:
    with phone(javascript=True) as page:
        page.add_init_script(SPEECH_STUB)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        elsewhere: list[str] = []
        page.on(
            "request",
            lambda r: elsewhere.append(r.url) if not r.url.startswith(live_server.url) else None,
        )
        to_first_question(page, live_server.invite("checkin-8-11"))
        lang = page.get_attribute("html", "lang")
        assert lang == "en-GB"

        button = read_button(page)
        assert button.count() == 1 and button.is_visible()
        assert button.get_attribute("type") == "button"
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
        # it comes before the options, so it is found first by eye and by keyboard
        question_box = page.locator("h1.question-text").bounding_box()
        assert box["y"] < question_box["y"]
        screenshot(page, "read-aloud-1-question")
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)

        button.tap()
        spoken = page.evaluate("() => window.__spoken")
        texts = [s["text"] for s in spoken]
        assert texts[0] == QUESTION, texts
        for option in ("Very sad", "Sad", "OK", "Happy", "Very happy"):
            assert option in texts, (option, texts)
        assert all(s["lang"] == lang for s in spoken), spoken
        assert not any(ch in "".join(texts) for ch in "😀😞🙂😐☹"), texts  # no emoji read out
        assert page.evaluate("() => window.__cancels") >= 1  # anything already playing stops
        # while reading, the same button stops it
        stop = page.get_by_role("button", name="Stop reading", exact=True)
        assert stop.is_visible()
        screenshot(page, "read-aloud-2-reading")
        stop.tap()
        assert read_button(page).is_visible()

        # pressed again, it reads from the start again, without doubling up
        page.evaluate("() => { window.__spoken = []; }")
        read_button(page).focus()
        assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") not in (
            "none",
            "",
        )
        page.keyboard.press("Enter")
        assert [s["text"] for s in page.evaluate("() => window.__spoken")] == texts
        page.get_by_role("button", name="Stop reading", exact=True).tap()

        # at 320px wide nothing sticks out
        page.set_viewport_size({"width": 320, "height": 740})
        assert page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        screenshot(page, "read-aloud-3-320px")

        # a device whose only voices are in another language: no button, nothing promised
        page.evaluate(
            """() => { window.__voices = [{lang: 'ar-SA', name: 'Test Arabic'}];
                       speechSynthesis.dispatchEvent(new Event('voiceschanged')); }"""
        )
        assert not read_button(page).is_visible()
        page.evaluate(
            """() => { window.__voices = [{lang: 'en-US', name: 'Test English'}];
                       speechSynthesis.dispatchEvent(new Event('voiceschanged')); }"""
        )
        assert read_button(page).is_visible()

        # the question is still answered the ordinary way, and the next one can be read too
        page.locator("label.choice", has=page.get_by_role("radio", name="Very happy")).tap()
        tap(page, "Next")
        assert page.inner_text(".progress").startswith("Question 2 of")
        page.evaluate("() => { window.__spoken = []; }")
        read_button(page).tap()
        second = page.inner_text("h1")
        assert page.evaluate("() => window.__spoken")[0] == {"text": second, "lang": lang}
        assert not errors, errors
        assert not elsewhere, f"fetched from outside Heard: {elsewhere}"


def test_the_consent_page_is_read_too(live_server: LiveServer) -> None:
    """Before the first question: the title, what the check-in is, the question, the two answers."""
    with phone(javascript=True) as page:
        page.add_init_script(SPEECH_STUB)
        page.goto(live_server.invite("checkin-4-7"))
        read_button(page).tap()
        texts = [s["text"] for s in page.evaluate("() => window.__spoken")]
        assert texts[0] == page.inner_text("h1") == "How are you?"
        assert texts[1].startswith("Hello! We want to know how things are for you."), texts
        assert texts[-2:] == ["Yes, let's start", "Not now"], texts


def test_without_javascript_there_is_no_button_and_the_form_works(live_server: LiveServer) -> None:
    with phone(javascript=False) as page:
        to_first_question(page, live_server.invite("checkin-8-11"))
        assert read_button(page).count() == 0
        assert page.get_by_role("button", name="Stop reading").count() == 0
        assert not page.locator(".read-aloud").is_visible()
        screenshot(page, "read-aloud-4-no-javascript")
        page.locator("label.choice", has=page.get_by_role("radio", name="Very happy")).tap()
        tap(page, "Next")
        assert page.inner_text(".progress").startswith("Question 2 of")


def test_without_speech_synthesis_there_is_no_button(live_server: LiveServer) -> None:
    with phone(javascript=True) as page:
        page.add_init_script(
            "Object.defineProperty(window, 'speechSynthesis', {value: undefined});"
        )
        to_first_question(page, live_server.invite("checkin-8-11"))
        assert read_button(page).count() == 0
