"""Issue 16's journey: a 12-year-old who came to the UK alone gets their check-in link by
text, through GOV.UK Notify (a fake of its HTTP API on loopback), opens it on their phone,
installs nothing, chooses Arabic, reads the page right to left, has a question read aloud
in Arabic, answers every question, and their answers count in the council's figure.

Walked twice, JavaScript on and off ("Read it to me" needs JavaScript; nothing else does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    LiveServer,
    axe_violations,
    describe_violations,
    issue_link,
    phone_page,
)
from fakes.notify_api import FakeNotify
from journey_support import assert_sees, snap
from notify_support import MOBILE, serve_with_notify
from sqlalchemy import select
from test_web_language_browser import SPEECH_STUB, said
from test_web_public_survey import complete, through_consent

from analysis.periods import parse_period
from analysis.report import build_report
from notices.web_contact_desk import WebContactDesk
from storage import models
from storage.db import transaction
from storage.models import utcnow
from storage.web_contacts import Contact
from surveys import languages
from surveys.definition import load_catalogue
from surveys.messages import load_messages
from surveys.translations import localise

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SURVEY = "checkin-11-17"  # a 12-year-old in care: the 11 to 17 check-in
LOCAL = localise(load_catalogue()[SURVEY], "ar")
WORDS = load_messages(language="ar")
QUESTIONS = {question.id: question for question in LOCAL.questions}
OTHERS = 6  # other children's check-ins this month, so the month's figure is shown


@pytest.fixture
def council(tmp_path: Path) -> Iterator[tuple[LiveServer, FakeNotify, WebContactDesk]]:
    yield from serve_with_notify(tmp_path)


def month_figure(server: LiveServer) -> tuple[int | None, float | None]:
    period = parse_period(f"{datetime.now(server.settings.tz):%Y-%m}")
    with server.database.engine.connect() as connection:
        overall = build_report(connection, period).overall
    return overall.n, overall.rate


def others_answer(server: LiveServer) -> None:
    client = server.app.test_client()
    for _ in range(OTHERS):
        token = issue_link(server.database, SURVEY)
        page, _steps = complete(client, token, through_consent(client, token))
        assert "Thank you" in page


def answer_everything(page: Any) -> int:
    """Tap an answer to every question, as a child would; how many questions."""
    count = 0
    while page.query_selector('input[name="step"]') is not None:
        count += 1
        assert page.get_attribute("html", "dir") == "rtl"
        if page.query_selector('input[name="choice"]'):
            values = [
                value
                for value in page.eval_on_selector_all(
                    'input[name="choice"]', "inputs => inputs.map(i => i.value)"
                )
                if value != "prefer_not_to_say"
            ]
            question = QUESTIONS[page.input_value('input[name="step"]')]
            signals = question.safety_signal.answers if question.safety_signal else ()
            fine = [value for value in values if value not in signals]  # things are fine
            pick = "no" if question.id == "moved_home" else fine[-1]
            page.locator(f'input[name="choice"][value="{pick}"]').check(force=True)
        elif page.query_selector('textarea[name="text"]'):
            page.fill('textarea[name="text"]', "المدرسة جيدة")
        else:  # pressed buttons: carry on after the help, or a yes / no question
            carry_on = WORDS.continue_question in page.inner_text("main")
            button = 'button[name="choice"][value="yes"]' if carry_on else 'button[name="choice"]'
            with page.expect_navigation():
                page.locator(button).last.click()
            continue
        with page.expect_navigation():
            page.click('button[name="action"][value="answer"]')
        assert count < 40, "the check-in never ended"
    return count


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_12_year_old_answers_in_arabic_from_a_text_message(
    council: tuple[LiveServer, FakeNotify, WebContactDesk], javascript: bool
) -> None:
    server, fake, desk = council
    others_answer(server)
    before_n, _ = month_figure(server)
    assert before_n is not None and before_n > 0

    # Their worker, with the child's agreement, texts them their first link.
    outcome = desk.first_link(
        Contact("sms", MOBILE),
        survey_id=SURVEY,
        cohort="child_in_care",
        age_band="11-17",
        now=utcnow().replace(hour=12, minute=0),
    )
    assert outcome.sent
    [text] = fake.to(MOBILE)
    link = re.search(rf"{re.escape(server.url)}/s/[\w-]+", text.body)
    assert link is not None, text.body

    with phone_page(javascript=javascript) as page:
        if javascript:
            page.add_init_script(SPEECH_STUB)
        page.goto(link.group(0))  # opened from the text: nothing to install
        arabic = page.get_by_role("link", name=languages.native_name("ar"))
        with page.expect_navigation():
            arabic.first.click()
        assert page.get_attribute("html", "lang") == "ar"
        assert page.get_attribute("html", "dir") == "rtl"
        assert_sees(page, LOCAL.title)
        snap(page, "under16-arabic-1-start", javascript=javascript)
        with page.expect_navigation():
            page.get_by_role("button", name=WORDS.consent_yes, exact=True).click()
        with page.expect_navigation():
            page.get_by_role("button", name=WORDS.quote_no, exact=True).click()
        first = LOCAL.questions[0]
        assert page.inner_text("h1") == first.text
        if javascript:
            page.get_by_role("button", name=said("ar", "Read it to me"), exact=True).click()
            spoken = page.evaluate("() => window.__spoken")
            assert spoken and spoken[0]["text"] == first.text
            assert {s["lang"] for s in spoken} == {"ar"}
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)
        snap(page, "under16-arabic-2-question", javascript=javascript)
        answered = answer_everything(page)
        assert answered >= 5
        assert page.get_attribute("html", "dir") == "rtl"
        snap(page, "under16-arabic-3-thanks", javascript=javascript)

    with transaction(server.database.sessions) as session:
        theirs = session.execute(
            select(models.Answer.language, models.Answer.is_kpi)
            .join(models.SurveySession, models.SurveySession.id == models.Answer.session_id)
            .join(models.Invite, models.Invite.id == models.SurveySession.invite_id)
            .join(
                models.WebContactDelivery, models.WebContactDelivery.invite_id == models.Invite.id
            )
        ).all()
    assert theirs and {language for language, _ in theirs} == {"ar"}
    with transaction(server.database.sessions) as session:
        states = session.scalars(
            select(models.SurveySession.state).join(
                models.WebContactDelivery,
                models.WebContactDelivery.invite_id == models.SurveySession.invite_id,
            )
        ).all()
        # What they wrote in Arabic went to a person to read; they carried on and finished.
        child = session.scalar(
            select(models.Respondent.pseudonym)
            .join(models.SurveySession, models.SurveySession.respondent_id == models.Respondent.id)
            .join(
                models.WebContactDelivery,
                models.WebContactDelivery.invite_id == models.SurveySession.invite_id,
            )
        )
        alerts = session.scalars(
            select(models.SafeguardingAlert.category).where(
                models.SafeguardingAlert.pseudonym == child
            )
        ).all()
    assert states == ["completed"]
    assert alerts == ["please_read"]
    counted = sum(1 for _, is_kpi in theirs if is_kpi)
    after_n, after_rate = month_figure(server)
    assert after_n == before_n + counted and after_rate is not None  # in the council's figure
