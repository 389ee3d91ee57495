"""The safeguarding lead messages a person in Telegram from their alert page.

A person who said "Yes, please" to someone getting in touch in Telegram has their chat
sealed on the alert; the lead writes to them there, as the bot, through the fake Bot API
server. What was sent goes into the alert's history and the audit log; a message that
is empty, too long or hides characters is refused kindly; a Telegram failure records
nothing as sent and keeps the lead's words. Only the safeguarding role may send, and
only to someone who asked. The real app factory, sign-in and CSRF token; SQLite and
PostgreSQL.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import test_web_staff_support as support
from fakes.telegram_api import FakeTelegram, heard_bot
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_web_staff_support import EMAILS, Seeded, csrf_token, no_canaries, signed_in

from heard.notice_wiring import for_pages
from heard.settings import Settings
from heard.wiring import Database
from notices.child_message import EMPTY, HIDDEN, MESSAGE_MAX, ChildMessenger
from storage import models
from storage.alerts import REPLY_WINDOW, raise_alert, set_alert_status
from storage.audit import audit_entries
from storage.db import transaction
from storage.models import utcnow
from storage.sealing import ContactDetails
from surveys.contact import ContactDesk
from webforms.app import create_app
from webforms.config import WebConfig
from webforms.staff.alert_message import (
    GONE,
    NO_ANSWER,
    NOT_ASKED,
    NOT_SET_UP,
    PRESS_AGAIN,
    REFUSED,
    SENT,
    TWICE,
)

fast_hashing = support.fast_hashing  # fixtures shared with the other staff test modules
seeded = support.seeded

KEY = b"bot-test-pseudonym-key-0123456789"  # the key heard_bot's bot seals the chat with
TEEN, OTHER_CHAT = 5591501, 5591502
WORDS = (
    "Hi, this is Sam from the council's safeguarding team. Thank you for telling us.\n"
    "Can I ring you today? My number is 01632 960 123."
)
LABEL = "Message them in Telegram"
NOT_SET_UP_PAGE = "Telegram is not set up on this installation"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def make_app(database: Database, settings: Settings, messenger: ChildMessenger | None) -> Flask:
    config = WebConfig(secret_key=settings.secret_key, timezone="Europe/London")
    services: dict[str, object] = {
        "contact_desk": ContactDesk(database.sessions, KEY),
        "child_messenger": messenger,
    }
    app = create_app(database.sessions, config, services)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def app(database: Database, settings: Settings, fake: FakeTelegram, seeded: Seeded) -> Flask:
    return make_app(database, settings, ChildMessenger(fake.token, fake.api_url, timeout=5))


def alert_with_answer(
    database: Database, *, wanted: bool, details: ContactDetails | None = None
) -> int:
    """An alert raised in Telegram whose person has answered "get in touch?"."""
    with transaction(database.sessions) as session:
        alert_id = raise_alert(
            session,
            pseudonym="t" * 64,
            text="my foster dad hits me and i dont want to go home",
            category="allegation_about_carer",
            level="urgent",
            channel="telegram",
            cohort="child_in_care",
            age_band="11-17",
        ).id
    desk = ContactDesk(database.sessions, KEY)
    assert desk.answer(alert_id, pseudonym="t" * 64, wanted=wanted, details=details)
    return alert_id


def said_yes(database: Database, chat: int = TEEN) -> int:
    return alert_with_answer(database, wanted=True, details=ContactDetails(telegram_chat=chat))


def once_of(client: FlaskClient, alert_id: int) -> str:
    """The one-time value of the message box the lead sees now ("" if there is none)."""
    shown = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    found = re.search(r'<input id="message-once" name="once" type="hidden" value="([^"]+)"', shown)
    return found.group(1) if found else ""


def send(client: FlaskClient, alert_id: int, message: str, **extra: str):  # type: ignore[no-untyped-def]
    """Open the alert page and press Send with `message` in the box, as the lead would."""
    data = {"once": once_of(client, alert_id), "message": message, **extra}
    return client.post(
        f"/staff/alerts/{alert_id}/message", data={**data, "csrf_token": csrf_token(client)}
    )


def page(client: FlaskClient, alert_id: int) -> str:
    response = client.get(f"/staff/alerts/{alert_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sent_to(fake: FakeTelegram, chat: int) -> list[str]:
    """What reached the chat (a refused sendMessage is in `fake.sent` but not here)."""
    return [str(m.get("text")) for m in fake.bot_messages(chat)]


def history(database: Database, alert_id: int) -> list[str]:
    with transaction(database.sessions) as session:
        alert = session.get(models.SafeguardingAlert, alert_id)
        assert alert is not None
        return (alert.note or "").splitlines()


def message_audits(database: Database) -> list[tuple[str, str | None, dict]]:
    with transaction(database.sessions) as session:
        entries = reversed(audit_entries(session, "alert.message"))  # oldest first
        return [(e.actor, e.target, dict(e.detail)) for e in entries]


def textarea(body: str) -> str:
    found = re.search(r'<textarea[^>]*id="message-them"[^>]*>(.*?)</textarea>', body, re.S)
    assert found, "no message box on the page"
    return html.unescape(found.group(1)).strip("\r\n")


def test_the_lead_messages_the_teenager_who_said_yes_please_in_telegram(
    database: Database, settings: Settings, fake: FakeTelegram, seeded: Seeded
) -> None:
    """The whole way back: the teen's "Yes, please" in the real bot, then the lead's
    message from the alert page arrives in that same chat."""

    async def teen() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(TEEN)
            await bot.press(TEEN, "Not now")
            _help, asked = await bot.chat(TEEN, "my foster dad hits me and i dont want to go home")
            await bot.tap(TEEN, "Yes, please", message=asked)

    asyncio.run(teen())
    with transaction(database.sessions) as session:
        alert_id = session.scalar(
            select(models.SafeguardingAlert.id).where(
                models.SafeguardingAlert.channel == "telegram"
            )
        )
    assert alert_id is not None
    app = make_app(database, settings, ChildMessenger(fake.token, fake.api_url, timeout=5))
    lead = signed_in(app, "safeguarding")

    shown = page(lead, alert_id)
    assert "They would like someone to get in touch" in shown
    assert LABEL in shown and "Say who you are" in shown
    assert "They will see it in the Heard chat." in shown
    assert f'action="/staff/alerts/{alert_id}/message"' in shown

    response = send(lead, alert_id, WORDS)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/alerts/{alert_id}")
    assert sent_to(fake, TEEN)[-1] == WORDS  # exactly the lead's words, line break and all
    assert fake.last(TEEN)["text"] == WORDS  # the last thing in the teen's chat

    after = lead.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    assert SENT in html.unescape(after)
    [line] = [line for line in history(database, alert_id) if "messaged them" in line]
    assert re.fullmatch(
        r"\d{2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST) · safeguarding@council\.example · "
        r"messaged them in Telegram: \u201cHi, this is Sam .+ 01632 960 123\.\u201d",
        line,
    ), line
    assert "Thank you for telling us. Can I ring you" in line  # one line in the history
    assert message_audits(database) == [
        (EMAILS["safeguarding"], f"alert:{alert_id}", {"sent": True})
    ]


def test_empty_long_and_hidden_text_is_refused_kindly_and_nothing_is_sent(
    app: Flask, database: Database, fake: FakeTelegram
) -> None:
    alert_id = said_yes(database)
    lead = signed_in(app, "safeguarding")
    for typed, problem in [
        ("", EMPTY),
        ("   \r\n  ", EMPTY),
        ("x" * (MESSAGE_MAX + 1), "Please keep the message to 1,000 characters or fewer"),
        ("Hi, it's Sam\u202e321 069 23610 no em gnir", HIDDEN),
        ("Hi\x00 there\x07", HIDDEN),
    ]:
        response = send(lead, alert_id, typed)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, typed
        assert "There is a problem" in body
        assert problem in html.unescape(body), typed
        assert 'aria-invalid="true"' in body
        if typed.strip():  # kept for them to put right, without what was hidden
            assert textarea(body) == typed.replace("\u202e", "").replace("\x00", "").replace(
                "\x07", ""
            )
    assert fake.sent("sendMessage") == []
    assert not any("messaged them" in line for line in history(database, alert_id))
    assert message_audits(database) == []

    # At the limit it goes; markup is plain text in Telegram and escaped on the page.
    exactly = "<b>Sam</b> here. " + "x" * (MESSAGE_MAX - 17)
    assert len(exactly) == MESSAGE_MAX
    assert send(lead, alert_id, f"  {exactly}\n").status_code == 302
    assert sent_to(fake, TEEN) == [exactly]
    shown = page(lead, alert_id)
    assert "&lt;b&gt;Sam&lt;/b&gt; here." in shown and "<b>Sam</b>" not in shown


def test_a_telegram_failure_says_so_and_records_nothing_as_sent(
    app: Flask, database: Database, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    alert_id = said_yes(database)
    lead = signed_in(app, "safeguarding")
    caplog.set_level(logging.INFO)

    fake.failing.add(TEEN)  # Telegram's servers fail
    response = send(lead, alert_id, WORDS)
    body = response.get_data(as_text=True)
    assert response.status_code == 502
    assert NO_ANSWER in html.unescape(body)
    assert textarea(body).replace("\r\n", "\n") == WORDS  # their words are still there

    fake.failing.clear()
    fake.blocked.add(TEEN)  # the teen blocked the bot
    response = send(lead, alert_id, WORDS)
    assert response.status_code == 502
    assert REFUSED in html.unescape(response.get_data(as_text=True))

    assert not any("messaged them" in line for line in history(database, alert_id))
    audits = message_audits(database)
    assert [entry[2]["sent"] for entry in audits] == [False, False]
    assert "500" in audits[0][2]["reason"] and "blocked" in audits[1][2]["reason"]
    for where in (caplog.text, *(str(entry[2]) for entry in audits)):
        assert fake.token not in where and "TEST-token" not in where
        assert str(TEEN) not in where and "Sam" not in where  # no chat, no words

    fake.blocked.clear()  # Telegram is back: the same words go, once
    assert send(lead, alert_id, WORDS).status_code == 302
    assert sent_to(fake, TEEN) == [WORDS]
    assert [entry[2]["sent"] for entry in message_audits(database)] == [False, False, True]


def test_send_pressed_twice_sends_once_and_an_old_page_asks_again(
    app: Flask, database: Database, fake: FakeTelegram
) -> None:
    alert_id = said_yes(database)
    lead = signed_in(app, "safeguarding")
    once = once_of(lead, alert_id)
    assert once and once != once_of(lead, alert_id)  # fresh each time the box is shown
    pressed = {"once": once, "message": WORDS, "csrf_token": csrf_token(lead)}
    first = lead.post(f"/staff/alerts/{alert_id}/message", data=pressed)
    second = lead.post(f"/staff/alerts/{alert_id}/message", data=pressed)
    assert (first.status_code, second.status_code) == (302, 302)
    assert TWICE in html.unescape(lead.get(second.headers["Location"]).get_data(as_text=True))
    assert sent_to(fake, TEEN) == [WORDS]
    assert [line.count("messaged them") for line in history(database, alert_id)] == [1]
    assert [entry[2] for entry in message_audits(database)] == [{"sent": True}]

    for stale in ("", "not-a-value", "x" * 65):
        response = send(lead, alert_id, "Hello again", once=stale)
        body = response.get_data(as_text=True)
        assert response.status_code == 400
        assert PRESS_AGAIN in html.unescape(body) and textarea(body) == "Hello again"
    assert sent_to(fake, TEEN) == [WORDS]


def test_only_the_safeguarding_role_may_send(
    app: Flask, database: Database, fake: FakeTelegram
) -> None:
    alert_id = said_yes(database)
    for role in ("participation", "admin"):
        client = signed_in(app, role)
        response = send(client, alert_id, WORDS)
        assert response.status_code == 403, role
        no_canaries(response.get_data(as_text=True))
    anonymous = app.test_client()
    response = anonymous.post(f"/staff/alerts/{alert_id}/message", data={"message": WORDS})
    assert response.status_code == 400  # no CSRF token: refused before anything else
    lead = signed_in(app, "safeguarding")
    no_token = lead.post(f"/staff/alerts/{alert_id}/message", data={"message": WORDS})
    assert no_token.status_code == 400
    assert send(lead, 99999, WORDS).status_code == 404
    assert fake.sent("sendMessage") == []
    assert message_audits(database) == []


def test_no_form_unless_they_asked_in_telegram(
    app: Flask, database: Database, fake: FakeTelegram
) -> None:
    said_no = alert_with_answer(database, wanted=False)
    by_phone = alert_with_answer(
        database, wanted=True, details=ContactDetails(first_name="Jo", phone="07700 900123")
    )
    lead = signed_in(app, "safeguarding")
    declined = page(lead, said_no)
    assert "They said they would rather not be contacted" in declined
    assert LABEL not in declined and 'id="message-them"' not in declined
    phone = page(lead, by_phone)
    assert "07700 900123" in phone and LABEL not in phone
    for alert_id in (said_no, by_phone):
        response = send(lead, alert_id, WORDS)
        assert response.status_code == 302
        assert NOT_ASKED in html.unescape(lead.get(response.headers["Location"]).get_data(True))
    assert fake.sent("sendMessage") == []
    assert message_audits(database) == []


def _retention_sweep(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The nightly job as the scheduler runs it (heard.jobs), with the council's settings."""
    from heard.jobs import nightly_maintenance

    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("HEARD_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HEARD_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HEARD_RETENTION_MONTHS", "24")
    monkeypatch.setenv("HEARD_TIMEZONE", "Europe/London")
    assert nightly_maintenance(str(settings.data_dir))["alert_contacts"] == 1


