"""A search posted again from the local-offer page (a reload with JavaScript off, a second
tap of Search) raises no second alert and is not logged twice.

The search form carries a nonce, as the chat's does: the same post again finds the alert
its first post raised (under the same one-off reference, a keyed hash of the post) and
gets that help again; a fresh page is a new post, with its own reference, so two people
are never one; other words under an old nonce are read as new words; a GET with ?q= never
raises an alert. (In Chromium: tests/test_web_offer_search_reload_browser.py.)"""

from __future__ import annotations

import pytest
from browser_support import hidden_fields, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from heard.wiring import Database
from storage import models
from storage.db import transaction

DISCLOSURE = "my carer hits me when he is drunk"
QUESTION = "money for uni"


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def alerts(database: Database) -> list[tuple[str, str | None, str]]:
    """(reference, words, channel) of each alert raised, in order."""
    with transaction(database.sessions) as session:
        rows = session.scalars(
            select(models.SafeguardingAlert).order_by(models.SafeguardingAlert.id)
        )
        return [(row.pseudonym, row.text, row.channel) for row in rows]


def offer_log(database: Database) -> list[str]:
    with transaction(database.sessions) as session:
        return list(session.scalars(select(models.OfferQuery.text).order_by(models.OfferQuery.id)))


def search_form(client: FlaskClient) -> dict[str, str]:
    """The hidden fields of a freshly opened search form (csrf_token, nonce)."""
    fields = hidden_fields(client.get("/offer").get_data(as_text=True))
    assert fields.get("nonce"), "the search form carries no nonce"
    return {"csrf_token": fields["csrf_token"], "nonce": fields["nonce"]}


def post(client: FlaskClient, form: dict[str, str], words: str) -> str:
    response = client.post("/offer/search", data={**form, "q": words})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def help_now(page: str) -> str:
    """The help shown (the #help-now panel), without the signed get-in-touch form."""
    assert page.count('id="help-now"') == 1, "the help is not shown, or shown twice"
    panel = page[page.index('id="help-now"') :]
    asked = panel.find('class="contact-offer"')
    return panel[: asked if asked >= 0 else panel.index("</div>")]


def results(page: str) -> str:
    """What the search found (the results section)."""
    assert 'id="results-title"' in page, "nothing found is shown"
    section = page[page.index('id="results-title"') :]
    return section[: section.index("</section>")]


def test_a_disclosure_posted_twice_raises_one_alert_and_the_same_help(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    form = search_form(client)
    first = post(client, form, DISCLOSURE)
    again = post(client, form, DISCLOSURE)  # the reload: the same form, the same nonce
    assert "0800 1111" in help_now(first)
    assert help_now(again) == help_now(first)
    assert "get in touch with you about this" in again  # still asked, about the same alert
    raised = alerts(database)
    assert len(raised) == 1, raised
    reference, words, channel = raised[0]
    assert reference.startswith("search:") and words == DISCLOSURE and channel == "offer_search"
    assert offer_log(database) == []  # a disclosure is never logged, first time or again


def test_the_same_words_from_a_fresh_page_are_a_new_alert_under_a_new_reference(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    post(client, search_form(client), DISCLOSURE)
    post(client, search_form(client), DISCLOSURE)  # another search (a new page): a new nonce
    raised = alerts(database)
    assert len(raised) == 2, raised
    assert raised[0][0] != raised[1][0], "two posts were merged under one reference"


def test_other_words_under_the_same_nonce_are_read_as_new(app: Flask, database: Database) -> None:
    """After Back, the old page's form sends other words: nothing is missed."""
    client = app.test_client()
    form = search_form(client)
    post(client, form, QUESTION)
    second = post(client, form, "my foster carer hurts me")
    assert "0800 1111" in help_now(second)
    assert len(alerts(database)) == 1
    post(client, form, DISCLOSURE)
    references = [reference for reference, _, _ in alerts(database)]
    assert len(references) == 2 and len(set(references)) == 2
    assert offer_log(database) == [QUESTION]


def test_an_ordinary_question_posted_twice_is_logged_once(app: Flask, database: Database) -> None:
    client = app.test_client()
    form = search_form(client)
    first = post(client, form, QUESTION)
    again = post(client, form, QUESTION)
    assert results(again) == results(first) and 'href="/offer/entry/' in results(first)
    assert offer_log(database) == [QUESTION]
    assert alerts(database) == []
    post(client, search_form(client), QUESTION)  # asked again from a fresh page: a new question
    assert offer_log(database) == [QUESTION, QUESTION]


def test_a_link_with_a_disclosure_still_raises_nothing(app: Flask, database: Database) -> None:
    client = app.test_client()
    for _ in range(2):
        page = client.get("/offer/search", query_string={"q": DISCLOSURE}).get_data(as_text=True)
        assert "0800 1111" in help_now(page)
    assert alerts(database) == []


def test_every_search_page_gives_a_fresh_nonce(app: Flask) -> None:
    client = app.test_client()
    form = search_form(client)
    answered = hidden_fields(post(client, form, QUESTION))
    assert answered["nonce"] and answered["nonce"] != form["nonce"]
    assert search_form(client)["nonce"] != form["nonce"]
