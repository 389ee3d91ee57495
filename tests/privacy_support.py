"""Whole journeys for the privacy tests (logs, erasure): a person answering over Telegram,
by an invite link and in the web chat, with their own words, through the real channels.

Everything runs on the real PTB Application against the fake Bot API and on the real
Flask app through its test client, keyed with the test's own Settings, so `heard`
commands run against the same database see the same pseudonyms.
"""

from __future__ import annotations

import re
from typing import Any

from browser_support import choice_values, csrf_token, hidden_fields, shared_offer_search
from fakes.telegram_api import RunningBot
from flask import Flask
from flask.testing import FlaskClient

from heard.settings import Settings
from heard.wiring import Database
from webforms.app import create_app
from webforms.config import WebConfig
from webforms.public.services import build_public_services

SKIP_WORDS = ("rather not say", "Skip", "Stop for now", "Not now")


def web_app(database: Database, settings: Settings) -> Flask:
    """The real app with the deployment's own keys (not the web tests' constants)."""
    services = build_public_services(database.sessions, settings.pseudonym_key, with_offer=False)
    services["offer_search"] = shared_offer_search()
    app = create_app(database.sessions, WebConfig(secret_key=settings.secret_key), services)
    app.config["TESTING"] = True
    return app


def text_of(response: Any) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------ Telegram


async def telegram_checkin(bot: RunningBot, user: int, *, comment: str, disclosure: str) -> None:
    """Join as a child in care, type a disclosure on the first question, carry on, answer
    every question (a button each) and write `comment` in the free-text question."""
    await bot.join(user)
    await bot.consent(user)
    await bot.type(user, disclosure)
    await finish_telegram_checkin(bot, user, comment)


async def finish_telegram_checkin(bot: RunningBot, user: int, comment: str) -> None:
    """Answer whatever is asked until the thank-you: "No" or "Carry on" where offered, else
    the first option (ticked, then Done, on a pick-many question); `comment` in free text."""
    for _ in range(60):
        message = bot.fake.last(user)
        if "Your answers have been saved" in message.get("text", ""):
            return
        buttons = [t for t, _ in bot.fake.buttons(message) if not any(w in t for w in SKIP_WORDS)]
        if not buttons:
            await bot.type(user, comment)
            continue
        done = [t for t in buttons if t.startswith("Done")]
        pick = next((t for t in buttons if re.sub(r"^\W+", "", t) in ("No", "Carry on")), None)
        await bot.press(user, pick or buttons[0])
        if done:
            await bot.press(user, done[0])
    raise AssertionError(f"the check-in never ended: {bot.fake.last(user)}")


async def telegram_offer_question(bot: RunningBot, user: int, question: str) -> str:
    """A care leaver asks the local offer something in their own words; the bot's reply."""
    await bot.join(user, who="A care leaver", age=None)
    await bot.press(user, "Not now")
    reply = await bot.type(user, question)
    assert reply is not None
    return str(reply["text"])


# ------------------------------------------------------------------ web form by invite link


def post_form(client: FlaskClient, token: str, page: str, **data: str) -> str:
    response = client.post(f"/s/{token}", data={**hidden_fields(page), **data})
    assert response.status_code == 200, response.status_code
    return text_of(response)


def web_checkin(client: FlaskClient, token: str, *, comment: str, disclosure: str) -> str:
    """Open the link, consent, type a disclosure on the first question, carry on, and answer
    everything, writing `comment` in the free-text box. The thank-you page."""
    page = text_of(client.get(f"/s/{token}"))
    page = post_form(client, token, page, choice="yes")
    page = post_form(client, token, page, choice="no")
    page = post_form(client, token, page, action="answer", text=disclosure)
    assert 'id="help-now"' in page, "the disclosure was not recognised"
    page = post_form(client, token, page, choice="yes")  # carry on
    for _ in range(40):
        step = hidden_fields(page).get("step")
        if step is None:
            assert "Thank you" in page
            return page
        values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
        if not values:
            page = post_form(client, token, page, action="answer", text=comment)
        else:
            pick = "no" if "no" in values else values[-1]
            page = post_form(client, token, page, action="answer", choice=pick)
    raise AssertionError("the survey never ended")


def web_delete_my_data(client: FlaskClient, base: str) -> str:
    """`base` is /s/<token> or /chat: confirm, post with the CSRF token; the done page."""
    confirm = text_of(client.get(f"{base}/my-data/delete"))
    done = client.post(
        f"{base}/my-data/delete", data={"csrf_token": csrf_token(confirm), "confirm": "yes"}
    )
    assert done.status_code == 200, done.status_code
    return text_of(done)


# ------------------------------------------------------------------ web chat


def chat_say(client: FlaskClient, page: str, **data: str) -> str:
    response = client.post("/chat", data={**hidden_fields(page), **data})
    assert response.status_code == 200, response.status_code
    return text_of(response)


def web_chat(client: FlaskClient, *, offer_question: str, comment: str, disclosure: str) -> str:
    """A care leaver in the web chat: asks the offer, does a check-in with a comment and
    a disclosure. The last page."""
    start = text_of(client.get("/chat"))
    joined = client.post(
        "/chat/start", data={"csrf_token": csrf_token(start), "cohort": "care_leaver"}
    )
    assert joined.status_code == 303, joined.status_code
    page = text_of(client.get("/chat"))
    page = chat_say(client, page, text=offer_question)
    assert "offer" in page.lower()
    page = chat_say(client, page, action="begin")
    page = chat_say(client, page, choice="yes", step="@consent")
    page = chat_say(client, page, choice="no", step="@quote")
    page = chat_say(client, page, text=disclosure)
    assert 'role="alert"' in page, "the disclosure was not recognised"
    if hidden_fields(page).get("step") == "@continue":
        page = chat_say(client, page, choice="yes", step="@continue")
    for _ in range(40):
        if "Your answers have been saved" in page:  # not the help's "Thank you for telling"
            return page
        values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
        if values:
            pick = "no" if "no" in values else values[-1]
            page = chat_say(client, page, choice=pick, step=hidden_fields(page).get("step", ""))
        else:
            page = chat_say(client, page, text=comment)
    raise AssertionError("the chat check-in never ended")