def _long_ago(database: Database, alert_id: int, days: int = 800) -> None:
    """Raised and answered `days` ago (past 24 months), and closed since."""
    then = utcnow() - timedelta(days=days)
    with transaction(database.sessions) as session:
        alert = session.get(models.SafeguardingAlert, alert_id)
        assert alert is not None
        alert.created_at = alert.contact_answered_at = then
        set_alert_status(session, alert, "closed", by=EMAILS["safeguarding"], when=then)


def _removed_words(database: Database, alert_id: int) -> str:
    """What the page should say, with the time the sweep recorded, as staff read times."""
    with transaction(database.sessions) as session:
        alert = session.get(models.SafeguardingAlert, alert_id)
        assert alert is not None and alert.contact_sealed is None
        assert alert.contact_wanted is True and alert.contact_removed_at is not None
        when = alert.contact_removed_at.astimezone(ZoneInfo("Europe/London"))
    return (
        f"Their details were removed on {when:%d %b %Y, %H:%M} after the retention period, "
        "as the council\u2019s retention policy says, so they cannot be shown or messaged "
        "from here."
    )


def test_after_retention_the_page_says_their_details_were_removed_and_offers_no_box(
    app: Flask,
    database: Database,
    settings: Settings,
    fake: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """They said "Yes, please" in Telegram two years ago and the lead wrote to them this
    week; the nightly retention sweep removes the sealed chat. The page says they asked
    and that the details went, when and why (not that none came), offers no message box,
    and says their reply to this week's message still comes here until the week is up."""
    alert_id = said_yes(database)
    _long_ago(database, alert_id)
    lead = signed_in(app, "safeguarding")
    assert LABEL in page(lead, alert_id)
    assert send(lead, alert_id, WORDS).status_code == 302
    assert sent_to(fake, TEEN) == [WORDS]

    _retention_sweep(settings, monkeypatch, tmp_path)

    shown = html.unescape(" ".join(page(lead, alert_id).split()))
    assert "They asked for someone to get in touch" in shown
    assert _removed_words(database, alert_id) in shown
    assert "They would like someone to get in touch" not in shown
    assert LABEL not in shown and 'id="message-them"' not in shown
    assert f'action="/staff/alerts/{alert_id}/message"' not in shown
    assert "Telegram is not set up" not in shown
    with transaction(database.sessions) as session:
        alert = session.get(models.SafeguardingAlert, alert_id)
        assert alert is not None and alert.lead_messaged_at is not None
        until = (alert.lead_messaged_at + REPLY_WINDOW).astimezone(ZoneInfo("Europe/London"))
    assert f"If they reply before {until:%d %b %Y, %H:%M}, their reply will still appear" in shown

    response = send(lead, alert_id, WORDS)  # a page left open from before the sweep
    assert response.status_code == 302
    assert GONE in html.unescape(lead.get(response.headers["Location"]).get_data(True))
    assert sent_to(fake, TEEN) == [WORDS]  # nothing more
    assert message_audits(database) == [
        (EMAILS["safeguarding"], f"alert:{alert_id}", {"sent": True})
    ]


def test_details_given_on_the_web_and_removed_by_retention_say_so_without_a_reply_window(
    app: Flask,
    database: Database,
    settings: Settings,
    fake: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    alert_id = alert_with_answer(
        database, wanted=True, details=ContactDetails(first_name="Jo", phone="07700 900123")
    )
    _long_ago(database, alert_id)
    lead = signed_in(app, "safeguarding")
    assert "Wants contact" in lead.get("/staff/alerts?show=done").get_data(True)

    _retention_sweep(settings, monkeypatch, tmp_path)

    shown = html.unescape(" ".join(page(lead, alert_id).split()))
    assert "They asked for someone to get in touch" in shown
    assert _removed_words(database, alert_id) in shown
    assert "07700 900123" not in shown and "First name" not in shown
    assert LABEL not in shown and 'id="message-them"' not in shown
    assert "If they reply before" not in shown
    queue = lead.get("/staff/alerts?show=done").get_data(True)
    assert "Asked for contact, details removed" in queue and "Wants contact" not in queue


def test_without_a_bot_token_the_page_says_telegram_is_not_set_up(
    database: Database, settings: Settings, fake: FakeTelegram, seeded: Seeded
) -> None:
    alert_id = said_yes(database)
    app = make_app(database, settings, None)
    lead = signed_in(app, "safeguarding")
    shown = page(lead, alert_id)
    assert NOT_SET_UP_PAGE in shown and 'id="message-them"' not in shown
    response = send(lead, alert_id, WORDS)
    assert response.status_code == 302
    assert NOT_SET_UP in html.unescape(lead.get(response.headers["Location"]).get_data(True))
    assert fake.sent("sendMessage") == []


def test_the_wiring_gives_the_pages_a_messenger_only_with_a_bot_token(
    settings: Settings, fake: FakeTelegram
) -> None:
    assert for_pages(settings)["child_messenger"] is None
    with_token = replace(settings, telegram_token=fake.token, telegram_api_url=fake.api_url)
    messenger = for_pages(with_token)["child_messenger"]
    assert isinstance(messenger, ChildMessenger)
    assert fake.token not in repr(messenger)


def test_the_message_box_has_no_maxlength_and_says_its_limit(
    app: Flask, database: Database
) -> None:
    """A maxlength would cut a pasted message short without a word; the page says the
    limit instead, and a longer message is refused with its length (test above)."""
    alert_id = said_yes(database)
    shown = page(signed_in(app, "safeguarding"), alert_id)
    box = re.search(r'<textarea[^>]*id="message-them"[^>]*>', shown)
    assert box is not None and "maxlength" not in box.group(0)
    assert "Up to 1,000 characters." in shown
