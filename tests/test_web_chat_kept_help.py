"""The help a chat visit was shown, drawn again after a reload with JavaScript on.

With chat.js the chat's address stays /chat, so a reload is a plain GET that carries no
form: chat.js keeps the sealed help its forms carry in the tab's history entry and posts it
to /chat/help. That page is the help alone: open, with "would you like someone to get in
touch?", while the alert's question is unanswered; folded once it is answered (as every
later page without JavaScript keeps it). It stores nothing and asks the engine nothing.
(The reload itself, in Chromium: tests/test_web_chat_reload_help_browser.py.)"""

from __future__ import annotations

import pytest
from browser_support import csrf_token, hidden_fields, make_app
from flask import Flask
from flask.testing import FlaskClient
from test_web_chat_get_in_touch import (
    DISCLOSURE,
    alert_of,
    answer,
    disclose_mid_check_in,
    stored,
)
from test_web_public_chat import join_chat, say, text_of

from analysis.safeguarding import contact_wording
from heard.wiring import Database
from webforms.public.kept_help import posted_help


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def carried_help(page: str) -> str:
    """The sealed help the chat's forms carry (what chat.js keeps for a reload)."""
    help_field = hidden_fields(page[page.index('id="chat-controls"') :]).get("help", "")
    assert help_field, "the chat's forms carry no help"
    return help_field


def restore(client: FlaskClient, page: str, help_field: str) -> tuple[int, str]:
    response = client.post("/chat/help", data={"csrf_token": csrf_token(page), "help": help_field})
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, text_of(response)


def test_after_a_disclosure_the_help_and_the_question_come_back_open(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page, _step = disclose_mid_check_in(client)
    before = stored(database)
    wording = contact_wording("child_in_care")
    status, html = restore(client, page, carried_help(page))
    assert status == 200
    assert html.count('id="help-kept"') == 1 and 'id="help-kept" open' in html
    assert "Help is here: who you can talk to" in html and "0800 1111" in html
    assert 'action="/chat/get-in-touch"' in html and "data-js-chat" in html
    assert wording.ask.replace("'", "&#39;") in html
    assert 'id="chat-log"' not in html  # the help alone: the conversation is the page's
    # nothing stored or asked again: no answer, no check-in, the question still open
    assert stored(database) == before
    assert alert_of(database).contact_answered_at is None
    # and the question asked again is this alert's own, answerable in the chat
    done = answer(client, html, wanted="no")
    assert wording.declined.replace("'", "&#39;") in done
    assert alert_of(database).contact_wanted is False
    assert stored(database) == before


def test_once_answered_the_help_comes_back_folded_without_the_question(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page, _step = disclose_mid_check_in(client)
    html = answer(client, page, wanted="no")
    carried = carried_help(html)
    assert posted_help_alert(app, carried) == alert_of(database).id
    status, back = restore(client, html, carried)
    assert status == 200 and 'id="help-kept"' in back and "0800 1111" in back
    assert 'id="help-kept" open' not in back and 'class="contact-offer"' not in back
    # the help a disclosure's page carries also says which alert it was for, so answering
    # on that page's forms and reloading asks no more
    status, again = restore(client, page, carried_help(page))
    assert status == 200 and 'class="contact-offer"' not in again


def posted_help_alert(app: Flask, sealed: str) -> int | None:
    with app.test_request_context("/chat/help", method="POST", data={"help": sealed}):
        found = posted_help()
        return found.alert_id if found else None


@pytest.mark.parametrize("language", ["ar", "ps"])
def test_in_their_language(app: Flask, database: Database, language: str) -> None:
    client = app.test_client()
    page, _step = disclose_mid_check_in(client, language)
    wording = contact_wording("child_in_care", language=language)
    status, html = restore(client, page, carried_help(page))
    assert status == 200 and wording.ask in html and wording.yes in html
    assert "Help is here" not in html  # the summary too, not English
    help_now = page[page.index('id="help-now"') :]
    first_line = help_now[help_now.index("<p") : help_now.index("</p>")]
    assert first_line in html  # the same help words they were shown


def test_no_help_forged_help_or_no_chat_draws_nothing(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    assert restore(client, page, "")[0] == 204
    assert restore(client, page, "Call 0900 123456 now")[0] == 204
    page = say(client, page, text=DISCLOSURE)
    carried = carried_help(page)
    stranger = app.test_client()
    start = text_of(stranger.get("/chat"))
    assert restore(stranger, start, carried)[0] == 204  # not a chat: nothing to draw into
    refused = client.post("/chat/help", data={"help": carried})  # no CSRF token
    assert refused.status_code == 400 and 'id="help-kept"' not in text_of(refused)


def test_a_disclosure_outside_a_check_in_comes_back_with_its_question(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, text=DISCLOSURE)
    status, html = restore(client, page, carried_help(page))
    assert status == 200 and 'id="help-kept" open' in html
    assert 'class="contact-offer"' in html
