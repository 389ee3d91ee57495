"""A chat message posted again (a reload with JavaScript off) gets the help it was given.

Without JavaScript a reload posts the last form again: the same words, the same nonce. The
post changes nothing (no answer stored again, no second alert), and a message that raised
help is shown that help again, from its alert, in the person's language, with "would you
like someone to get in touch?" while that is unanswered: mid check-in (the words typed, or
an answer chosen that signals risk) and outside one (the local offer's question). Saying
the same thing again, on a new page, is a new message and raises an alert as ever; other
words under a form's old nonce are checked as new words. (In Chromium:
tests/journeys/test_journey_chat_reload_help.py.)"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from browser_support import choice_values, hidden_fields, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_web_chat_get_in_touch import DISCLOSURE, answer, stored
from test_web_public_chat import current_step, join_chat, say, text_of

from analysis.safeguarding import contact_wording
from heard.wiring import Database
from storage import models
from storage.db import transaction


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def alerts(database: Database) -> list[tuple[int, str | None, str]]:
    with transaction(database.sessions) as session:
        rows = session.scalars(
            select(models.SafeguardingAlert).order_by(models.SafeguardingAlert.id)
        )
        return [(row.id, row.text, row.category) for row in rows]


def offer_log(database: Database) -> list[str]:
    with transaction(database.sessions) as session:
        return list(session.scalars(select(models.OfferQuery.text).order_by(models.OfferQuery.id)))


def post(client: FlaskClient, data: dict[str, str]) -> str:
    response = client.post("/chat", data=data)
    assert response.status_code == 200, response.status_code
    return text_of(response)


def help_now(page: str) -> str:
    """The help shown open under their words (the #help-now panel), without its form."""
    assert page.count('id="help-now"') == 1, "the help is not shown, or shown twice"
    panel = page[page.index('id="help-now"') :]
    return panel[: panel.index('class="contact-offer"')]


def asks(page: str, language: str = "en") -> bool:
    wording = contact_wording("child_in_care", language=language)
    return 'action="/chat/get-in-touch"' in page and wording.ask.replace("'", "&#39;") in page


def age_alerts(database: Database, by: timedelta) -> None:
    """As if the alerts so far, and the nonces they came with, were raised `by` ago."""
    with transaction(database.sessions) as session:
        for alert in session.scalars(select(models.SafeguardingAlert)):
            alert.created_at -= by
        for seen in session.scalars(select(models.ProcessedUpdate)):
            seen.processed_at -= by


def at_second_question(client: FlaskClient, language: str = "en") -> str:
    """A check-in begun in `language` (as disclose_mid_check_in), one question answered:
    the page of the next, whose form the disclosure is typed into."""
    page = join_chat(client, "child_in_care", "11-17")
    client.set_cookie("heard_lang", language)
    page = say(client, page, action="begin")
    page = say(client, page, choice="yes", step="@consent")
    page = say(client, page, choice="no", step="@quote")
    return say(client, page, choice=choice_values(page)[-1], step=current_step(page) or "")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_mid_check_in_the_resent_disclosure_shows_its_help_again(
    app: Flask, database: Database, language: str
) -> None:
    client = app.test_client()
    question = at_second_question(client, language)
    sent = {**hidden_fields(question), "text": DISCLOSURE}
    page = post(client, sent)
    assert current_step(page) == "@continue" and asks(page, language)
    first = help_now(page)
    before, raised = stored(database), alerts(database)
    assert len(raised) == 1

    again = post(client, sent)  # the browser's reload: the same form again
    assert help_now(again) == first  # the same help, in their language
    assert "0800 1111" in again and "999" in again
    assert asks(again, language) and current_step(again) == "@continue"
    assert f'lang="{language}"' in again
    assert stored(database) == before and alerts(database) == raised  # nothing again

    # answered, a reload of the same form again keeps the help folded, without the question
    answer(client, again, wanted="no")
    folded = post(client, sent)
    assert 'id="help-now"' not in folded and folded.count('id="help-kept"') == 1
    assert "0800 1111" in folded and not asks(folded, language)
    assert stored(database) == before and alerts(database) == raised


def test_outside_a_check_in_a_resent_disclosure_raises_one_alert_a_later_repeat_another(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = join_chat(client, "child_in_care", "11-17")
    sent = {**hidden_fields(page), "text": DISCLOSURE}
    shown = post(client, sent)
    first = help_now(shown)
    assert len(alerts(database)) == 1 and asks(shown)

    again = post(client, sent)  # reloaded: the same help, the same alert, nothing new
    assert help_now(again) == first and asks(again)
    assert len(alerts(database)) == 1
    assert stored(database) == (0, Counter()) and offer_log(database) == []

    # the next day they say it again, on the chat's page: heard again, a second alert
    age_alerts(database, timedelta(days=1))
    repeat = post(client, {**hidden_fields(again), "text": DISCLOSURE})
    assert help_now(repeat) == first
    assert [text for _id, text, _c in alerts(database)] == [DISCLOSURE, DISCLOSURE]
    # ... and straight away too: a new page is a new message
    soon = post(client, {**hidden_fields(repeat), "text": DISCLOSURE})
    assert help_now(soon) == first and len(alerts(database)) == 3


def test_other_words_under_an_old_nonce_are_checked_as_new(app: Flask, database: Database) -> None:
    """A page kept by the browser (Back) and sent again with other words: never swallowed."""
    client = app.test_client()
    page = join_chat(client, "child_in_care", "11-17")
    fields = hidden_fields(page)
    post(client, {**fields, "text": "what help can i get with money"})
    assert alerts(database) == []
    shown = post(client, {**fields, "text": DISCLOSURE})
    help_now(shown)
    assert [text for _id, text, _c in alerts(database)] == [DISCLOSURE]


def test_a_resent_offer_question_is_answered_again_and_logged_once(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    sent = {**hidden_fields(page), "text": "im skint and need money for food"}
    first = post(client, sent)
    again = post(client, sent)
    assert 'href="/offer/entry/emergency-money"' in first
    assert 'href="/offer/entry/emergency-money"' in again
    assert offer_log(database) == ["im skint and need money for food"]
    assert alerts(database) == []


def test_a_resent_answer_that_signals_risk_shows_its_help_again(
    app: Flask, database: Database
) -> None:
    """ "No" to "Do you feel safe where you live?", pressed, then the page reloaded."""
    client = app.test_client()
    page = at_second_question(client)
    assert current_step(page) == "feel_safe"
    sent = {**hidden_fields(page), "choice": "no", "step": "feel_safe"}
    shown = post(client, sent)
    first = help_now(shown)
    before, raised = stored(database), alerts(database)
    assert len(raised) == 1 and raised[0][2] == "unsafe_home"

    again = post(client, sent)
    assert help_now(again) == first and asks(again)
    assert current_step(again) == current_step(shown) != "feel_safe"
    assert stored(database) == before and alerts(database) == raised


def test_mid_check_in_other_words_under_an_old_nonce_are_read_not_dropped(
    app: Flask, database: Database
) -> None:
    """Back to an old page, other words typed, sent: a new message, never a duplicate.
    (The nonce with a digest of the form is the update key: webforms.public.cookies.)"""
    client = app.test_client()
    question = at_second_question(client)
    old_form = hidden_fields(question)
    post(client, {**old_form, "text": "its ok i guess"})
    before = alerts(database)
    assert before == []
    page = post(client, {**old_form, "text": DISCLOSURE})  # after Back: the same nonce
    assert len(alerts(database)) == 1, "a disclosure sent from an old page was dropped"
    assert "0800 1111" in page and "999" in page
