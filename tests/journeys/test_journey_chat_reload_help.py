"""A young person in care, in the web chat on their phone, types that their carer hits
them (mid check-in, or outside one), is shown the help, and reloads the page.

The help they were shown is still what they see, in their language, with "would you like
someone to get in touch?" while it is unanswered; once answered, the help stays, folded,
a tap away. Never twice, and nothing is stored again: one alert, each answer once.

JavaScript off, a reload posts the last form again: the chat's nonce makes it change
nothing (no answer stored again, no second alert, in a check-in or outside one), and the
help that message was given is drawn again from its alert (webforms/public/resent.py).
JavaScript on, the address stays /chat and a reload is a plain GET: chat.js keeps the
sealed help in the tab's history entry and the server draws it again (/chat/help). Walked
both ways at 390x844, in English and Arabic. Screenshots of the reloaded pages go to
test-artifacts/journeys/.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from browser_support import LiveServer, axe_violations, describe_violations
from journey_support import (
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    snap,
    words_in_view,
)
from sqlalchemy import func, select

from analysis.safeguarding import contact_wording
from storage import models
from storage.db import transaction

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

DISCLOSURE = "my carer hits me when he is drunk"
SUMMARY = {"en": "Help is here: who you can talk to"}


def post_and_wait(page: Any, act: Any, *, javascript: bool) -> None:
    """Do `act` (a tap or a key that posts a form) and wait for what follows, whether
    chat.js sends it in the background or the browser loads a new page."""
    if javascript:
        with page.expect_response(lambda response: response.request.method == "POST"):
            act()
        page.wait_for_load_state()
        page.wait_for_function("() => !document.querySelector('#chat[aria-busy]')")
    else:
        with page.expect_navigation():
            act()


def press(page: Any, selector: str, *, javascript: bool) -> None:
    post_and_wait(page, page.locator(selector).last.tap, javascript=javascript)


def reload(page: Any, *, javascript: bool) -> None:
    """The reload button: JavaScript off, the browser posts the last form again; on, the
    page is fetched afresh and chat.js asks for the help back."""
    if javascript:
        with page.expect_response(lambda r: r.url.endswith("/chat/help")):
            page.reload()
        page.wait_for_function("() => !!document.querySelector('#chat .safeguarding')")
    else:
        page.reload()
    page.wait_for_load_state()


def help_panels(page: Any) -> int:
    return page.locator("#chat .safeguarding:not(.please-read)").count()


def stored(live_server: LiveServer) -> tuple[int, int, Counter[str]]:
    """Alerts raised, check-ins begun, and how often each question was answered."""
    with transaction(live_server.database.sessions) as session:
        alerts = session.scalar(select(func.count(models.SafeguardingAlert.id))) or 0
        sessions = session.scalar(select(func.count(models.SurveySession.id))) or 0
        answered = Counter(session.scalars(select(models.Answer.question_id)).all())
    return alerts, sessions, answered


def contact_answer(live_server: LiveServer) -> bool | None:
    """Their answer to "get in touch?" on the alert (the latest)."""
    with transaction(live_server.database.sessions) as session:
        return session.scalars(
            select(models.SafeguardingAlert.contact_wanted).order_by(
                models.SafeguardingAlert.id.desc()
            )
        ).first()


def unchanged(live_server: LiveServer, before: tuple[int, int, Counter[str]]) -> int:
    """Nothing stored again by a reload: no check-in begun, no answer stored twice; the
    alerts raised so far."""
    alerts, sessions, answered = stored(live_server)
    assert (sessions, answered) == before[1:], "a reload stored an answer again"
    return alerts


@pytest.mark.parametrize("where", ["outside", "check-in"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_help_is_still_there_after_a_reload(
    live_server: LiveServer,
    journey_page: Any,
    javascript: bool,
    language: str,
    where: str,
) -> None:
    page = journey_page
    shot = lambda name: snap(  # noqa: E731
        page, f"chat-reload-help-{where}-{language}-{name}", javascript=javascript
    )
    wording = contact_wording("child_in_care", language=language)

    # In their language, they say who they are (and start a check-in, answer a question).
    page.goto(f"{live_server.url}/language/{language}?next=/chat")
    press(page, 'button[name="cohort"][value="child_in_care"]', javascript=False)
    press(page, 'button[name="age_band"][value="11-17"]', javascript=False)
    checking_in = where == "check-in"
    if checking_in:
        press(page, 'button[name="action"][value="begin"]', javascript=javascript)
        press(page, 'button[name="choice"][value="yes"]', javascript=javascript)  # consent
        press(page, 'button[name="choice"][value="no"]', javascript=javascript)  # quote
        press(page, "#chat-controls .choice-button >> nth=0", javascript=javascript)

    # At the next question they type what is happening to them: the help, in view.
    page.locator("#chat-text").tap()
    page.keyboard.type(DISCLOSURE)
    post_and_wait(page, lambda: page.keyboard.press("Enter"), javascript=javascript)
    help_now = page.locator("#help-now")
    shown = help_now.locator("p").first.inner_text().strip().splitlines()[0]  # its first words
    assert_sees(page, shown)
    before = stored(live_server)
    assert before[0] == 1 and before[1] == int(checking_in), before
    assert sum(before[2].values()) == int(checking_in), before

    # They reload. The help they were shown is what they see, once, in their language.
    reload(page, javascript=javascript)
    assert help_panels(page) == 1, "the help is shown twice, or not at all"
    assert_sees(page, shown, "999")
    assert "0800 1111" in " ".join(words_in_view(page).split())
    assert (page.get_attribute("html", "lang") or "").split("-")[0] == language
    if language in SUMMARY and javascript:
        assert_sees(page, SUMMARY[language])
    shot("1-reloaded")
    if language == "en":
        js = "js" if javascript else "nojs"
        page.screenshot(
            path=f"/tmp/helper_shots/chat-reload-help-{where}-{js}-en.png", full_page=True
        )
    if language == "en" and javascript:  # axe runs as a script: not with JavaScript off
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
    # ... and, still unanswered, the question under it.
    offer = page.locator(".contact-offer").last
    offer.scroll_into_view_if_needed()
    assert_sees(page, wording.ask, wording.yes, wording.no)
    alerts = unchanged(live_server, before)
    assert alerts == 1, "a reload raised the alert again"

    # They answer it there, and stay in the chat.
    press(page, '.contact-offer button[name="wanted"][value="no"]', javascript=javascript)
    assert_sees(page, wording.declined)
    assert contact_answer(live_server) is False
    shot("2-answered")

    # Reloaded again: the help is still there, folded, a tap away; the question is not.
    reload(page, javascript=javascript)
    assert help_panels(page) == 1
    kept = page.locator("#help-kept")
    kept.scroll_into_view_if_needed()
    summary = kept.locator("summary")
    assert_sees(page, summary.inner_text().strip())
    assert page.locator(".contact-offer").count() == 0
    summary.tap()
    childline = kept.locator('a[href="tel:08001111"]').first
    childline.scroll_into_view_if_needed()
    assert childline.is_visible()
    shot("3-reloaded-answered")
    alerts = unchanged(live_server, before)
    assert alerts == 1, "a reload raised the alert again"
    assert contact_answer(live_server) is False

    # They carry on (the question they were on, or a question about the local offer), and
    # reload once more: the help is there for the rest of the visit, each answer stored once.
    if checking_in:
        press(page, '#chat-controls button[name="choice"][value="yes"]', javascript=javascript)
        press(page, "#chat-controls .choice-button >> nth=0", javascript=javascript)
    else:
        page.locator("#chat-text").tap()
        page.keyboard.type("im skint")
        post_and_wait(page, lambda: page.keyboard.press("Enter"), javascript=javascript)
    reload(page, javascript=javascript)
    assert help_panels(page) == 1
    assert page.locator("#help-kept").count() == 1
    alerts, sessions, answered = stored(live_server)
    assert sessions == int(checking_in)
    assert sum(answered.values()) == 2 * int(checking_in), answered
    assert set(answered.values()) <= {1}, answered
    no_script_errors(page)
    assert alerts == 1, "a reload raised the alert again"
