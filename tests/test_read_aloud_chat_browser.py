"""In a real browser at phone size: "Read it to me" in the web chat reads Heard's latest reply
and then each answer button, in the page's language, with the browser's own speech synthesis
(recorded by a stub: headless Chromium has no voice); after the next reply (added by
chat.js without a page load) it reads that one, not the old. Without JavaScript there is
no button and the chat works as before. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import browser_support
import pytest
from browser_support import LiveServer, axe_violations, describe_violations, phone_page
from journey_support import snap
from test_web_read_aloud_browser import SPEECH_STUB

from surveys.definition import load_catalogue
from surveys.translations import localise

live_server = browser_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SURVEY = load_catalogue()["checkin-11-17"]


def go(page: Any, act: Any) -> None:
    with page.expect_navigation():
        act()


def to_chat(page: Any, url: str) -> None:
    page.goto(url + "/chat")
    go(page, lambda: page.locator('button[name="cohort"][value="child_in_care"]').tap())
    go(page, lambda: page.locator('button[name="age_band"][value="11-17"]').tap())


def wait_for_reply(page: Any) -> None:
    page.wait_for_function("() => !document.querySelector('#chat[aria-busy]')")


def spoken(page: Any) -> list[dict[str, str]]:
    return page.evaluate("() => window.__spoken")


@pytest.mark.parametrize(("code", "read", "lang"), [("en", "Read it to me", "en-GB")])
def test_the_chat_reads_the_latest_reply_and_its_answers(
    live_server: LiveServer, code: str, read: str, lang: str
) -> None:
    local = localise(SURVEY, code)
    with phone_page(javascript=True, viewport={"width": 320, "height": 740}) as page:
        page.add_init_script(SPEECH_STUB)
        to_chat(page, live_server.url)
        button = page.get_by_role("button", name=read, exact=True)
        assert button.count() == 1 and button.is_visible()
        box = button.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= 320, box

        page.get_by_role("button", name="Start a check-in", exact=True).tap()
        wait_for_reply(page)
        page.get_by_role("button", name="Yes, let's start", exact=True).tap()  # consent
        wait_for_reply(page)
        page.locator("#chat-controls .choice-button").last.tap()  # not quoted
        wait_for_reply(page)
        first = local.questions[0]
        assert first.text in page.locator("#chat-log li.from-heard").last.inner_text()

        page.evaluate("() => { window.__spoken = []; }")
        button.tap()
        said = spoken(page)
        texts = [s["text"] for s in said]
        assert first.text in texts[0] and not texts[0].startswith("Heard"), texts
        # nothing said before it (the consent, "thank you") is read again
        assert not any("start" in t.casefold() for t in texts), texts
        labels = [o.label for o in first.options]
        assert [t for t in texts[1:] if t in labels] == labels, texts
        assert all(s["lang"] == lang for s in said), said
        snap(page, f"read-aloud-chat-1-{code}", javascript=True)
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
        page.get_by_role("button", name="Stop reading", exact=True).tap()

        # the next reply arrives without a page load: the button reads that one
        page.locator("#chat-controls .choice-button").first.tap()
        wait_for_reply(page)
        second = local.visible_questions({first.id: first.options[0].value})[1]
        page.evaluate("() => { window.__spoken = []; }")
        page.get_by_role("button", name=read, exact=True).tap()
        texts = [s["text"] for s in spoken(page)]
        assert any(second.text in t for t in texts[:2]), texts
        assert not any(first.text in t for t in texts), texts


def test_without_javascript_the_chat_has_no_button(live_server: LiveServer) -> None:
    with phone_page(javascript=False, viewport={"width": 320, "height": 740}) as page:
        to_chat(page, live_server.url)
        assert page.get_by_role("button", name="Read it to me").count() == 0
        assert not page.locator(".read-aloud").is_visible()
        go(page, lambda: page.get_by_role("button", name="Start a check-in", exact=True).tap())
        assert page.locator("#chat-controls .choice-button").count() >= 2
