"""In the web chat (plain form posts) a care leaver types "absolutely not" to "Do you feel
safe where you're living now?": it is read as No, the help is shown and a concern alert
raised. "ye thats fine" at "Is that OK?" starts the check-in."""

from __future__ import annotations

import pytest
from browser_support import hidden_fields, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_web_chat_quote_consent import begun_as_care_leaver, say

from heard.wiring import Database
from storage import models
from storage.db import transaction

HELP = "Thank you for telling Heard"
QUESTION = "Do you feel safe where you're living now?"


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def at_feel_safe(client: FlaskClient) -> str:
    page = begun_as_care_leaver(client)
    assert hidden_fields(page).get("step") == "@consent"
    page = say(client, page, text="ye thats fine")
    assert hidden_fields(page).get("step") == "@quote"
    page = say(client, page, text="no thanks")
    assert hidden_fields(page).get("step") == "living_where"
    page = say(client, page, text="my own flat")
    assert hidden_fields(page).get("step") == "feel_safe_home"
    assert QUESTION in page
    return page


def stored(database: Database) -> tuple[dict[str, str], list[tuple[str, str]]]:
    with transaction(database.sessions) as session:
        rows = session.execute(select(models.Answer.question_id, models.Answer.value)).all()
        found = session.scalars(select(models.SafeguardingAlert))
        return dict(rows), [(a.category, a.level) for a in found]


def test_absolutely_not_gets_the_help(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = at_feel_safe(client)
    page = say(client, page, text="absolutely not")
    assert HELP in page
    assert hidden_fields(page).get("step") == "home_suits"
    answers, alerts = stored(database)
    assert answers["feel_safe_home"] == "no"
    assert alerts == [("unsafe_home", "concern")]


def test_unclear_is_asked_again_without_help(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = at_feel_safe(client)
    page = say(client, page, text="always not")
    assert hidden_fields(page).get("step") == "feel_safe_home"
    assert HELP not in page
    assert stored(database) == ({"living_where": "own_place"}, [])
    page = say(client, page, text="of course not")
    assert HELP in page and stored(database)[0]["feel_safe_home"] == "no"
