"""The web chat at /chat with plain form posts, and that it stores answers as the form does."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import choice_values, csrf_token, hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.db import transaction


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def join_chat(client: FlaskClient, cohort: str = "child_in_care", band: str = "8-11") -> str:
    start = text_of(client.get("/chat"))
    assert "Which of these is you?" in start
    token = csrf_token(start)
    ages = client.post("/chat/start", data={"csrf_token": token, "cohort": cohort})
    if ages.status_code == 200:
        assert "How old are you?" in text_of(ages)
        ages = client.post(
            "/chat/start", data={"csrf_token": token, "cohort": cohort, "age_band": band}
        )
    assert ages.status_code == 303 and ages.headers["Location"].endswith("/chat")
    return text_of(client.get("/chat"))


def say(client: FlaskClient, page: str, **data: str) -> str:
    response = client.post("/chat", data={**hidden_fields(page), **data})
    assert response.status_code == 200, response.status_code
    return text_of(response)


def current_step(page: str) -> str | None:
    return hidden_fields(page).get("step")


def test_choosing_who_you_are_then_a_check_in_by_buttons(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = join_chat(client)
    assert "Start a check-in" in page and 'id="chat-text"' in page
    assert '<script src="/static/chat.js" defer></script>' in page
    page = say(client, page, action="begin")
    assert current_step(page) == "@consent"
    page = say(client, page, choice="yes", step="@consent")
    page = say(client, page, choice="no", step="@quote")
    assert "1 of" in page
    steps = 0
    while current_step(page) is not None:
        values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
        pick = "no" if current_step(page) == "moved_home" else values[-1]
        page = say(client, page, choice=pick, step=current_step(page) or "")
        steps += 1
        if 'for="chat-text">Type your answer' in page and not choice_values(page):
            page = say(client, page, text="my carers are kind")
            break
    assert "Thank you" in page
    with transaction(database.sessions) as session:
        survey_session = session.scalar(select(models.SurveySession))
        assert (survey_session.state, survey_session.channel) == ("completed", "webchat")
        assert survey_session.survey_id == "checkin-8-11"


def test_typed_answers_and_stop_then_carry_on(app: Flask) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, text="start")
    page = say(client, page, text="yes")
    page = say(client, page, text="no thanks")
    step = current_step(page)
    page = say(client, page, text="purple monkey dishwasher")
    assert current_step(page) == step and "Sorry" in page
    page = say(client, page, action="stop")
    assert "Carry on my check-in" in page
    page = text_of(client.get("/chat"))
    assert "Carry on my check-in" in page
    page = say(client, page, action="resume")
    assert current_step(page) == step and "Welcome back" in page


def test_offer_questions_are_answered_and_logged_without_the_asker(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, text="im skint and need money for food")
    assert "Help if you run out of money" in page
    assert 'href="/offer/entry/emergency-money"' in page
    with transaction(database.sessions) as session:
        query = session.scalar(select(models.OfferQuery))
        assert query.channel == "webchat" and query.confident
        assert "emergency-money" in query.answer_ids
        columns = set(models.OfferQuery.__table__.columns.keys())
        assert not columns & {"pseudonym", "respondent_id"}


def test_a_disclosure_in_a_chat_question_raises_an_alert_and_is_not_logged(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, text="i want to kill myself where can i live")
    assert 'role="alert"' in page and "0800 1111" in page
    with transaction(database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.channel == "webchat"
        assert session.scalar(select(func.count(models.OfferQuery.id))) == 0


def test_a_disclosure_outside_a_check_in_gets_help_first_and_no_offer_answer(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, text="my carer hits me when he is drunk")
    log = page[page.index('id="chat-log"') :]
    assert log.index('id="help-now"') < log.index("</ol>")  # in the conversation, not above it
    assert 'role="alert" id="help-now" tabindex="-1"' in page
    assert "not sure I&#39;ve understood" not in page and "offer-reply" not in page
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.SafeguardingAlert.id))) == 1
        assert session.scalar(select(func.count(models.OfferQuery.id))) == 0
    # JavaScript off: the next message is a new page, and the help stays on it, folded
    page = say(client, page, text="im skint")
    assert 'id="help-kept"' in page and "Help is here: who you can talk to" in page
    assert "Help if you run out of money" in page and 'id="help-now"' not in page
    page = say(client, page, text="what about rent")
    assert 'id="help-kept"' in page  # for the rest of the visit, not one message
    with transaction(database.sessions) as session:  # the help was not raised again
        assert session.scalar(select(func.count(models.SafeguardingAlert.id))) == 1


def test_kept_help_is_only_heards_own_signed_words(app: Flask) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    forged = {**hidden_fields(page), "text": "im skint", "help": "Call 0900 123456 now"}
    html = text_of(client.post("/chat", data=forged))
    assert 'id="help-kept"' not in html and "0900 123456" not in html


def test_typed_carry_on_picks_up_a_paused_check_in(app: Flask) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, action="begin")
    page = say(client, page, choice="yes", step="@consent")
    page = say(client, page, choice="no", step="@quote")
    step = current_step(page)
    page = say(client, page, action="stop")
    assert "Carry on my check-in" in page
    page = say(client, page, text="ok carry on")
    assert current_step(page) == step and "Welcome back" in page


def test_csrf_less_chat_post_is_refused(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = join_chat(client)
    fields = hidden_fields(page)
    del fields["csrf_token"]
    assert client.post("/chat", data={**fields, "action": "begin"}).status_code == 400
    assert client.post("/chat/start", data={"cohort": "carer"}).status_code == 400
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.SurveySession.id))) == 0


def test_without_a_chat_cookie_there_is_no_one_to_talk_as(app: Flask) -> None:
    client = app.test_client()
    start = text_of(client.get("/chat"))
    response = client.post("/chat", data={"csrf_token": csrf_token(start), "text": "hi"})
    assert response.status_code == 303
    assert client.get("/chat/my-data").status_code == 303


def test_chat_my_data_and_erase(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, text="start")
    page = say(client, page, text="yes")
    page = say(client, page, text="no")
    say(client, page, choice=choice_values(page)[0], step=current_step(page) or "")
    mine = client.get("/chat/my-data")
    assert mine.status_code == 200 and "Download my answers" in text_of(mine)
    confirm = text_of(client.get("/chat/my-data/delete"))
    done = client.post(
        "/chat/my-data/delete", data={"csrf_token": csrf_token(confirm), "confirm": "yes"}
    )
    assert "have been deleted" in text_of(done)
    assert "heard_chat=;" in done.headers["Set-Cookie"]
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Respondent.id))) == 0


# ---------------------------------------------------------------- one data set


def _form_answers(app: Flask, database: Database, picks: dict[str, str], comment: str) -> None:
    token = issue_link(database, "checkin-8-11")
    client = app.test_client()
    page = text_of(client.get(f"/s/{token}"))
    page = text_of(client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "yes"}))
    page = text_of(client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "yes"}))
    while (step := hidden_fields(page).get("step")) is not None:
        data: dict[str, str] = {**hidden_fields(page), "action": "answer"}
        data.update({"text": comment} if step == "anything_else" else {"choice": picks[step]})
        page = text_of(client.post(f"/s/{token}", data=data))
    assert "Thank you" in page


def _chat_answers(app: Flask, picks: dict[str, str], comment: str) -> None:
    client = app.test_client()
    page = join_chat(client)
    page = say(client, page, action="begin")
    page = say(client, page, choice="yes", step="@consent")
    page = say(client, page, choice="yes", step="@quote")
    while (step := current_step(page)) is not None:
        page = say(client, page, choice=picks[step], step=step)
    assert 'for="chat-text">Type your answer' in page
    page = say(client, page, text=comment)
    assert "Thank you" in page


def _rows(database: Database, channel: str) -> dict[str, Any]:
    """Everything stored for one channel's respondent, without ids, times or the channel."""
    with transaction(database.sessions) as session:
        respondent = session.scalar(
            select(models.Respondent).where(models.Respondent.channel == channel)
        )
        rid = respondent.id
        survey_session = session.scalar(
            select(models.SurveySession).where(models.SurveySession.respondent_id == rid)
        )
        answers = session.scalars(
            select(models.Answer)
            .where(models.Answer.respondent_id == rid)
            .order_by(models.Answer.question_id)
        ).all()
        comments = session.scalars(
            select(models.Comment).where(models.Comment.respondent_id == rid)
        ).all()
        return {
            "respondent": (
                respondent.cohort,
                respondent.age_band,
                respondent.consent_version,
                respondent.quote_consent,
            ),
            "session": (
                survey_session.survey_id,
                survey_session.survey_version_id,
                survey_session.state,
                survey_session.current_question_id,
                survey_session.history,
            ),
            "answers": [
                (a.survey_id, a.survey_version_id, a.question_id, a.value)
                + (a.is_kpi, a.satisfied_or_better)
                for a in answers
            ],
            "comments": [
                (c.survey_id, c.question_id, c.text, c.cohort, c.age_band, c.quote_consent)
                for c in comments
            ],
            "channels": {a.channel for a in answers} | {c.channel for c in comments},
        }


def test_web_form_and_web_chat_store_a_survey_identically(app: Flask, database: Database) -> None:
    picks = {
        "home_happy": "4",
        "feel_safe": "yes",
        "bedroom_happy": "2",
        "carers_care": "sometimes",
        "trusted_adult": "yes",
        "know_social_worker": "not_sure",
        "good_friend": "prefer_not_to_say",
        "family_time_happy": "3",
        "why_in_care": "partly",
        "have_a_say": "no",
        "school_happy": "5",
        "bullied": "no",
        "fun_things": "yes",
        "moved_home": "yes",
        "move_explained": "cant_remember",
        "life_score": "7",
        "getting_better": "sometimes",
    }
    comment = "I like my school but I miss my brother"
    _form_answers(app, database, picks, comment)
    _chat_answers(app, picks, comment)
    web, chat = _rows(database, "web"), _rows(database, "webchat")
    assert web.pop("channels") == {"web"}
    assert chat.pop("channels") == {"webchat"}
    assert web == chat
    assert len(web["answers"]) == len(picks) + 1
