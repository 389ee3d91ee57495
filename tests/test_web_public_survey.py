"""The survey form at /s/<token> through Flask's test client, JavaScript off, on both backends."""

from __future__ import annotations

import json
import re

import pytest
from browser_support import choice_values, csrf_token, hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.definition import load_catalogue

CATALOGUE = load_catalogue()


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def post(client: FlaskClient, token: str, page: str, **data: str | list[str]):
    """Submit the question form on `page` the way a browser would, hidden fields and all."""
    form = {**hidden_fields(page), **data}
    return client.post(f"/s/{token}", data=form)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def through_consent(client: FlaskClient, token: str) -> str:
    page = text_of(client.get(f"/s/{token}"))
    assert 'value="@consent"' in page
    page = text_of(post(client, token, page, choice="yes"))
    assert 'value="@quote"' in page
    return text_of(post(client, token, page, choice="no"))


def step_of(page: str) -> str:
    return hidden_fields(page)["step"]


def answer_top(client: FlaskClient, token: str, page: str) -> str:
    """Pick the most positive counted option, or write a few words for free text."""
    if 'name="text"' in page and 'name="choice"' not in page:
        return text_of(post(client, token, page, action="answer", text="My carers are kind"))
    values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
    pick = "no" if step_of(page) == "moved_home" else values[-1]
    return text_of(post(client, token, page, action="answer", choice=pick))


def complete(client: FlaskClient, token: str, page: str) -> tuple[str, list[str]]:
    steps = []
    while 'name="step"' in page:
        steps.append(step_of(page))
        page = answer_top(client, token, page)
        assert len(steps) < 40, "the survey never ended"
    return page, steps


def test_invite_link_completes_checkin_8_11_with_js_off(app: Flask, database: Database) -> None:
    token = issue_link(database, "checkin-8-11")
    client = app.test_client()
    first = client.get(f"/s/{token}")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-store"
    cookie = first.headers["Set-Cookie"]
    assert "heard_device=" in cookie and "HttpOnly" in cookie and "Path=/s/" in cookie
    # Nothing on the survey needs JavaScript: one script registers the app's worker, one
    # adds "Read it to me" where the browser can speak (read_aloud.js), one counts what is
    # typed in a text box (text_count.js), all optional.
    scripts = re.findall(r"<script[^>]*>", text_of(first))
    assert scripts == [
        '<script src="/static/install.js" data-worker="/sw.js" defer>',
        '<script src="/static/read_aloud.js" defer>',
        '<script src="/static/text_count.js" defer>',
    ]
    page = through_consent(client, token)
    total = len(CATALOGUE["checkin-8-11"].questions)  # every question it can ask: never shifts
    assert f"Question 1 of {total}" in page
    assert "<fieldset" in page and "<legend><h1" in page
    assert re.search(r'<label class="choice[^"]*" for="choice-1">\s*<input type="radio"', page)
    page, steps = complete(client, token, page)
    assert "Thank you" in page and "What happens next" in page
    assert 'href="/you-said"' in page
    assert f'href="/s/{token}/my-data"' in page
    with transaction(database.sessions) as session:
        survey_session = session.scalar(select(models.SurveySession))
        assert survey_session.state == "completed"
        assert survey_session.channel == "web"
        invite = session.scalar(select(models.Invite))
        assert survey_session.invite_id == invite.id
        assert invite.first_used_at is not None and invite.device_hash is not None
        respondent = session.get(models.Respondent, invite.respondent_id)
        assert (respondent.cohort, respondent.age_band) == ("child_in_care", "8-11")
        stored = dict(
            session.execute(select(models.Answer.question_id, models.Answer.channel)).all()
        )
        assert set(stored) == set(steps)
        assert set(stored.values()) == {"web"}
    again = client.get(f"/s/{token}")
    assert "Thank you" in text_of(again)  # a finished link says so; it never starts over


