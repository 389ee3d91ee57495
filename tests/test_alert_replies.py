"""A young person's reply to the safeguarding lead who messaged them reaches that lead.

The teen tells the real bot something worrying and says "Yes, please" to someone
getting in touch; the lead writes to them from the alert page (Flask test client,
signed in with the safeguarding role, the fake Bot API delivering). For a week after,
what the teen types ("ok thx", "can u call me after school") goes into the alert's
history as their reply, the alert is new again and its route is told again (a real SMTP
relay on loopback; the notice never carries their words), and the teen is thanked.
After the week, the same words are ordinary text again; a reply with a new disclosure
raises its own alert too; in a check-in, words that are not an answer are a reply and
the check-in carries on. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import test_web_staff_support as support
from alert_support import LEAD, SENDER, SmtpServer, client_tls, smtp_server
from fakes.telegram_api import FakeTelegram, heard_bot
from flask import Flask
from sqlalchemy import func, select
from test_staff_message_child import TEEN, make_app, page, send
from test_web_staff_support import Seeded, signed_in

from bot.texts import load_texts
from heard.settings import Settings
from heard.wiring import Database
from notices.child_message import ChildMessenger
from notices.email import EmailSender, SmtpRelay
from notices.routes import default_routes
from notices.sweep import Outbox, sweep
from storage import models
from storage.alerts import REPLY_WINDOW, set_alert_status
from storage.db import transaction
from storage.models import utcnow

fast_hashing = support.fast_hashing
seeded = support.seeded

BASE = "https://heard.council.example"
DISCLOSURE = "my foster dad hits me and i dont want to go home"
THANKS = (
    "Thanks \u2014 I've passed that to the person who messaged you. "
    "If you're in danger now, call 999."
)
LEAD_WORDS = "Hi, this is Sam from the council's safeguarding team. Can I ring you?"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def app(database: Database, settings: Settings, fake: FakeTelegram, seeded: Seeded) -> Flask:
    return make_app(database, settings, ChildMessenger(fake.token, fake.api_url, timeout=5))


def outbox(server: SmtpServer) -> Outbox:
    sender = EmailSender(SmtpRelay.parse(server.url()), SENDER, ssl_context=client_tls(), timeout=5)
    return Outbox(default_routes([LEAD]), (sender,), base_url=BASE)


def telegram_alert(database: Database, nth: int = 0) -> models.SafeguardingAlert:
    with transaction(database.sessions) as session:
        rows = session.scalars(
            select(models.SafeguardingAlert)
            .where(models.SafeguardingAlert.channel == "telegram")
            .order_by(models.SafeguardingAlert.id)
        ).all()
        session.expunge_all()
        return rows[nth]


def telegram_alerts(database: Database) -> int:
    with transaction(database.sessions) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(models.SafeguardingAlert)
                .where(models.SafeguardingAlert.channel == "telegram")
            )
            or 0
        )


def texts(messages: list[dict]) -> list[str]:
    return [str(m.get("text")) for m in messages]


def told_and_messaged(database: Database, app: Flask, fake: FakeTelegram) -> int:
    """The teen's disclosure and "Yes, please" in the real bot, then the lead's message
    from the alert page; the alert's id."""

    async def teen() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(TEEN)
            await bot.press(TEEN, "Not now")
            _help, asked = await bot.chat(TEEN, DISCLOSURE)
            await bot.tap(TEEN, "Yes, please", message=asked)

    asyncio.run(teen())
    alert_id = telegram_alert(database).id
    lead = signed_in(app, "safeguarding")
    assert send(lead, alert_id, LEAD_WORDS).status_code == 302
    assert fake.last(TEEN)["text"] == LEAD_WORDS
    return alert_id


