"""What every journey test (tests/journeys/) shares: the real app, and a phone in Chromium.

Each web journey runs twice, with JavaScript on and off (`journey_page` is
parametrised), at 390x844, the size of a common phone. Steps assert the words a
person sees, not status codes. Screenshots of each step go to
test-artifacts/journeys/ so a reviewer can look at what the person saw.

A journey module imports the fixtures it uses by name, as the browser tests do:
`from journey_support import javascript, journey_page, live_server`.
(Not a conftest.py: browser_support imports the top-level tests/conftest.py by name.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser_support
import pytest
from browser_support import ARTIFACTS, LiveServer, phone_page

live_server = browser_support.live_server
JOURNEY_ARTIFACTS = ARTIFACTS / "journeys"


@pytest.fixture(params=["js-on", "js-off"])
def javascript(request: pytest.FixtureRequest) -> bool:
    """True with JavaScript on. Every web journey is walked both ways."""
    return request.param == "js-on"


@pytest.fixture
def journey_page(live_server: LiveServer, javascript: bool) -> Iterator[Any]:
    """A phone-sized page (390x844, touch) in headless Chromium, JavaScript on or off."""
    with phone_page(javascript=javascript) as page:
        yield page


def snap(page: Any, name: str, *, javascript: bool) -> Path:
    """A screenshot of what is in view (not the whole page): what the person actually sees."""
    JOURNEY_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = JOURNEY_ARTIFACTS / f"{name}-{'js' if javascript else 'nojs'}.png"
    page.screenshot(path=str(path))
    return path


def words_in_view(page: Any) -> str:
    """The visible text of every element at least partly inside the viewport, in page order."""
    return page.evaluate(
        """() => {
            const out = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const height = window.innerHeight, width = window.innerWidth;
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (!node.textContent.trim()) continue;
                const el = node.parentElement;
                if (!el || el.closest('.visually-hidden')) continue;
                // a closed <details> shows only its summary (Chromium still lays the rest out)
                if (el.closest('details:not([open])') && !el.closest('summary')) continue;
                const style = getComputedStyle(el);
                if (style.visibility === 'hidden' || style.display === 'none') continue;
                const range = document.createRange();
                range.selectNodeContents(node);
                for (const r of range.getClientRects()) {
                    if (r.bottom > 0 && r.top < height && r.right > 0 && r.left < width
                        && r.width > 0 && r.height > 0) {
                        out.push(node.textContent.trim());
                        break;
                    }
                }
            }
            return out.join(' ');
        }"""
    )


def assert_in_view(page: Any, selector: str) -> None:
    """The element's top is inside the viewport (not above it, not below the fold).

    A pixel of slack above: scrolling an element to the top can leave it at -0.4 px
    after sub-pixel layout, which a person still sees whole."""
    box = page.evaluate(
        """s => { const el = document.querySelector(s); if (!el) return null;
                  const r = el.getBoundingClientRect();
                  return {top: r.top, bottom: r.bottom, height: window.innerHeight}; }""",
        selector,
    )
    assert box is not None, f"{selector} is not on the page"
    assert -1 <= box["top"] < box["height"], f"{selector} is out of view: {box}"


def assert_sees(page: Any, *phrases: str) -> None:
    """Each phrase is in the words in view (spaces folded, case kept)."""
    seen = " ".join(words_in_view(page).split())
    for phrase in phrases:
        assert " ".join(phrase.split()) in seen, f"{phrase!r} is not in view. In view: {seen!r}"


def assert_not_seen(page: Any, *phrases: str) -> None:
    seen = " ".join(page.inner_text("body").split())
    for phrase in phrases:
        pattern = re.escape(" ".join(phrase.split()))
        assert not re.search(pattern, seen, re.IGNORECASE), f"{phrase!r} should not be shown"


# ------------------------------------------------------------------ acting on a page
# (added for the public journeys; the names above are shared with the staff journeys)


def chat_js_is_on(page: Any, javascript: bool) -> bool:
    """The web chat with JavaScript on: chat.js posts in the background, no page load."""
    return javascript and bool(page.evaluate("() => !!document.getElementById('chat')"))


def post_and_wait(page: Any, act: Any, *, javascript: bool) -> None:
    """Do `act` (a tap or a key that posts a form) and wait until the answer is shown: the
    next page for a plain post, or chat.js's update in place in the web chat."""
    if chat_js_is_on(page, javascript):
        with page.expect_response(lambda response: response.request.method == "POST"):
            act()
        page.wait_for_function("() => !document.querySelector('#chat[aria-busy]')")
        page.wait_for_load_state()
    else:
        with page.expect_navigation():
            act()


def tap_button(page: Any, label: str, *, javascript: bool, within: str = "main") -> None:
    """Tap the button with these exact words (the first, if the page has two)."""
    button = page.locator(within).get_by_role("button", name=label, exact=True).first
    post_and_wait(page, button.tap, javascript=javascript)


def tap_link(page: Any, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=label, exact=True).first.tap()


def type_and_send(page: Any, field: str, words: str, *, javascript: bool) -> None:
    """Type into `field` as a person would, then press Enter to send."""
    page.locator(field).tap()
    page.keyboard.type(words)
    post_and_wait(page, lambda: page.keyboard.press("Enter"), javascript=javascript)


