"""Typed answers to "Can we use your words?" in the web chat (plain form posts): a clear
yes is stored once, a no stores nothing, and anything unclear gets "tap Yes or No" with
the question still on screen."""

from __future__ import annotations

import html

import pytest
from browser_support import csrf_token, hidden_fields, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.messages import load_messages

MESSAGES = load_messages()


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def say(client: FlaskClient, page: str, **data: str) -> str:
    response = client.post("/chat", data={**hidden_fields(page), **data})
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def begun_as_care_leaver(client: FlaskClient) -> str:
    """A care leaver's chat with a check-in begun: the page that asks for consent."""
    start = client.get("/chat").get_data(as_text=True)
    token = csrf_token(start)
    client.post("/chat/start", data={"csrf_token": token, "cohort": "care_leaver"})
    page = client.get("/chat").get_data(as_text=True)
    return say(client, page, action="begin")


def at_the_quote_question(client: FlaskClient) -> str:
    page = begun_as_care_leaver(client)
    page = say(client, page, text="yes")
    assert hidden_fields(page).get("step") == "@quote"
    return page


def quote_consents(database: Database) -> list[bool]:
    with transaction(database.sessions) as session:
        return list(session.scalars(select(models.Respondent.quote_consent)))


def test_typed_yes_after_an_unclear_answer(
    app: Flask, database: Database, quote_writes: list[str]
) -> None:
    client = app.test_client()
    page = at_the_quote_question(client)
    for unclear in ("not bothered", "whatever", "1"):
        page = say(client, page, text=unclear)
        assert MESSAGES.quote_unclear in page
        assert hidden_fields(page).get("step") == "@quote"
        assert MESSAGES.quote_yes in page and MESSAGES.quote_no in page
    assert quote_consents(database) == [False] and quote_writes == []
    page = say(client, page, text="yes u can")
    assert hidden_fields(page).get("step") not in (None, "@quote", "@consent")
    assert MESSAGES.quote_unclear not in page.split("yes u can")[-1]
    assert quote_consents(database) == [True]
    assert len(quote_writes) == 1


def test_typed_no_in_own_words(app: Flask, database: Database, quote_writes: list[str]) -> None:
    client = app.test_client()
    page = at_the_quote_question(client)
    page = say(client, page, text="nah dont quote me")
    assert hidden_fields(page).get("step") not in (None, "@quote", "@consent")
    assert quote_consents(database) == [False] and quote_writes == []
