"""In a real browser at phone size, JavaScript on and off: a child says yes to texts at the end
of a check-in, the reminder round texts them a fresh link through the fake GOV.UK Notify,
and that link opens their next check-in on the phone; its answers are theirs and count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    LiveServer,
    axe_violations,
    describe_violations,
    phone_page,
    screenshot,
)
from fakes.notify_api import FakeNotify
from notify_support import MOBILE, MOBILE_TYPED, NOON, OFFER_WORDS, serve_with_notify
from sqlalchemy import func, select, update

from notices.web_contact_desk import WebContactDesk
from storage.db import transaction
from storage.invites import hash_token
from storage.models import Answer, Invite, Respondent, SurveySession

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def texts(tmp_path: Path) -> Iterator[tuple[LiveServer, FakeNotify, WebContactDesk]]:
    yield from serve_with_notify(tmp_path)


def _step(page: Any) -> str | None:
    field = page.query_selector('input[name="step"]')
    return field.get_attribute("value") if field else None


def _finish_check_in(page: Any) -> list[str]:
    """Consent, then answer every question by tapping, as a child would; the steps answered."""
    page.click('button[name="choice"][value="yes"]')  # the consent page
    page.wait_for_load_state()
    answered: list[str] = []
    while (step := _step(page)) is not None:
        answered.append(step)
        if page.query_selector('textarea[name="text"]'):
            page.fill('textarea[name="text"]', "I like my school")
        elif page.query_selector('input[name="choice"]'):
            page.locator('input[name="choice"]').first.check(force=True)
        else:
            page.locator('button[name="choice"]').last.click()
            page.wait_for_load_state()
            continue
        page.click('button[name="action"][value="answer"]')
        page.wait_for_load_state()
        assert len(answered) < 40, "the check-in never ended"
    return answered


def _accessible(page: Any, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_texted_link_opens_the_next_check_in_on_a_phone(
    texts: tuple[LiveServer, FakeNotify, WebContactDesk], javascript: bool
) -> None:
    server, fake, desk = texts
    with phone_page(javascript=javascript) as page:
        page.goto(server.invite("checkin-8-11"))
        _finish_check_in(page)
        assert page.inner_text("h1") == "Thank you"
        offer = page.get_by_text(OFFER_WORDS)
        offer.scroll_into_view_if_needed()
        assert offer.is_visible()
        if javascript:  # axe-core needs JavaScript to run
            _accessible(page, "the offer of texts")
        page.fill("#notify-contact", "07700 90012")  # one digit short
        page.check("#notify-consent")
        page.click("text=Send me a message next time")
        page.wait_for_load_state()
        assert page.get_by_text("but a UK mobile number has 11").first.is_visible()
        assert page.input_value("#notify-contact") == "07700 90012"  # kept as typed
        screenshot(page, f"notify-offer-again-{'js' if javascript else 'nojs'}")
        if javascript:
            _accessible(page, "the offer, asked again")
        assert page.is_checked("#notify-consent")  # the tick is kept too
        page.fill("#notify-contact", MOBILE_TYPED)
        page.click("text=Send me a message next time")
        page.wait_for_load_state()
        assert page.inner_text("h1") == "We'll let you know"
        assert page.get_by_text("07••• ••0123").is_visible()
        screenshot(page, f"notify-kept-{'js' if javascript else 'nojs'}")

        with transaction(server.database.sessions) as session:
            session.execute(update(Respondent).values(last_active_at=NOON - timedelta(days=40)))
        assert desk.reminders.run(NOON).sent == 1
        [message] = fake.to(MOBILE)
        link = next(w for w in message.body.split() if "/s/" in w and "stop" not in w)
        assert link.startswith(f"{server.url}/s/")

        page.goto(link)  # the text, tapped on the same phone
        assert _step(page) == "@consent"
        answered = _finish_check_in(page)
        assert page.inner_text("h1") == "Thank you"
        kept = page.get_by_text("We'll send a link to 07••• ••0123")
        kept.scroll_into_view_if_needed()
        assert kept.is_visible()
        screenshot(page, f"notify-second-check-in-{'js' if javascript else 'nojs'}")
        assert not page.console_errors, page.console_errors

    token = link.rsplit("/", 1)[1]
    with transaction(server.database.sessions) as session:
        person = session.scalars(select(Respondent)).one()  # one person, twice
        invite = session.scalar(select(Invite).where(Invite.token_hash == hash_token(token)))
        assert invite is not None and invite.respondent_id == person.id
        check_in = session.scalars(
            select(SurveySession).where(SurveySession.invite_id == invite.id)
        ).one()
        assert check_in.state == "completed" and check_in.respondent_id == person.id
        stored = set(
            session.scalars(select(Answer.question_id).where(Answer.session_id == check_in.id))
        )
        completed = session.scalar(
            select(func.count(SurveySession.id)).where(SurveySession.state == "completed")
        )
    assert stored == {step for step in answered if not step.startswith("@")}
    assert completed == 2
