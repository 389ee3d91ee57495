"""No secret and no raw child text in logs: every log record of a whole day of Heard, with
every logger (ours, SQLAlchemy, python-telegram-bot, httpx, werkzeug, APScheduler...)
turned up to DEBUG, is searched for the words children typed, their Telegram ids, the
invite tokens, the keys, the bot token and a staff password.

DEBUG everywhere is the worst case a council can reach (HEARD_LOG_LEVEL=DEBUG, or its
own logging config while chasing a problem), so the test proves the protection sits on
the records themselves, whatever handler or level is in use.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from alert_support import LEAD, SENDER, smtp_server
from browser_support import csrf_token, hidden_fields, issue_link, shared_offer_search
from fakes.telegram_api import STAFF_CHAT, FakeTelegram, heard_bot
from privacy_support import (
    post_form,
    telegram_checkin,
    telegram_offer_question,
    text_of,
    web_app,
    web_chat,
    web_checkin,
    web_delete_my_data,
)
from sqlalchemy import func, select, text

from bot.app import BotConfig
from bot.reminders import send_due_reminders
from heard.privacy_command import run_erase, run_export
from heard.settings import Settings
from heard.wiring import Database
from notices.email import EmailSender, SmtpRelay
from notices.routes import default_routes
from notices.sweep import Outbox, sweep
from notices.telegram import TelegramSender
from storage import models
from storage.db import transaction
from storage.models import utcnow
from storage.staff import add_staff
from webforms.staff.passwords import hash_password

TOKEN = "424242:LOGTEST-bot-token-Zq9vKx"
STAFF_EMAIL = "safeguarding@council.example"
STAFF_PASSWORD = "staff-pass-phrase-Wm4Tq"  # noqa: S105 - a test password
RELAY_PASSWORD = "relay-pass-phrase-Zk8Pw"  # noqa: S105 - a test password
CHILD, LEAVER = 7_310_442_981, 7_310_442_982
# Unique words, so a hit in the logs can only have come from what a child typed.
WORDS = {
    "telegram comment": "my foster dog grumblewick snores",
    "telegram disclosure": "i want to die tonight quillofax",
    "telegram offer": "can i get money for college zanthropy",
    "web comment": "my room has purple vantablorp walls",
    "web disclosure": "he hits me every night mirthwallow",
    "chat offer": "where can i live when im 18 plonkerine",
    "chat comment": "my PA is called brindlesnoot",
    "chat disclosure": "i want to kill myself fenwhistle",
    "search": "help with rent sprocketeer",
    "failed insert": "my secret garden drizzlequark",
}
NOISY = ("sqlalchemy", "werkzeug", "telegram", "httpx", "httpcore", "apscheduler", "alembic")


class Capture(logging.Handler):
    """Every record, formatted with its exception and stack, as a log file would hold it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []
        self.names: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.names.add(record.name)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def captured() -> Iterator[Capture]:
    """Root and every known logger at DEBUG, enabled, into one handler; restored after."""
    for name in NOISY:
        logging.getLogger(name)
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]  # fmt: skip
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    handler = Capture()
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled


