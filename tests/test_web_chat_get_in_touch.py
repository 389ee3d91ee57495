"""'Would you like someone to get in touch?' answered in the web chat, by plain form posts:
the answer goes onto the alert and the page is the chat where they were (their answer,
Heard's reply, the help kept, the question they were on), never a page of its own, and
nothing about their check-in changes (no answer stored again, no check-in begun again)."""

from __future__ import annotations

from collections import Counter

import pytest
from browser_support import PSEUDONYM_KEY, choice_values, csrf_token, hidden_fields, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_web_public_chat import current_step, join_chat, say, text_of

from analysis.safeguarding import contact_wording
from heard.wiring import Database
from storage import models
from storage.db import transaction
from storage.sealing import ContactDetails
from surveys.contact import ContactDesk

DISCLOSURE = "my carer hits me when he is drunk"
EN = contact_wording("child_in_care")


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def contact_fields(page: str) -> dict[str, str]:
    """What the contact form under the help posts (its own hidden fields only)."""
    form = page[page.index('class="contact-offer"') :]
    assert form.startswith('class="contact-offer" data-js-chat'), "not the chat's own form"
    form = form[: form.index("</form>")]
    return {"csrf_token": csrf_token(page), **hidden_fields(form)}


def answer(client: FlaskClient, page: str, **data: str) -> str:
    response = client.post("/chat/get-in-touch", data={**contact_fields(page), **data})
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return text_of(response)


def log_of(page: str) -> str:
    log = page[page.index('id="chat-log"') :]
    return log[: log.index("</ol>")]


def stored(database: Database) -> tuple[int, Counter[str]]:
    with transaction(database.sessions) as session:
        sessions = len(session.scalars(select(models.SurveySession.id)).all())
        return sessions, Counter(session.scalars(select(models.Answer.question_id)).all())


