"""A 9-year-old pastes a long story (5,000 characters, emoji and all) into "Is there
anything else you'd like us to know?" and presses Next, on a phone, JavaScript on and off.

She is thanked for writing so much and asked to make it shorter, and her words are still
in the box, exactly as she pasted them (the HTML in them shown as words, never run): she
cuts them down and finishes, and the shorter words are stored once. In the web chat the
same: a question too long for the local offer stays in the box (chat.js swaps the box for
the server's, which holds it). Screenshots go to test-artifacts/journeys/.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import LiveServer, axe_violations, describe_violations, phone_page
from journey_support import (
    assert_in_view,
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    post_and_wait,
    snap,
    tap_answer,
    tap_button,
)
from sqlalchemy import func, select

from storage import models
from storage.db import transaction

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

LINE = "I like my school 😀 and my carers 🏠 but I miss my brother <b>so</b> much. "


def pasted(length: int) -> str:
    """`length` characters, as the limit counts them: one line, emoji, hostile HTML."""
    text = "<script>alert(1)</script> "
    while len(text) < length:
        text += LINE
    return text[: length - 1] + "!"


def noted(dialogs: list[str], dialog: Any) -> None:
    """An alert() box opened: typed HTML ran. Noted and closed."""
    dialogs.append(dialog.message)
    dialog.dismiss()


def comments(live_server: LiveServer) -> list[str]:
    with transaction(live_server.database.sessions) as session:
        return [t or "" for t in session.scalars(select(models.Comment.text))]


def test_a_long_comment_is_kept_in_the_box_to_cut_down(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"long-comment-{name}", javascript=javascript)  # noqa: E731
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: noted(dialogs, dialog))

    page.goto(live_server.invite("checkin-8-11"))
    tap_button(page, "Yes, let's start", javascript=javascript)
    tap_button(page, "No thanks", javascript=javascript)
    for _ in range(25):
        if page.query_selector("#answer-text"):
            break
        first = page.locator("label.choice").first
        words = first.locator(".face-word")
        tap_answer(page, (words if words.count() else first).inner_text().strip())
        tap_button(page, "Next", javascript=javascript)
    assert_sees(page, "Is there anything else you'd like us to know?")

    story = pasted(5_000)
    box = page.locator("#answer-text")
    assert box.get_attribute("maxlength") is None  # never cut off silently
    count, spoken = page.locator("#text-count"), page.locator("#text-count-spoken")
    assert spoken.get_attribute("aria-live") == "polite"
    box.tap()
    page.keyboard.type("I like my school")
    if javascript:  # counted as she types; far from the limit, nothing is said
        assert count.inner_text() == "16 of 2,000 characters"
        page.wait_for_timeout(1_300)
        assert spoken.text_content() == ""
    else:
        assert not count.is_visible()
    box.fill("")
    page.keyboard.insert_text(story)  # as a paste arrives: all at once
    if javascript:
        over = "5,000 of 2,000 characters. That is too many: could you make it a bit shorter?"
        assert count.inner_text() == over
        page.wait_for_function(
            "() => document.getElementById('text-count-spoken').textContent !== ''"
        )
        assert spoken.text_content() == over
        assert box.input_value() == story  # the count cut nothing
        box.scroll_into_view_if_needed()
        shot("0-counted")
        violations = axe_violations(page)  # the count and its live region pass WCAG AA
        assert not violations, describe_violations(violations)
    # She scrolls down to Next (a tap scrolling a box this full into view may miss).
    page.locator("main").get_by_role("button", name="Next", exact=True).scroll_into_view_if_needed()
    tap_button(page, "Next", javascript=javascript)

    assert_sees(page, "Thank you for writing so much! That was 5,000 characters")
    assert_sees(page, "I haven't saved this one yet")
    assert_in_view(page, "#question-error")
    assert box.input_value() == story, "her words were not kept in the box"
    assert page.locator("script:not([src])").count() == 0 and not dialogs
    assert comments(live_server) == []
    shot("1-kept")
    box.scroll_into_view_if_needed()
    shot("1-kept-box")

    # She cuts it down and finishes: stored once, as she left it.
    shorter = story[:1_400]
    box.fill(shorter)
    if javascript:
        assert count.inner_text() == "1,400 of 2,000 characters"
    tap_button(page, "Next", javascript=javascript)
    assert_sees(page, "Thank you")
    shot("2-finished")
    assert comments(live_server) == [shorter.strip()]
    assert not dialogs
    no_script_errors(page)


def test_the_count_is_in_arabic_right_to_left(live_server: LiveServer) -> None:
    """JavaScript on, in Arabic: the count's words are the translation's, on a page read
    right to left, and the box still holds every character pasted."""
    with phone_page(javascript=True, viewport={"width": 320, "height": 740}) as page:
        page.context.add_cookies([{"name": "heard_lang", "value": "ar", "url": live_server.url}])
        page.goto(live_server.invite("checkin-8-11"))
        for _ in range(30):
            if page.query_selector("#answer-text"):
                break
            if page.query_selector('button[name="choice"]'):
                target = page.locator('button[name="choice"]').first
            else:
                page.locator("label.choice").first.tap()
                target = page.locator('button[name="action"][value="answer"]')
            with page.expect_navigation():
                target.tap()
        assert page.evaluate("() => document.documentElement.dir") == "rtl"
        story = pasted(2_100)
        page.locator("#answer-text").tap()
        page.keyboard.insert_text(story)
        count = page.locator("#text-count")
        assert count.inner_text().startswith("2,100 من 2,000 حرف. هذا كثير")
        assert (
            page.evaluate("() => getComputedStyle(document.getElementById('text-count')).direction")
            == "rtl"
        )
        assert page.locator("#answer-text").input_value() == story
        page.locator("#answer-text").scroll_into_view_if_needed()
        snap(page, "long-comment-count-ar", javascript=True)
        no_script_errors(page)


def test_a_long_question_in_the_chat_stays_in_the_box(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: noted(dialogs, dialog))
    page.goto(f"{live_server.url}/chat")
    with page.expect_navigation():
        page.locator('button[name="cohort"][value="care_leaver"]').tap()
    if page.query_selector('button[name="age_band"]'):
        with page.expect_navigation():
            page.locator('button[name="age_band"]').first.tap()

    question = pasted(2_600)
    page.locator("#chat-text").tap()
    page.keyboard.insert_text(question)
    post_and_wait(page, lambda: page.keyboard.press("Enter"), javascript=javascript)
    assert_sees(page, "Thank you for writing so much! I can take up to 2,000 characters")
    assert page.locator("#chat-text").input_value() == question
    assert not dialogs
    snap(page, "long-comment-chat-kept", javascript=javascript)
    with transaction(live_server.database.sessions) as session:
        assert session.scalar(select(func.count(models.OfferQuery.id))) == 0

    page.locator("#chat-text").fill("money for food")
    post_and_wait(page, lambda: page.keyboard.press("Enter"), javascript=javascript)
    assert page.locator("#chat-text").input_value() == ""
    with transaction(live_server.database.sessions) as session:
        assert session.scalar(select(func.count(models.OfferQuery.id))) == 1
    no_script_errors(page)