def _telegram_day(database: Database, settings: Settings, fake: FakeTelegram) -> None:
    """A check-in with a comment and a disclosure (staff chat told), a care leaver's offer
    question, /mydata, /settings, a reminder sweep and /forgetme."""

    async def scenario() -> None:
        bot = heard_bot(
            database,
            fake,
            pseudonym_key=settings.pseudonym_key,
            secret_key=settings.secret_key.encode(),
            offer=shared_offer_search(),
        )
        async with bot:
            await telegram_checkin(
                bot,
                CHILD,
                comment=WORDS["telegram comment"],
                disclosure=WORDS["telegram disclosure"],
            )
            reply = await telegram_offer_question(bot, LEAVER, WORDS["telegram offer"])
            assert "money" in reply.lower()
            shown = await bot.type(LEAVER, "/settings")  # reminders are off until chosen
            await bot.press(LEAVER, "Every month", message=shown)
            await bot.type(CHILD, "/mydata")
            await bot.type(CHILD, "/settings")
            await bot.press(CHILD, "Every 2 weeks")
            config: BotConfig = bot.app.bot_data["config"]
            noon = utcnow().replace(hour=12, minute=0) + timedelta(days=60)
            sweep = await send_due_reminders(bot.app.bot, database.sessions, config, now=noon)
            assert sweep.sent == 2
            confirm = await bot.type(LEAVER, "/forgetme")
            assert confirm is not None
            await bot.press(LEAVER, "Yes, delete it all", message=confirm)

    asyncio.run(scenario())
    staff_chat = Outbox(
        default_routes((), str(STAFF_CHAT)), (TelegramSender(TOKEN, fake.api_url),), base_url=""
    )
    assert sweep(database.sessions, staff_chat).notices >= 1  # the scheduler's sweep
    assert any("needs attention" in m.get("text", "") for m in fake.bot_messages(STAFF_CHAT))


def _alert_emails(database: Database) -> None:
    """The web day's alerts by email: first through a relay that refuses the password
    (logged), then one that takes it; the password never reaches a log."""

    def outbox(password: str, server: Any) -> Outbox:
        relay = SmtpRelay.parse(server.url(login=True, password=password))
        return Outbox(default_routes([LEAD]), (EmailSender(relay, SENDER),), base_url="")

    with smtp_server(login=lambda user, password: password == RELAY_PASSWORD) as server:
        refused = sweep(database.sessions, outbox(RELAY_PASSWORD + "x", server))
        assert refused.notices == 0 and refused.retry
        sent = sweep(database.sessions, outbox(RELAY_PASSWORD, server))
        assert sent.notices == len(refused.retry)
    assert len(server.mailbox.messages()) == len(refused.retry)


def _web_day(database: Database, settings: Settings, tokens: list[str], logs: Capture) -> None:
    """A check-in by invite link, the web chat, an offer search, my-data pages, staff
    signing in (one wrong password first) and reading and acknowledging the alerts."""
    app = web_app(database, settings)
    person = app.test_client()
    token = issue_link(database, "checkin-11-17")
    tokens.append(token)
    web_checkin(person, token, comment=WORDS["web comment"], disclosure=WORDS["web disclosure"])
    assert person.get(f"/s/{token}/my-data").status_code == 200
    assert person.get(f"/s/{token}/my-data.json").status_code == 200

    chatter = app.test_client()
    web_chat(
        chatter,
        offer_question=WORDS["chat offer"],
        comment=WORDS["chat comment"],
        disclosure=WORDS["chat disclosure"],
    )
    assert chatter.get("/chat/my-data").status_code == 200
    assert "have been deleted" in web_delete_my_data(chatter, "/chat")
    searcher = app.test_client()
    form_key = csrf_token(searcher.get("/offer/search").get_data(as_text=True))
    searched = searcher.post("/offer/search", data={"csrf_token": form_key, "q": WORDS["search"]})
    assert searched.status_code == 200

    with transaction(database.sessions) as session:
        add_staff(
            session,
            email=STAFF_EMAIL,
            password_hash=hash_password(STAFF_PASSWORD),
            role="safeguarding",
        )
        alert_ids = list(session.scalars(select(models.SafeguardingAlert.id)))
        typed = session.scalar(
            select(func.count())
            .select_from(models.SafeguardingAlert)
            .where(~models.SafeguardingAlert.detected_by.startswith("survey answer"))
        )
    # The three disclosures typed, and any "No" to feeling safe the scripts pressed.
    assert typed == 3 and len(alert_ids) >= 3
    staff = app.test_client()
    login = text_of(staff.get("/staff/login"))
    wrong = {
        "email": STAFF_EMAIL,
        "password": STAFF_PASSWORD + "x",
        "csrf_token": csrf_token(login),
    }
    assert staff.post("/staff/login", data=wrong).status_code == 200
    right = {**wrong, "password": STAFF_PASSWORD}
    assert staff.post("/staff/login", data=right).status_code == 302
    queue = text_of(staff.get("/staff/alerts"))
    assert WORDS["web disclosure"] in queue  # the one place the words are meant to reach
    page = text_of(staff.get(f"/staff/alerts/{alert_ids[0]}"))
    changed = staff.post(
        f"/staff/alerts/{alert_ids[0]}/status",
        data={"status": "acknowledged", "note": "", "csrf_token": csrf_token(page)},
    )
    assert changed.status_code == 302

    # A database failure in the middle of saving a child's words: the error is logged,
    # with the SQL but never its parameters (hide_parameters), and never the link.
    failing = issue_link(database, "pulse")
    tokens.append(failing)
    page = text_of(person.get(f"/s/{failing}"))
    page = post_form(person, failing, page, choice="yes")
    page = post_form(person, failing, page, choice="no")
    for _ in range(3):
        page = post_form(person, failing, page, action="answer", choice="4")
    assert 'name="text"' in page
    with database.engine.begin() as connection:
        connection.execute(text("ALTER TABLE comments RENAME TO comments_away"))
    app.testing = False  # as served: the error is logged and an error page shown
    seen = len(logs.lines)
    try:
        response = person.post(
            f"/s/{failing}",
            data={
                **hidden_fields(page),
                "action": "answer",
                "text": WORDS["failed insert"],
            },
        )
        assert response.status_code in (500, 503)  # 503 when it looks like a lost database
        assert any(line.startswith("ERROR") for line in logs.lines[seen:]), "nothing logged"
    finally:
        app.testing = True
        with database.engine.begin() as connection:
            connection.execute(text("ALTER TABLE comments_away RENAME TO comments"))
    assert "have been deleted" in web_delete_my_data(person, f"/s/{token}")