def test_link_is_single_use_and_resumes_only_on_its_device(app: Flask, database: Database) -> None:
    token = issue_link(database)
    owner = app.test_client()
    page = through_consent(owner, token)
    first_step = step_of(page)
    page = answer_top(owner, token, page)
    page = answer_top(owner, token, page)
    third_step = step_of(page)

    other = app.test_client()
    refused = other.get(f"/s/{token}")
    assert refused.status_code == 403
    html = text_of(refused)
    assert "already been used" in html
    question_words = CATALOGUE["checkin-8-11"].question(first_step).text
    assert question_words not in html and 'name="choice"' not in html
    refused_post = other.post(f"/s/{token}", data={"step": third_step, "choice": "1"})
    assert refused_post.status_code in (400, 403)
    for path in (f"/s/{token}/my-data", f"/s/{token}/my-data.json"):
        response = other.get(path)
        assert response.status_code == 403
        assert "home_happy" not in text_of(response)

    # "closing the tab": the same device opens the link again and carries on
    resumed = owner.get(f"/s/{token}")
    assert resumed.status_code == 200
    assert step_of(text_of(resumed)) == third_step
    assert "Welcome back" in text_of(resumed)
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Respondent.id))) == 1
        assert session.scalar(select(func.count(models.Answer.id))) == 2


def test_post_without_csrf_token_is_refused(app: Flask, database: Database) -> None:
    token = issue_link(database)
    client = app.test_client()
    page = through_consent(client, token)
    fields = hidden_fields(page)
    del fields["csrf_token"]
    response = client.post(f"/s/{token}", data={**fields, "action": "answer", "choice": "5"})
    assert response.status_code == 400
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Answer.id))) == 0


def test_no_answer_gives_a_friendly_message_tied_to_the_question(
    app: Flask, database: Database
) -> None:
    token = issue_link(database)
    client = app.test_client()
    page = through_consent(client, token)
    step = step_of(page)
    response = post(client, token, page, action="answer")
    html = text_of(response)
    assert response.status_code == 200
    assert step_of(html) == step
    assert "<title>Error:" in html
    # the easy wording and then the error describe the question
    assert 'aria-describedby="easy-text question-error"' in html
    assert 'id="question-error"' in html
    assert "Please choose an answer" in html  # words for a form, not for a typed chat
    assert "didn&#39;t quite get that" not in html
    assert 'class="error-summary" role="alert"' in html


def test_back_skip_and_stop_are_buttons(app: Flask, database: Database) -> None:
    token = issue_link(database, "pulse")
    client = app.test_client()
    page = through_consent(client, token)
    assert 'value="back"' not in page  # nothing to go back to on the first question
    first = step_of(page)
    page = text_of(post(client, token, page, action="answer", choice="4"))
    assert 'name="action" value="back"' in page
    page = text_of(post(client, token, page, action="back"))
    assert step_of(page) == first
    assert re.search(r'value="4"\s+checked', page)  # the earlier answer is shown
    page = text_of(post(client, token, page, action="answer", choice="5"))
    page = text_of(post(client, token, page, action="stop"))
    assert "Your answers are saved" in page
    page = text_of(client.get(f"/s/{token}"))
    assert "Welcome back" in page
    while 'name="text"' not in page:
        page = answer_top(client, token, page)
    assert 'name="action" value="skip"' in page  # the free-text question is optional
    page = text_of(post(client, token, page, action="skip"))
    assert "Thank you" in page
    with transaction(database.sessions) as session:
        values = dict(session.execute(select(models.Answer.question_id, models.Answer.value)).all())
    assert values[first] == "5"
    assert "anything_else" not in values


def test_long_text_gets_a_kind_message_and_is_not_saved(app: Flask, database: Database) -> None:
    token = issue_link(database, "pulse")
    client = app.test_client()
    page = through_consent(client, token)
    while 'name="text"' not in page:
        page = answer_top(client, token, page)
    html = text_of(post(client, token, page, action="answer", text="x" * 2001))
    assert "2,001 characters" in html and "2,000" in html
    assert 'name="text"' in html
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Comment.id))) == 0


