"""'Would you like someone to get in touch?' is asked once a day, not after every worry.

A person who answered it (yes or no) for one alert is not asked again for another alert
raised within ANSWER_STANDS_FOR: the same answer is recorded on the new alert (a yes with
how to reach them, still sealed) and they are told kindly it was passed on too. In the
real bot (fake Bot API), the web chat and the web form (the real app); SQLite and
PostgreSQL. A day later, or for someone else, it is asked afresh.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Iterator
from datetime import timedelta

import pytest
import test_web_staff_support as staff_support
from browser_support import PSEUDONYM_KEY, csrf_token, hidden_fields, issue_link, make_app
from fakes.telegram_api import FakeTelegram, heard_bot
from flask import Flask
from sqlalchemy import select
from test_web_public_chat import join_chat, say, text_of

from bot.texts import load_texts
from heard.wiring import Database
from storage import models
from storage.db import transaction
from storage.models import utcnow
from storage.sealing import ContactDetails
from surveys.contact import ANSWER_STANDS_FOR, ContactDesk
from surveys.safeguarding_seam import FreeTextContext, check_free_text
from webforms.public.contact import PASSED_ON_NO, PASSED_ON_YES

fast_hashing = staff_support.fast_hashing
BOT_KEY = b"bot-test-pseudonym-key-0123456789"  # the key heard_bot's bot seals with
TEEN = 5593101
ASK = "Would you like someone from the council to get in touch"
TEXTS = load_texts()


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def all_alerts(database: Database) -> list[models.SafeguardingAlert]:
    with transaction(database.sessions) as session:
        rows = list(
            session.scalars(select(models.SafeguardingAlert).order_by(models.SafeguardingAlert.id))
        )
        session.expunge_all()
        return rows


def disclose(database: Database, pseudonym: str, words: str = "my foster dad hits me") -> int:
    with transaction(database.sessions) as session:
        outcome = check_free_text(
            session,
            words,
            FreeTextContext(
                pseudonym=pseudonym, channel="web", cohort="child_in_care", age_band="11-17"
            ),
        )
        assert outcome is not None and outcome.alert_id is not None
        return outcome.alert_id


# ------------------------------------------------------------------ the rule itself


def test_an_answer_stands_for_a_day_for_the_same_person_only(database: Database) -> None:
    desk = ContactDesk(database.sessions, PSEUDONYM_KEY)
    first = disclose(database, "p-1")
    assert desk.answer_standing(first) is None  # nothing answered yet: ask
    details = ContactDetails(first_name="Jo", phone="07700 900123")
    assert desk.answer(first, pseudonym="p-1", wanted=True, details=details)
    second = disclose(database, "p-1", "he hit me again")
    someone_else = disclose(database, "p-2")
    assert desk.answer_standing(someone_else) is None
    assert desk.answer_standing(second) is True
    assert desk.answer_standing(second) is True  # shown again: still passed on, once
    by_id = {a.id: a for a in all_alerts(database)}
    assert by_id[second].contact_wanted is True
    assert by_id[second].contact_answered_at == by_id[first].contact_answered_at
    assert desk.view(by_id[second]).details == details  # sealed, and opens the same
    assert "07700" not in (by_id[second].contact_sealed or "")
    assert (by_id[second].note or "").count("not asked again") == 1
    assert by_id[someone_else].contact_answered_at is None

    with transaction(database.sessions) as session:  # a day and a minute later
        for alert_id in (first, second):
            alert = session.get(models.SafeguardingAlert, alert_id)
            assert alert is not None and alert.contact_answered_at is not None
            alert.contact_answered_at -= ANSWER_STANDS_FOR + timedelta(minutes=1)
    third = disclose(database, "p-1", "i dont feel safe at home")
    assert desk.answer_standing(third) is None  # asked afresh


def test_a_no_stands_too_and_nothing_is_sealed(database: Database) -> None:
    desk = ContactDesk(database.sessions, PSEUDONYM_KEY)
    first = disclose(database, "p-1")
    assert desk.answer(first, pseudonym="p-1", wanted=False)
    second = disclose(database, "p-1", "he hit me again")
    assert desk.answer_standing(second) is False
    alert = {a.id: a for a in all_alerts(database)}[second]
    assert alert.contact_wanted is False and alert.contact_sealed is None


# ------------------------------------------------------------------ the bot


@pytest.mark.parametrize(
    ("tap", "told"),
    [("Yes, please", TEXTS.contact_passed_on_yes), ("No, thank you", TEXTS.contact_passed_on_no)],
)
def test_the_bot_asks_once_and_passes_the_second_worry_on(
    database: Database, fake: FakeTelegram, tap: str, told: str
) -> None:
    async def teen() -> list[dict]:
        async with heard_bot(database, fake) as bot:
            await bot.join(TEEN)
            await bot.press(TEEN, "Not now")
            _help, asked = await bot.chat(TEEN, "my foster dad hits me")
            assert asked["text"].startswith(ASK) and fake.buttons(asked)
            await bot.tap(TEEN, lambda label: label.startswith(tap.split(",")[0]), message=asked)
            return await bot.chat(TEEN, "i want to die tonight")

    second = asyncio.run(teen())
    words = [str(m.get("text")) for m in second]
    assert words[-1] == told
    assert not any(ASK in w for w in words)
    assert not any(fake.buttons(m) for m in second)  # no question, no buttons
    first_alert, second_alert = all_alerts(database)
    assert second_alert.contact_wanted is first_alert.contact_wanted is (tap == "Yes, please")
    view = ContactDesk(database.sessions, BOT_KEY).view(second_alert)
    assert (view.details.telegram_chat if view.details else None) == (
        TEEN if tap == "Yes, please" else None
    )


# ------------------------------------------------------------------ the web chat and form


def offer_fields(page: str) -> dict[str, str]:
    form = page[page.index('class="contact-offer"') :]
    form = form[: form.index("</form>")]
    return {"csrf_token": csrf_token(page), **hidden_fields(form)}


def test_the_web_chat_asks_once_and_passes_the_second_worry_on(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = join_chat(client, "child_in_care", "11-17")
    page = say(client, page, text="my foster dad hits me")
    assert ASK in page
    done = client.post(
        "/get-in-touch", data={**offer_fields(page), "wanted": "yes", "phone": "07700 900123"}
    )
    assert done.status_code == 200
    page = say(client, page, text="i want to die tonight")
    shown = html.unescape(page)
    assert PASSED_ON_YES in shown and ASK not in shown and 'class="contact-offer"' not in page
    assert "0800 1111" in shown  # the help is still there
    first_alert, second_alert = all_alerts(database)
    view = ContactDesk(database.sessions, PSEUDONYM_KEY).view(second_alert)
    assert view.wanted is True and view.details == ContactDetails(phone="07700 900123")


def test_the_web_form_asks_once_and_passes_the_second_worry_on(
    app: Flask, database: Database
) -> None:
    from test_web_public_survey import post, step_of, through_consent

    token = issue_link(database)
    client = app.test_client()
    page = through_consent(client, token)
    page = text_of(post(client, token, page, action="answer", text="i want to die"))
    assert ASK in page
    assert (
        client.post("/get-in-touch", data={**offer_fields(page), "wanted": "no"}).status_code == 200
    )
    page = text_of(client.get(f"/s/{token}"))
    assert step_of(page) == "@continue"
    page = text_of(post(client, token, page, choice="yes"))
    page = text_of(post(client, token, page, action="answer", text="my foster dad hits me"))
    shown = html.unescape(page)
    assert PASSED_ON_NO in shown and ASK not in shown
    first_alert, second_alert = all_alerts(database)
    assert first_alert.contact_wanted is False and second_alert.contact_wanted is False


def test_a_day_later_the_web_chat_asks_again(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = join_chat(client, "child_in_care", "11-17")
    page = say(client, page, text="my foster dad hits me")
    assert (
        client.post("/get-in-touch", data={**offer_fields(page), "wanted": "no"}).status_code == 200
    )
    with transaction(database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None
        alert.contact_answered_at = utcnow() - ANSWER_STANDS_FOR - timedelta(minutes=1)
    page = say(client, page, text="i want to die tonight")
    assert ASK in page and PASSED_ON_NO not in html.unescape(page)