def assert_help_is_what_they_see(page: Any, *, javascript: bool) -> None:
    """Safeguarding help in view, announced (role=alert), and, with JavaScript on, focused."""
    assert_in_view(page, "#help-now")
    assert page.get_attribute("#help-now", "role") == "alert"
    assert_sees(page, "Help is here")
    if javascript and page.evaluate("() => !!document.getElementById('chat')"):
        assert page.evaluate("() => document.activeElement?.id === 'help-now'"), (
            "the help was not given focus"
        )


def no_script_errors(page: Any) -> None:
    """No JavaScript error on the way (a missing resource, like a favicon, is not one)."""
    errors = [e for e in getattr(page, "console_errors", []) if "Failed to load resource" not in e]
    assert not errors, f"the browser reported errors: {errors}"


def tap_answer(page: Any, label: str) -> None:
    """Tap an answer on a survey page (a face, a radio or a checkbox) by its words."""
    field = page.get_by_role("radio", name=label, exact=True)
    if not field.count():
        field = page.get_by_role("checkbox", name=label, exact=True)
    page.locator("label.choice", has=field.first).tap()
    assert field.first.is_checked(), f"tapping {label!r} did not choose it"


def survey_step(page: Any) -> str | None:
    """The survey form's current step (its hidden field), or None off a question page."""
    field = page.query_selector('input[name="step"]')
    return field.get_attribute("value") if field else None


def time_passes_on_this_device(page: Any) -> None:
    """Later on the same phone or tablet: the short-lived "see my answers" cookie has
    expired and the browser has dropped it; the long-lived device cookie is still there."""
    from webforms.public.answers_window import COOKIE

    page.context.clear_cookies(name=COOKIE)


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press_key(page: Any, key: str, *, javascript: bool) -> None:
    """Press a key that posts the form (Enter on a button), and wait for the answer."""
    post_and_wait(page, lambda: page.keyboard.press(key), javascript=javascript)


# ------------------------------------------------------------------ staff pages
# (added for the staff journeys: the participation officer and the safeguarding lead)


def scroll_to(page: Any, selector: str) -> None:
    """Scroll so the element's top is at the top of the screen, as a person reading down
    the page would have it (scroll_into_view_if_needed may leave it at the bottom)."""
    page.locator(selector).first.evaluate("el => el.scrollIntoView({block: 'start'})")


def overflow(page: Any) -> dict[str, Any]:
    """How far the page is wider than the screen, and the widest elements that stick out
    (none inside a scrolling box), so a failure names the culprit."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const culprits = [];
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right <= width + 0.5 || el.closest('.table-scroll')) continue;
                culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
                              + `${el.className && typeof el.className === 'string'
                                   ? '.' + el.className.split(' ').join('.') : ''}`
                              + ` right=${Math.round(r.right)}`);
            }
            return {scrollWidth: document.documentElement.scrollWidth, width,
                    culprits: culprits.slice(0, 8)};
        }"""
    )


def sign_in(page: Any, url: str, email: str, password: str) -> None:
    """Sign in on the staff sign-in page as a person would: type, then press the button."""
    if "/staff/login" not in page.url:
        page.goto(f"{url}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button:has-text('Sign in')")


def add_staff_account(database: Any, email: str, role: str, password: str) -> None:
    """An account made by the code behind `heard staff add` (checked, argon2, audited)."""
    from heard.staff_command import create_account
    from storage.db import transaction

    with transaction(database.sessions) as session:
        create_account(session, email=email, role=role, password=password)


def seed_answers(
    session: Any,
    survey_id: str,
    cohort: str | None,
    age_band: str | None,
    people: int,
    questions: list[str],
    *,
    unhappy: int = 0,
    first: int = 0,
) -> None:
    """`people` people (numbered from `first`) answer the KPI `questions` of a survey a
    few seconds ago, through the repositories the engine writes with; the first
    `unhappy` of them give an answer that is not satisfied or better to each."""
    from datetime import timedelta

    from storage.models import utcnow
    from storage.respondents import get_or_create_respondent, set_profile
    from storage.surveys import save_answer, start_session
    from surveys.definition import load_catalogue
    from surveys.versions import record_version

    survey = load_catalogue()[survey_id]
    version = record_version(session, survey)
    when = utcnow() - timedelta(seconds=30)
    for n in range(first, first + people):
        person = get_or_create_respondent(
            session, f"{survey_id}-{cohort}-{n}".ljust(64, "x"), "web"
        )
        if cohort is not None:
            set_profile(session, person, cohort=cohort, age_band=age_band, consent_version="1")
        visit = start_session(
            session, respondent_id=person.id, version=version, channel="web", first_question_id=None
        )
        for question_id in questions:
            question = survey.question(question_id)
            happy = n - first >= unhappy
            value = next(
                o.value for o in question.options if o.counts and o.satisfied_or_better == happy
            )
            save_answer(
                session,
                visit,
                question_id=question_id,
                value=value,
                is_kpi=True,
                satisfied_or_better=happy,
                when=when,
            )