def alert_of(database: Database) -> models.SafeguardingAlert:
    with transaction(database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None
        session.expunge(alert)
        return alert


def disclose_mid_check_in(client: FlaskClient, language: str = "en") -> tuple[str, str]:
    """A check-in begun in `language`, one question answered, the disclosure typed at the
    next; the page with the help, and the step they were on."""
    page = join_chat(client, "child_in_care", "11-17")
    client.set_cookie("heard_lang", language)  # as the language links do
    page = say(client, page, action="begin")
    page = say(client, page, choice="yes", step="@consent")
    page = say(client, page, choice="no", step="@quote")
    page = say(client, page, choice=choice_values(page)[-1], step=current_step(page) or "")
    step = current_step(page) or ""
    page = say(client, page, text=DISCLOSURE)
    assert current_step(page) == "@continue" and 'id="help-now"' in page
    wording = contact_wording("child_in_care", language=language)
    assert 'action="/chat/get-in-touch"' in page and wording.ask.replace("'", "&#39;") in page
    return page, step


def test_no_thank_you_stays_in_the_chat_at_the_question(app: Flask, database: Database) -> None:
    client = app.test_client()
    page, step = disclose_mid_check_in(client)
    before = stored(database)
    html = answer(client, page, wanted="no")
    log = log_of(html)
    assert f"</span>{EN.no}</li>" in log  # what they pressed, as theirs
    # straight after the question it answers, never after "carry on with the questions?"
    asked = log.index(EN.ask.replace("'", "&#39;"))
    assert asked < log.index(f"</span>{EN.no}</li>") < log.index("carry on with the questions")
    assert EN.declined.replace("'", "&#39;") in log
    assert "Would you like to carry on with the questions?" in log  # the question they were on
    assert current_step(html) == "@continue"
    assert "Hi! I&#39;m Heard" not in html and "Start a check-in" not in html  # not begun again
    assert 'class="contact-offer"' not in html  # answered
    # the help, folded above, and carried by the chat's forms to the pages after
    assert 'id="help-kept"' in html and "0800 1111" in html
    assert hidden_fields(html[html.index('id="chat-controls"') :]).get("help")
    assert "Getting in touch" not in html and "Go back to the chat" not in html
    assert alert_of(database).contact_wanted is False
    assert stored(database) == before and before[0] == 1 and list(before[1].values()) == [1]
    # The same post again (a reload): nothing changes. Then carrying on: the same question.
    again = answer(client, page, wanted="no")
    assert current_step(again) == "@continue" and stored(database) == before
    html = say(client, html, choice="yes", step="@continue")
    assert current_step(html) == step
    assert 'id="help-kept"' in html  # still there, folded, for the rest of the visit
    html = say(client, html, choice=choice_values(html)[-1], step=step)
    sessions, answered = stored(database)
    assert sessions == 1 and sum(answered.values()) == 2 and set(answered.values()) == {1}


def test_yes_with_a_mistake_is_asked_again_in_the_chat_then_kept_sealed(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page, _step = disclose_mid_check_in(client)
    wrong = answer(client, page, wanted="yes", first_name="Jas", phone="12")
    log = log_of(wrong)
    assert f"</span>{EN.yes}</li>" in log
    assert EN.bad_phone.replace("'", "&#39;") in log  # what to put right, next to it
    assert 'value="Jas"' in log and 'value="12"' in log  # what they typed, kept
    assert 'action="/chat/get-in-touch"' in log and current_step(wrong) == "@continue"
    assert 'id="help-kept"' in wrong and "0800 1111" in wrong
    assert alert_of(database).contact_answered_at is None  # nothing recorded yet
    nothing = answer(client, wrong)  # neither button: asked to choose, in the chat
    assert "Please choose" in log_of(nothing) and "</span>Yes, please</li>" not in nothing
    fixed = answer(client, wrong, wanted="yes", first_name="Jas", worker="Karen")
    assert EN.thanks in log_of(fixed) and 'class="contact-offer"' not in fixed
    assert current_step(fixed) == "@continue"
    alert = alert_of(database)
    assert alert.contact_wanted is True and "Jas" not in (alert.contact_sealed or "")
    details = ContactDesk(database.sessions, PSEUDONYM_KEY).view(alert).details
    assert details == ContactDetails(first_name="Jas", worker="Karen")
    assert stored(database)[0] == 1 and sum(stored(database)[1].values()) == 1


def test_outside_a_check_in_the_chat_carries_on_without_starting_again(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, text=DISCLOSURE)
    html = answer(client, page, wanted="no")
    assert "That&#39;s OK" in log_of(html) and "Hi! I&#39;m Heard" not in html
    assert "Start a check-in" in html and 'id="help-kept"' in html
    assert stored(database) == (0, Counter())


@pytest.mark.parametrize("language", ["ar", "ps"])
def test_in_arabic_and_pashto(app: Flask, database: Database, language: str) -> None:
    client = app.test_client()
    page, _step = disclose_mid_check_in(client, language)
    wording = contact_wording("child_in_care", language=language)
    html = answer(client, page, wanted="no")
    assert f'lang="{language}"' in html
    assert f"</span>{wording.no}</li>" in log_of(html) and wording.declined in log_of(html)
    assert current_step(html) == "@continue"
    assert alert_of(database).contact_wanted is False


@pytest.mark.parametrize("offer", ["", "forged.token.value"])
def test_a_forged_or_missing_offer_gets_the_kind_closed_page(
    app: Flask, database: Database, offer: str
) -> None:
    client = app.test_client()
    page, _step = disclose_mid_check_in(client)
    fields = {**contact_fields(page), "offer": offer, "wanted": "no"}
    response = client.post("/chat/get-in-touch", data=fields)
    assert response.status_code == 400 and "This form has closed" in text_of(response)
    assert "999" in text_of(response)
    assert alert_of(database).contact_answered_at is None


def test_without_the_chat_cookie_or_csrf_nothing_is_recorded(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page, _step = disclose_mid_check_in(client)
    fields = contact_fields(page)
    refused = client.post("/chat/get-in-touch", data={**fields, "csrf_token": "", "wanted": "no"})
    assert refused.status_code == 400
    stranger = app.test_client()
    stranger.get("/chat")
    gone = stranger.post("/chat/get-in-touch", data={**fields, "wanted": "no"})
    assert gone.status_code in (303, 400)
    assert alert_of(database).contact_answered_at is None