def test_the_teens_replies_reach_the_lead_and_the_closed_alert_is_new_again(
    database: Database, app: Flask, fake: FakeTelegram
) -> None:
    alert_id = told_and_messaged(database, app, fake)
    with smtp_server() as server:
        sweep(database.sessions, outbox(server))  # every alert so far announced
        told_before = [m for m in server.mailbox.messages() if m.alert_id == alert_id]
        assert len(told_before) == 1
        with transaction(database.sessions) as session:  # the lead thought it was done
            alert = session.get(models.SafeguardingAlert, alert_id)
            assert alert is not None
            set_alert_status(session, alert, "closed", by="safeguarding@council.example")

        async def replies() -> tuple[list[str], list[str]]:
            async with heard_bot(database, fake) as bot:
                first = texts(await bot.chat(TEEN, "ok thx"))
                second = texts(await bot.chat(TEEN, "can u call me after school"))
                return first, second

        first, second = asyncio.run(replies())
        assert first == [THANKS] and second == [THANKS]

        alert = telegram_alert(database)
        assert alert.status == "new"
        history = (alert.note or "").splitlines()
        replies_seen = [line for line in history if "reply from the young person" in line]
        assert [line.split(": ", 1)[1] for line in replies_seen] == [
            "\u201cok thx\u201d",
            "\u201ccan u call me after school\u201d",
        ]
        assert any("reopened because they replied after it was closed" in h for h in history)

        result = sweep(database.sessions, outbox(server))
        assert result.notices == 1
        again = [m for m in server.mailbox.messages() if m.alert_id == alert_id]
        assert len(again) == 2 and again[-1].kind == "notice"
        for message in server.mailbox.messages():
            raw = message.message.as_string()
            assert "after school" not in raw and "ok thx" not in raw
        assert f"{BASE}/staff/alerts/{alert_id}" in again[-1].body

    lead = signed_in(app, "safeguarding")
    shown = html.unescape(page(lead, alert_id))
    assert "reply from the young person: \u201ccan u call me after school\u201d" in shown
    rows = [  # the history's rows, in words, each with its time in the council's
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r'<td role="cell" class="history-when">.*?</tr>', shown, re.S)
    ]
    assert any(
        re.fullmatch(
            r"When \d{2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST) Who the young person "
            r"What reply from the young person: .*",
            row,
        )
        for row in rows
    ), rows
    assert "If they reply there in the next 7 days" in shown


def test_after_the_week_the_same_words_are_ordinary_text_again(
    database: Database, app: Flask, fake: FakeTelegram
) -> None:
    alert_id = told_and_messaged(database, app, fake)
    with transaction(database.sessions) as session:
        alert = session.get(models.SafeguardingAlert, alert_id)
        assert alert is not None
        alert.lead_messaged_at = utcnow() - REPLY_WINDOW - timedelta(minutes=1)

    async def reply() -> list[str]:
        async with heard_bot(database, fake) as bot:
            return texts(await bot.chat(TEEN, "ok thx"))

    said = asyncio.run(reply())
    assert said and THANKS not in said  # the short menu, as for any other message
    assert "reply from the young person" not in (telegram_alert(database).note or "")


def test_after_they_erase_their_data_what_they_type_is_not_a_reply(
    database: Database, app: Flask, fake: FakeTelegram
) -> None:
    """/forgetme ends the lead's wait for a reply: later words are not added to the kept
    alert (they are still read for safety, as any message is)."""
    told_and_messaged(database, app, fake)

    async def erase_then_type() -> list[str]:
        async with heard_bot(database, fake) as bot:
            confirm = await bot.type(TEEN, "/forgetme")
            yes = dict(fake.buttons(confirm))["Yes, delete it all"]
            await bot.press_data(TEEN, confirm, yes)
            assert "Everything about you has been deleted" in fake.bot_messages(TEEN)[-1]["text"]
            return texts(await bot.chat(TEEN, "ok thx"))

    said = asyncio.run(erase_then_type())
    assert THANKS not in said
    alert = telegram_alert(database)
    assert alert.lead_messaged_at is None
    assert "reply from the young person" not in (alert.note or "")


def test_a_reply_with_a_new_disclosure_raises_its_own_alert_too(
    database: Database, app: Flask, fake: FakeTelegram
) -> None:
    alert_id = told_and_messaged(database, app, fake)
    worrying = "he hit me again last nite can u call me"

    async def reply() -> list[dict]:
        async with heard_bot(database, fake) as bot:
            return await bot.chat(TEEN, worrying)

    said = asyncio.run(reply())
    assert telegram_alerts(database) == 2
    new = telegram_alert(database, 1)
    assert new.id != alert_id and new.text == worrying
    assert "reply from the young person" in (telegram_alert(database).note or "")
    assert worrying in (telegram_alert(database).note or "")
    words = texts(said)
    assert any(THANKS in w for w in words)
    # They said "Yes, please" minutes ago: not asked again, the same answer stands for it
    assert words[-1] == load_texts().contact_passed_on_yes and not fake.buttons(said[-1])
    assert new.contact_wanted is True


def test_in_a_check_in_words_that_are_not_an_answer_are_a_reply_and_it_carries_on(
    database: Database, app: Flask, fake: FakeTelegram
) -> None:
    alert_id = told_and_messaged(database, app, fake)

    async def in_checkin() -> tuple[list[dict], dict]:
        async with heard_bot(database, fake) as bot:
            await bot.type(TEEN, "/checkin")
            question = fake.last(TEEN)
            if any(label == "Yes, let's start" for label, _ in fake.buttons(question)):
                question = await bot.consent(TEEN)
            assert fake.buttons(question), question
            return await bot.chat(TEEN, "can u call me after school"), question

    said, question = asyncio.run(in_checkin())
    assert texts(said)[0] == THANKS
    assert said[-1]["text"] == question["text"]  # the same question again, to carry on
    assert "can u call me after school" in (telegram_alert(database).note or "")
    assert telegram_alert(database).id == alert_id
