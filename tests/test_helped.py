""" "A grown-up is helping me answer": a tick on a web check-in's first page, kept on the
check-in (survey_sessions.helped, migration 0016), shown in "your answers", in every language."""

from __future__ import annotations

import pytest
from browser_support import hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.definition import load_catalogue
from surveys.engine import CONSENT, ConversationEngine
from surveys.people import People

TICK = "A grown-up is helping me answer"


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def start(client: FlaskClient, token: str, **extra: str) -> str:
    page = text_of(client.get(f"/s/{token}"))
    assert 'value="@consent"' in page
    page = text_of(
        client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "yes", **extra})
    )
    assert 'value="@quote"' in page
    return text_of(client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "no"}))


def helped_values(database: Database) -> list[bool | None]:
    with transaction(database.sessions) as session:
        return list(session.scalars(select(models.SurveySession.helped)))


def test_the_tick_is_on_the_first_page_only(app: Flask, database: Database) -> None:
    token = issue_link(database, "checkin-4-7")
    client = app.test_client()
    first = text_of(client.get(f"/s/{token}"))
    assert TICK in first
    assert '<input type="checkbox" id="helped" name="helped" value="yes">' in first
    assert '<label class="choice helped-tick" for="helped">' in first
    question = start(client, token)
    assert 'value="home_feel"' in question and TICK not in question


def test_ticked_is_kept_on_the_check_in_and_shown_in_my_data(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "checkin-8-11")
    client = app.test_client()
    start(client, token, helped="yes")
    assert helped_values(database) == [True]
    mine = text_of(client.get(f"/s/{token}/my-data"))
    assert "A grown-up helped you answer 1 check-in." in mine
    download = client.get(f"/s/{token}/my-data.json").get_json()
    assert [c["helped"] for c in download["check_ins"]] == [True]


def test_not_ticked_is_kept_as_no_and_not_shown(app: Flask, database: Database) -> None:
    token = issue_link(database, "checkin-8-11")
    client = app.test_client()
    start(client, token)
    assert helped_values(database) == [False]
    assert "A grown-up helped you" not in text_of(client.get(f"/s/{token}/my-data"))


def test_care_leavers_and_carers_are_not_asked(app: Flask, database: Database) -> None:
    """A grown-up helping is for children's check-ins; NULL stays "not asked"."""
    for survey_id in ("checkin-care-leaver", "carer-feedback"):
        token = issue_link(database, survey_id)
        client = app.test_client()
        page = text_of(client.get(f"/s/{token}"))
        assert TICK not in page and 'name="helped"' not in page
        client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "yes", "helped": "yes"})
    assert helped_values(database) == [None, None]


def test_a_check_in_started_elsewhere_is_not_asked(database: Database) -> None:
    """Nothing sets it but the web's first page: NULL means never asked (the bot)."""
    people = People(database.sessions, b"helped-test-key-0123456789")
    pseudonym = people.pseudonym("telegram", 1)
    people.set_profile(pseudonym, "telegram", cohort="care_leaver", age_band="16-25")
    engine = ConversationEngine(database.sessions, load_catalogue())
    engine.begin(pseudonym, channel="telegram", survey_id="checkin-care-leaver")
    engine.handle(pseudonym, choice="yes", step=CONSENT)
    assert helped_values(database) == [None]


@pytest.mark.parametrize(
    ("code", "tick"),
    [("ar", "شخص كبير يساعدني في الإجابة"), ("ps", "یو لوی سړی زما سره په ځوابونو کې مرسته کوي")],
)
def test_the_tick_in_arabic_and_pashto(
    app: Flask, database: Database, code: str, tick: str
) -> None:
    token = issue_link(database, "checkin-8-11")
    client = app.test_client()
    client.set_cookie("heard_lang", code)
    first = text_of(client.get(f"/s/{token}"))
    assert tick in first and TICK not in first
