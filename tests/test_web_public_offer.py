"""The local offer pages, offer search and the public "You said, we did" page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from browser_support import csrf_token, make_app
from flask import Flask
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.db import transaction


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_browse_areas_an_area_and_an_entry(app: Flask) -> None:
    client = app.test_client()
    home = text_of(client.get("/offer"))
    assert 'href="/offer/accommodation"' in home and "Somewhere to live" in home
    assert 'role="search"' in home
    area = client.get("/offer/accommodation")
    assert area.status_code == 200
    assert 'href="/offer/entry/staying-put"' in text_of(area)
    entry = text_of(client.get("/offer/entry/staying-put"))
    assert "Staying Put" in entry and "How to get it" in entry and "Ages 18 to 21" in entry
    assert client.get("/offer/not-an-area").status_code == 404
    assert client.get("/offer/entry/not-an-entry").status_code == 404


def test_search_answers_and_logs_without_the_asker(app: Flask, database: Database) -> None:
    client = app.test_client()
    empty = client.get("/offer/search")
    assert empty.status_code == 200 and "What we found" not in text_of(empty)
    found = text_of(client.get("/offer/search?q=money+for+uni"))
    assert "What we found" in found and 'href="/offer/entry/' in found
    unsure = text_of(client.get("/offer/search?q=purple+monkey"))
    assert "not sure" in unsure
    with transaction(database.sessions) as session:
        queries = session.scalars(select(models.OfferQuery).order_by(models.OfferQuery.id)).all()
    assert [(q.text, q.channel) for q in queries] == [
        ("money for uni", "web"),
        ("purple monkey", "web"),
    ]
    assert [q.confident for q in queries] == [True, False]


def test_the_search_form_posts_so_the_question_is_in_no_url_or_title(app: Flask) -> None:
    client = app.test_client()
    areas = text_of(client.get("/offer"))
    assert '<form method="post" action="/offer/search"' in areas
    question = "can I stay with my foster carers after 18"
    answered = client.post("/offer/search", data={"csrf_token": csrf_token(areas), "q": question})
    page = text_of(answered)
    assert answered.status_code == 200 and answered.request.path == "/offer/search"
    assert "What we found" in page and 'href="/offer/entry/staying-put"' in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert "foster" not in title and "Search results" in title
    assert f'value="{question}"' in page  # kept in the box, to ask again differently
    forged = client.post("/offer/search", data={"q": question})  # no CSRF token
    assert forged.status_code == 400 and "What we found" not in text_of(forged)


def test_search_shows_help_for_a_disclosure_and_does_not_log_it(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = text_of(client.get("/offer/search?q=my+carer+hits+me+when+he+is+drunk"))
    assert 'role="alert" id="help-now"' in page and "0800 1111" in page
    assert "What we found" not in page  # the help is the answer: no results under it
    assert "not sure I&#39;ve understood" not in page
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.OfferQuery.id))) == 0
        # a link (or its preview) raises nothing
        assert session.scalar(select(func.count(models.SafeguardingAlert.id))) == 0
    # Posted from the page, as the help promises, the safeguarding lead is told, under
    # a one-off reference, and asked whether they would like someone to get in touch
    areas = text_of(client.get("/offer"))
    posted = client.post(
        "/offer/search",
        data={"csrf_token": csrf_token(areas), "q": "my carer hits me when he is drunk"},
    )
    page = text_of(posted)
    assert 'id="help-now"' in page and "get in touch with you about this" in page
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.OfferQuery.id))) == 0
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.channel == "offer_search"
        assert alert.pseudonym.startswith("search:") and alert.cohort is None


def test_a_very_long_search_gets_a_kind_message(app: Flask, database: Database) -> None:
    page = text_of(app.test_client().get("/offer/search", query_string={"q": "money " * 400}))
    assert "up to 2,000 characters" in page


def test_offer_pages_say_when_the_offer_is_not_available(database: Database) -> None:
    client = make_app(database, with_offer=False).test_client()
    assert client.get("/offer").status_code == 503
    assert client.get("/offer/search?q=money").status_code == 503


def test_you_said_we_did_shows_published_posts_only(app: Flask, database: Database) -> None:
    client = app.test_client()
    assert "Nothing here yet" in text_of(client.get("/you-said"))
    when = datetime(2026, 9, 1, tzinfo=UTC)
    with transaction(database.sessions) as session:
        session.add_all(
            [
                models.YouSaidPost(
                    theme="moves_and_transitions",
                    you_said="Moving school was hard.",
                    we_did="Every move now keeps your school unless you choose to change.",
                    author="participation@example.org",
                    created_at=when,
                ),
                models.YouSaidPost(
                    theme="money",
                    you_said="Draft that is not ready.",
                    we_did="Not yet.",
                    author="participation@example.org",
                    published=False,
                    created_at=when,
                ),
            ]
        )
    page = text_of(client.get("/you-said"))
    assert "Moving school was hard." in page and "keeps your school" in page
    assert "September 2026" in page
    assert "Draft that is not ready" not in page
    assert "participation@example.org" not in page  # staff are not named in public
