"""Pictures beside answers through Flask's test client (JavaScript off): on the 8-11 form and
in the web chat, each with alt="" beside the words; none on the 11-17 check-in."""

from __future__ import annotations

import re

import pytest
from browser_support import hidden_fields, issue_link, make_app
from flask import Flask
from test_web_public_chat import join_chat, say

from heard.wiring import Database


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def pictures(page: str) -> list[tuple[str, str]]:
    """(file, alt) of each answer picture on the page."""
    return re.findall(
        r'<img class="symbol[^"]*" src="/static/symbols/([a-z0-9-]+)\.svg" alt="([^"]*)"', page
    )


def through_consent(app: Flask, database: Database, survey_id: str) -> str:
    token = issue_link(database, survey_id)
    client = app.test_client()
    page = client.get(f"/s/{token}").get_data(as_text=True)
    page = client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "yes"})
    page = page.get_data(as_text=True)
    return client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "no"}).get_data(
        as_text=True
    )


def test_the_8_11_form_shows_the_faces_as_pictures(app: Flask, database: Database) -> None:
    page = through_consent(app, database, "checkin-8-11")
    assert pictures(page) == [(f"face-{n}", "") for n in range(1, 6)]
    for word in ("Very sad", "Very happy", "I&#39;d rather not say"):
        assert word in page


def test_the_11_17_form_has_no_pictures(app: Flask, database: Database) -> None:
    page = through_consent(app, database, "checkin-11-17")
    assert pictures(page) == []


def test_the_chat_shows_the_pictures_on_its_buttons(app: Flask) -> None:
    client = app.test_client()
    page = join_chat(client, band="8-11")
    page = say(client, page, action="begin")
    page = say(client, page, choice="yes")
    page = say(client, page, choice="no")
    assert hidden_fields(page).get("step") == "home_happy"
    assert pictures(page) == [(f"face-{n}", "") for n in range(1, 6)]
    # and a picture file is served as an image from Heard itself
    served = client.get("/static/symbols/face-5.svg")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