def test_a_whole_day_leaves_no_secret_or_child_text_in_any_log(
    database: Database,
    settings: Settings,
    captured: Capture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeTelegram(token=TOKEN).start()
    try:
        _telegram_day(database, settings, fake)
    finally:
        fake.stop()
    tokens: list[str] = []
    _web_day(database, settings, tokens, captured)
    _alert_emails(database)
    reference = argparse.Namespace(respondent=f"telegram:{CHILD}", yes=True)
    assert run_export(reference, settings) == 0
    assert run_erase(reference, settings) == 0
    assert WORDS["telegram comment"] in capsys.readouterr().out  # the export went to stdout

    logs = captured.text
    secrets = {
        "HEARD_SECRET_KEY": settings.secret_key,
        "HEARD_PSEUDONYM_KEY": settings.pseudonym_key.decode(),
        "the bot token": TOKEN,
        "the bot token's secret half": TOKEN.split(":")[1],
        "the staff password": STAFF_PASSWORD,
        "the mail relay's password": RELAY_PASSWORD,
        "a child's Telegram id": str(CHILD),
        "a care leaver's Telegram id": str(LEAVER),
        **{f"invite token {i}": token for i, token in enumerate(tokens)},
        **{what: words for what, words in WORDS.items()},
        **{
            f"the word {words.split()[-1]!r} ({what})": words.split()[-1]
            for what, words in WORDS.items()
        },
    }
    leaks = {
        what: next(line for line in captured.lines if secret in line)[:300]
        for what, secret in secrets.items()
        if secret in logs
    }
    assert not leaks, "found in the logs:\n" + "\n".join(f"{k}: {v}" for k, v in leaks.items())
    # The capture really saw every layer, at every level, including the failure.
    for expected in (
        "Application started",  # python-telegram-bot
        "HTTP Request: POST",  # httpx
        "SELECT",  # SQLAlchemy's statement echo
        "[SQL parameters hidden due to hide_parameters=True]",
    ):
        assert expected in logs, f"the capture never saw {expected!r}"
    assert {"telegram.ext.ExtBot", "httpx", "sqlalchemy.engine.Engine"} <= captured.names
