"""In a real browser: a child opens an invite link on a phone and finishes checkin-8-11 by keyboard.

Served by waitress (tests/browser_support.py), driven by Playwright in Debian's
headless Chromium, checked with axe-core for WCAG 2.2 AA. Screenshots go to
test-artifacts/. A dashboard test can reuse `live_server` and `browser_page` the same
way: `live_server = browser_support.live_server` in its own module.
"""

from __future__ import annotations

from typing import Any

import browser_support
import pytest
from browser_support import LiveServer, axe_violations, describe_violations, screenshot
from sqlalchemy import select

from storage import models
from storage.db import transaction

live_server = browser_support.live_server  # fixtures shared with the staff dashboard's test
browser_page = browser_support.browser_page
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press_enter_and_wait(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def step_of(page: Any) -> str | None:
    field = page.query_selector('input[name="step"]')
    return field.get_attribute("value") if field else None


def assert_accessible(page: Any, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def focus_is_visible(page: Any) -> bool:
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"""
    )
    return style[0] != "none" and style[1] != "0px"


def test_invite_link_completed_by_keyboard_on_a_phone(
    live_server: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    page.goto(live_server.invite("checkin-8-11"))
    assert page.get_attribute("html", "lang") == "en-GB"
    assert step_of(page) == "@consent"
    screenshot(page, "survey-1-consent")
    assert_accessible(page, "consent page")
    tab_to(page, 'button[name="choice"][value="yes"]')
    assert focus_is_visible(page)
    press_enter_and_wait(page)

    assert step_of(page) == "@quote"
    tab_to(page, 'button[name="choice"][value="no"]')
    press_enter_and_wait(page)

    # a question submitted with nothing chosen: a friendly message tied to the question
    assert page.inner_text(".progress").startswith("Question 1 of")
    tab_to(page, 'button[name="action"][value="answer"]')
    press_enter_and_wait(page)
    assert page.query_selector("#question-error") is not None
    assert "question-error" in (page.get_attribute("#question", "aria-describedby") or "")
    screenshot(page, "survey-2-friendly-error")
    assert_accessible(page, "question page with an error")

    answered = []
    while (step := step_of(page)) is not None:
        answered.append(step)
        if page.query_selector('textarea[name="text"]'):
            screenshot(page, "survey-4-free-text")
            assert_accessible(page, "free-text question")
            tab_to(page, 'textarea[name="text"]')
            page.keyboard.type("My carers are kind and I like my school")
        else:
            tab_to(page, 'input[name="choice"]')  # the first option of the group
            assert focus_is_visible(page)
            page.keyboard.press("Space")
            if len(answered) == 2:
                screenshot(page, "survey-3-question")
                assert_accessible(page, "question page")
        tab_to(page, 'button[name="action"][value="answer"]')
        press_enter_and_wait(page)
        assert len(answered) < 30, "the survey never ended"

    assert page.inner_text("h1") == "Thank you"
    assert page.query_selector('a[href="/you-said"]') is not None
    screenshot(page, "survey-5-thank-you")
    assert_accessible(page, "thank-you page")
    with transaction(live_server.database.sessions) as session:
        survey_session = session.scalar(select(models.SurveySession))
        assert survey_session.state == "completed" and survey_session.channel == "web"
        stored = set(
            session.scalars(
                select(models.Answer.question_id).where(
                    models.Answer.session_id == survey_session.id
                )
            )
        )
    assert stored == set(answered)


def test_faces_scale_by_keyboard(live_server: LiveServer, browser_page: Any) -> None:
    page = browser_page
    page.goto(live_server.invite("checkin-4-7"))
    for answer in ("yes", "no"):
        tab_to(page, f'button[name="choice"][value="{answer}"]')
        press_enter_and_wait(page)
    faces = page.query_selector_all(".choices.faces .face")
    assert len(faces) == 5
    assert (
        page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.face')).fontSize)"
        )
        >= 36
    )
    tab_to(page, 'input[name="choice"]')
    page.keyboard.press("ArrowRight")  # radios: arrows move between the faces
    page.keyboard.press("ArrowRight")
    outline = page.evaluate(
        "() => getComputedStyle(document.activeElement.closest('.choice')).outlineStyle"
    )
    assert outline != "none"  # the focused face is outlined even though its radio is hidden
    screenshot(page, "survey-faces")
    assert_accessible(page, "faces question")
    tab_to(page, 'button[name="action"][value="answer"]')
    press_enter_and_wait(page)
    assert page.inner_text(".progress").startswith("Question 2 of")


def test_public_pages_pass_axe(live_server: LiveServer, browser_page: Any) -> None:
    page = browser_page
    for path, name in [
        ("/chat", "chat-start"),
        ("/offer", "offer"),
        ("/offer/accommodation", "offer-area"),
        ("/offer/entry/staying-put", "offer-entry"),
        ("/offer/search?q=money+for+uni", "offer-search"),
        ("/you-said", "you-said"),
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page, path)
        screenshot(page, f"public-{name}")
    page.goto(live_server.url + "/chat")
    tab_to(page, 'button[name="cohort"][value="care_leaver"]')
    press_enter_and_wait(page)
    assert_accessible(page, "chat")
    tab_to(page, "#chat-text")
    page.keyboard.type("im skint")
    page.keyboard.press("Enter")
    page.wait_for_selector(".offer-reply")
    assert page.query_selector_all("#chat-log li")  # chat.js appended the reply in place
    screenshot(page, "public-chat")
    assert_accessible(page, "chat with an answer")


def join_chat_as_care_leaver(page: Any, url: str) -> None:
    page.goto(url + "/chat")
    tab_to(page, 'button[name="cohort"][value="care_leaver"]')
    press_enter_and_wait(page)


def test_chat_buttons_post_to_the_chat_not_to_a_shadowed_address(
    live_server: LiveServer, browser_page: Any
) -> None:
    """<button name="action"> shadows form.action: chat.js must post to /chat itself."""
    page = browser_page
    join_chat_as_care_leaver(page, live_server.url)
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="Start a check-in").click()
    page.wait_for_function("() => !document.querySelector('#chat[aria-busy]')")
    assert posted == [live_server.url + "/chat"], posted
    assert page.url == live_server.url + "/chat"
    assert "This check-in is for young people" in page.inner_text("#chat-log")


def test_when_the_background_post_fails_the_button_still_works(
    live_server: LiveServer, browser_page: Any
) -> None:
    """A lost connection for chat.js's fetch: the form is posted the ordinary way, with the
    button that was pressed (form.submit() alone would drop it)."""
    page = browser_page
    join_chat_as_care_leaver(page, live_server.url)
    failed: list[str] = []

    def lose_the_first_fetch(route: Any) -> None:
        if route.request.resource_type == "fetch" and not failed:
            failed.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/chat", lose_the_first_fetch)
    with page.expect_navigation():
        page.get_by_role("button", name="Start a check-in").click()
    assert failed, "the background post was never tried"
    assert "This check-in is for young people" in page.inner_text("main")
    screenshot(page, "chat-fallback-post")


def test_a_refused_background_post_shows_the_servers_page(
    live_server: LiveServer, browser_page: Any
) -> None:
    """Not a chat page back (here: a form without its CSRF token): show what the server
    said, as a plain post would, rather than a blank or a different page."""
    page = browser_page
    join_chat_as_care_leaver(page, live_server.url)
    page.evaluate(
        "() => document.querySelectorAll('.chat-menu input[name=csrf_token]')"
        ".forEach(e => e.remove())"
    )
    page.get_by_role("button", name="Start a check-in").click()
    page.wait_for_selector("text=Please try that again")
    assert page.query_selector("#chat-log") is None


def test_help_in_the_chat_passes_axe(live_server: LiveServer, browser_page: Any) -> None:
    page = browser_page
    join_chat_as_care_leaver(page, live_server.url)
    tab_to(page, "#chat-text")
    page.keyboard.type("my carer hits me when he is drunk")
    page.keyboard.press("Enter")
    page.wait_for_selector("#help-now")
    page.wait_for_function("() => !document.querySelector('#chat[aria-busy]')")
    assert page.evaluate("() => document.activeElement.id") == "help-now"
    assert_accessible(page, "chat with safeguarding help")
    screenshot(page, "chat-help")