def test_safeguarding_reply_is_prominent_and_carrying_on_is_a_choice(
    app: Flask, database: Database
) -> None:
    token = issue_link(database)
    client = app.test_client()
    page = through_consent(client, token)
    question = step_of(page)
    # typed words on a question page (as a person could with a screen reader's form mode off)
    html = text_of(post(client, token, page, action="answer", text="i want to die"))
    assert 'role="alert" id="help-now"' in html
    assert "0800 1111" in html and 'href="tel:08001111"' in html
    assert step_of(html) == "@continue"
    assert "Carry on" in html and "Stop for now" in html
    html = text_of(post(client, token, html, choice="yes"))
    assert step_of(html) != "@continue"
    with transaction(database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None and alert.channel == "web"
    assert question  # the question they were on is still there to answer
    # choosing to stop pauses the check-in
    html = text_of(post(client, token, html, action="answer", text="i want to die"))
    html = text_of(post(client, token, html, choice="no"))
    assert "Your answers are saved" in html


def test_a_disclosure_in_the_last_comment_shows_help_on_the_thank_you_page(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "pulse")
    client = app.test_client()
    page = through_consent(client, token)
    while 'name="text"' not in page:
        page = answer_top(client, token, page)
    html = text_of(post(client, token, page, action="answer", text="i want to die"))
    assert "Thank you" in html
    assert 'role="alert" id="help-now"' in html


def test_a_stale_page_changes_nothing(app: Flask, database: Database) -> None:
    token = issue_link(database)
    client = app.test_client()
    old = through_consent(client, token)
    page = answer_top(client, token, old)
    html = text_of(post(client, token, old, action="answer", text="very happy"))
    assert "earlier question" in html
    assert step_of(html) == step_of(page)
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Answer.id))) == 1


def test_a_double_submitted_form_is_handled_once(app: Flask, database: Database) -> None:
    token = issue_link(database, "pulse")
    client = app.test_client()
    page = through_consent(client, token)
    while 'name="text"' not in page:
        page = answer_top(client, token, page)
    fields = {**hidden_fields(page), "action": "answer", "text": "my mates are great"}
    client.post(f"/s/{token}", data=fields)
    second = client.post(f"/s/{token}", data=fields)
    assert second.status_code in (200, 303)
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Comment.id))) == 1


def test_open_event_link_gives_each_device_its_own_respondent(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "checkin-11-17", open_link=True)
    first, second = app.test_client(), app.test_client()
    page_one = through_consent(first, token)
    page_two = through_consent(second, token)
    answer_top(first, token, page_one)
    assert step_of(text_of(second.get(f"/s/{token}"))) == step_of(page_two)
    assert step_of(text_of(first.get(f"/s/{token}"))) != step_of(page_one)
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Respondent.id))) == 2
        invite = session.scalar(select(models.Invite))
        assert invite.open_link and invite.device_hash is None and invite.first_used_at
        invite_ids = set(session.scalars(select(models.SurveySession.invite_id)))
        assert invite_ids == {invite.id}


def test_unknown_link_is_a_kind_404(app: Flask) -> None:
    response = app.test_client().get("/s/not-a-real-token-at-all")
    assert response.status_code == 404
    assert "We can't find this link" in text_of(response)


def test_see_download_and_delete_my_answers(app: Flask, database: Database) -> None:
    token = issue_link(database, "pulse")
    client = app.test_client()
    page = through_consent(client, token)
    question_text = CATALOGUE["pulse"].question(step_of(page)).text
    page = answer_top(client, token, page)
    mine = client.get(f"/s/{token}/my-data")
    assert mine.status_code == 200 and question_text in text_of(mine)
    assert mine.headers["Cache-Control"] == "no-store"
    download = client.get(f"/s/{token}/my-data.json")
    assert download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert len(json.loads(download.get_data())["answers"]) == 1
    confirm = client.get(f"/s/{token}/my-data/delete")
    assert "can't be undone" in text_of(confirm)
    no_token = client.post(f"/s/{token}/my-data/delete", data={"confirm": "yes"})
    assert no_token.status_code == 400
    done = client.post(
        f"/s/{token}/my-data/delete",
        data={"confirm": "yes", "csrf_token": csrf_token(text_of(confirm))},
    )
    assert "have been deleted" in text_of(done)
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Answer.id))) == 0
        assert session.scalar(select(func.count(models.Respondent.id))) == 0
    assert client.get(f"/s/{token}").status_code == 403  # a used link never starts again


def test_faces_are_large_emoji_buttons_with_words(app: Flask, database: Database) -> None:
    token = issue_link(database, "checkin-4-7")
    client = app.test_client()
    page = through_consent(client, token)
    assert 'class="choices faces"' in page
    # the 4-7 check-in's faces are Heard's own pictures (symbol_required), alt="" beside the word
    assert '<img class="symbol face" src="/static/symbols/face-5.svg" alt=""' in page
    assert "😀" not in page
    assert '<span class="face-word">Very happy</span>' in page
