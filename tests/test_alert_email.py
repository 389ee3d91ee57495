"""Alert notices by email, through a real SMTP server on loopback (aiosmtpd).

Alerts raised in the web chat, the survey form and the Telegram bot reach the lead's
address as one email each, from the scheduler's job with no bot token set; never with
the child's words. STARTTLS is used when offered; a relay that refuses the login or is
down leaves the alert to be retried, with one log line; each alert goes to its route;
an unacknowledged alert is escalated once; two sweeps at once, or a sweep after a
process died holding a claim, still send each notice exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alert_support import (
    LEAD,
    PASSWORD,
    SENDER,
    USER,
    Mailbox,
    SmtpServer,
    client_tls,
    free_port,
    mail_settings,
    smtp_server,
)
from browser_support import csrf_token, issue_link
from fakes.telegram_api import FakeTelegram, heard_bot
from flask.testing import FlaskClient
from privacy_support import chat_say, post_form, text_of, web_app
from sqlalchemy import select
from test_alert_routes import HOUSING, LADO, MISSING, ROUTES

from heard.settings import Settings
from heard.wiring import Database, open_database
from notices.email import EmailSender, SmtpRelay
from notices.routes import default_routes
from notices.sweep import LEASE, FailureLog, Outbox, sweep
from storage import models
from storage.alerts import raise_alert, set_alert_status
from storage.db import transaction
from storage.notifications import NOTICE, claim, record_sent

WEB_WORDS = "he hits me every night mirthwallow"
CHAT_WORDS = "i want to kill myself fenwhistle"
BOT_WORDS = "i want to die tonight quillofax"
WORDS = "my stepdad hits me and i want to die EMAILCANARY"
BASE = "https://heard.council.example"
RAISED = datetime(2026, 7, 2, 13, 5, tzinfo=UTC)
HEAD = "head.of.service@council.example"


@pytest.fixture
def mail() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def use_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings) -> None:
    """The job reads its settings from the environment, as `heard scheduler` does."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("HEARD_")]:
        monkeypatch.delenv(name)  # e.g. HEARD_TEST_POSTGRES_URL, which settings would refuse
    values = {
        "HEARD_DATA_DIR": str(settings.data_dir),
        "HEARD_DATABASE_URL": settings.database_url,
        "HEARD_BASE_URL": settings.base_url,
        "HEARD_SMTP_FROM": settings.smtp_from or "",
        "HEARD_SMTP_URL": settings.smtp_url or "",
        "HEARD_SAFEGUARDING_EMAIL": ",".join(settings.safeguarding_emails),
        "HEARD_ESCALATION_EMAIL": ",".join(settings.escalation_emails),
    }
    if settings.alert_routes_file is not None:
        values["HEARD_ALERT_ROUTES_FILE"] = str(settings.alert_routes_file)
    for name, value in values.items():
        if value:
            monkeypatch.setenv(name, value)


def run_job() -> Any:
    from heard.jobs import send_alert_notices

    return send_alert_notices()


def new_alert(
    database: Database,
    category: str = "abuse_physical",
    *,
    level: str = "urgent",
    when: datetime | None = None,
    text: str = WORDS,
) -> int:
    with transaction(database.sessions) as session:
        return raise_alert(
            session,
            pseudonym="pseudonym-of-a-child",
            text=text,
            category=category,
            level=level,
            channel="web",
            cohort="child_in_care",
            age_band="11-17",
            when=when,
        ).id


def alert_rows(database: Database) -> dict[int, models.SafeguardingAlert]:
    with transaction(database.sessions) as session:
        rows = session.scalars(select(models.SafeguardingAlert)).all()
        return {row.id: row for row in rows}


def outbox(server: SmtpServer, *, login: bool = False, password: str = PASSWORD) -> Outbox:
    relay = SmtpRelay.parse(server.url(login=login, password=password))
    sender = EmailSender(relay, SENDER, ssl_context=client_tls(), timeout=5)
    return Outbox(default_routes([LEAD], escalation_emails=[HEAD]), (sender,), base_url=BASE)


def assert_no_words(mailbox: Mailbox, *words: str) -> None:
    for message in mailbox.messages():
        raw = message.message.as_string()
        for said in words:
            assert said not in message.subject and said not in message.body, said
            assert said not in raw
            assert said.split()[-1] not in raw  # not even the unusual last word


# ------------------------------------------------------------------ from every channel


def tell_the_survey_form(client: FlaskClient, token: str, words: str) -> None:
    """Open an invite link, consent, and type `words` at the first question."""
    page = text_of(client.get(f"/s/{token}"))
    page = post_form(client, token, page, choice="yes")
    page = post_form(client, token, page, choice="no")
    page = post_form(client, token, page, action="answer", text=words)
    assert 'id="help-now"' in page, "the form did not recognise the disclosure"


def tell_the_web_chat(client: FlaskClient, words: str) -> None:
    """Start the web chat as a care leaver and type `words`."""
    start = text_of(client.get("/chat"))
    joined = client.post(
        "/chat/start", data={"csrf_token": csrf_token(start), "cohort": "care_leaver"}
    )
    assert joined.status_code == 303
    page = chat_say(client, text_of(client.get("/chat")), text=words)
    assert 'role="alert"' in page, "the chat did not recognise the disclosure"


def test_alerts_from_the_web_chat_the_form_and_the_bot_reach_the_lead_without_their_words(
    database_url: str,
    tmp_path: Path,
    mail: SmtpServer,
    fake: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = mail_settings(tmp_path / "data", database_url, mail.url(), HEARD_BASE_URL=BASE)
    assert settings.telegram_token is None  # no bot token: email alone must carry it
    database = open_database(settings)
    try:
        app = web_app(database, settings)
        tell_the_web_chat(app.test_client(), CHAT_WORDS)
        tell_the_survey_form(app.test_client(), issue_link(database, "checkin-11-17"), WEB_WORDS)

        async def on_telegram() -> None:
            bot = heard_bot(database, fake, pseudonym_key=settings.pseudonym_key)
            async with bot:
                await bot.join(7_310_442_001, who="A care leaver", age=None)
                await bot.press(7_310_442_001, "Not now")
                await bot.type(7_310_442_001, BOT_WORDS)

        asyncio.run(on_telegram())
        raised = alert_rows(database)
        assert sorted(row.channel for row in raised.values()) == ["telegram", "web", "webchat"]

        use_environment(monkeypatch, tmp_path, settings)
        assert run_job().notices == 3
        assert run_job().notices == 0  # once
    finally:
        database.close()

    received = mail.mailbox.messages()
    assert sorted(m.alert_id for m in received) == sorted(raised)
    for message in received:
        assert message.rcpt_tos == [LEAD] and message.mail_from == SENDER
        assert f"{BASE}/staff/alerts/{message.alert_id}" in message.body
        assert "Route:   Safeguarding lead" in message.body
        row = raised[message.alert_id]
        assert message.subject == (
            f"Heard: {'urgent ' if row.level == 'urgent' else ''}"
            f"safeguarding alert {message.alert_id}"
        )
    assert_no_words(mail.mailbox, WEB_WORDS, CHAT_WORDS, BOT_WORDS)
    after = alert_rows(open_database(settings))
    assert {(r.route, r.notice_sent_by, r.notice_claimed_at) for r in after.values()} == {
        ("safeguarding_lead", "email", None)
    }
    assert all(r.notified_at is not None for r in after.values())


# ------------------------------------------------------------------ the relay


def test_starttls_is_offered_and_used_and_the_login_goes_inside_it(
    database: Database, tmp_path: Path
) -> None:
    logins: list[tuple[str, str]] = []

    def check(user: str, password: str) -> bool:
        logins.append((user, password))
        return (user, password) == (USER, PASSWORD)

    alert_id = new_alert(database)
    with smtp_server(starttls=True, login=check) as server:
        result = sweep(database.sessions, outbox(server, login=True))
    assert result.notices == 1
    assert server.mailbox.tls_used == [True] and logins == [(USER, PASSWORD)]
    [message] = server.mailbox.messages()
    assert message.alert_id == alert_id and message.kind == "notice"
    assert_no_words(server.mailbox, WORDS)


def test_the_scheduler_job_trusts_the_council_certificate_authority(
    database: Database, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test hook: the job's own TLS context, with SSL_CERT_FILE as a council would set it."""
    from alert_support import CERT

    new_alert(database)
    with smtp_server(starttls=True) as server:
        configured = mail_settings(settings.data_dir, settings.database_url, server.url())
        use_environment(monkeypatch, tmp_path, configured)
        monkeypatch.setenv("SSL_CERT_FILE", str(CERT))
        assert run_job().notices == 1
    assert server.mailbox.tls_used == [True]


@pytest.mark.parametrize("trouble", ["login refused", "relay down"])
def test_a_relay_that_refuses_the_login_or_is_down_leaves_the_alert_to_retry(
    database: Database, caplog: pytest.LogCaptureFixture, trouble: str
) -> None:
    first, second = new_alert(database), new_alert(database, "bullying", level="concern")
    failures = FailureLog()
    with smtp_server(starttls=True, login=lambda user, password: password == PASSWORD) as server:
        if trouble == "login refused":
            broken = outbox(server, login=True, password="not-the-password")
        else:
            dead = SmtpRelay.parse(f"smtp://127.0.0.1:{free_port()}")
            broken = Outbox(
                default_routes([LEAD]), (EmailSender(dead, SENDER, timeout=5),), base_url=BASE
            )
        with caplog.at_level(logging.DEBUG):
            for _ in range(3):  # three sweeps while it fails: nothing sent, one line
                result = sweep(database.sessions, broken, failures=failures)
                assert result.notices == 0 and sorted(result.retry) == [first, second]
        rows = alert_rows(database)
        assert all(r.notified_at is None and r.notice_claimed_at is None for r in rows.values())
        assert server.mailbox.messages() == []
        lines = [r for r in caplog.records if r.name == "heard.notices"]
        assert len(lines) == 1 and lines[0].levelno == logging.ERROR
        line = lines[0].getMessage()
        expected = "refused the login (535)" if trouble == "login refused" else "could not reach"
        assert expected in line and f"alert(s) {first}, {second} will be tried again" in line
        assert "not-the-password" not in caplog.text and WORDS not in caplog.text

        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="heard.notices"):
            mended = sweep(database.sessions, outbox(server, login=True), failures=failures)
        assert mended.notices == 2
        assert sorted(m.alert_id for m in server.mailbox.messages()) == [first, second]
        assert [r.getMessage() for r in caplog.records if r.name == "heard.notices"] == [
            "alert notices by email are going out again"
        ]
        assert sweep(database.sessions, outbox(server, login=True)).notices == 0
    assert len(server.mailbox.messages()) == 2


# ------------------------------------------------------------------ routes and escalation


def test_each_alert_reaches_its_route(
    database: Database,
    settings: Settings,
    mail: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES, encoding="utf-8")
    ids = {
        category: new_alert(database, category)
        for category in ("allegation_about_carer", "homelessness", "missing", "self_harm_suicide")
    }
    configured = mail_settings(
        settings.data_dir, settings.database_url, mail.url(), HEARD_ALERT_ROUTES_FILE=str(routes)
    )
    use_environment(monkeypatch, tmp_path, configured)
    assert run_job().notices == 4
    to = {m.alert_id: m.rcpt_tos for m in mail.mailbox.messages()}
    assert to == {
        ids["allegation_about_carer"]: [LADO],
        ids["homelessness"]: [HOUSING],
        ids["missing"]: [MISSING],  # its Telegram chat waits for a bot token; email went
        ids["self_harm_suicide"]: [LEAD],
    }
    by_id = {m.alert_id: m for m in mail.mailbox.messages()}
    assert "Route:   LADO" in by_id[ids["allegation_about_carer"]].body
    assert "About:   Allegation about a carer" in by_id[ids["allegation_about_carer"]].body
    rows = alert_rows(database)
    assert {rows[i].route for i in ids.values()} == {
        "lado",
        "housing_duty",
        "missing_from_care",
        "safeguarding_lead",
    }
    assert_no_words(mail.mailbox, WORDS)


def test_an_unacknowledged_alert_is_escalated_once_by_email(
    database: Database, mail: SmtpServer
) -> None:
    waiting, seen = new_alert(database, when=RAISED), new_alert(database, when=RAISED)
    box = outbox(mail)
    assert sweep(database.sessions, box, now=RAISED + timedelta(minutes=1)).notices == 2
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, seen)
        assert row is not None
        set_alert_status(session, row, "acknowledged", by="dsl@council.example")
    assert sweep(database.sessions, box, now=RAISED + timedelta(minutes=59)).escalations == 0
    at = RAISED + timedelta(minutes=60)
    assert sweep(database.sessions, box, now=at).escalations == 1
    assert sweep(database.sessions, box, now=at + timedelta(hours=5)).escalations == 0
    escalations = [m for m in mail.mailbox.messages() if m.kind == "escalation"]
    assert [(m.alert_id, m.rcpt_tos) for m in escalations] == [(waiting, [HEAD])]
    [escalation] = escalations
    assert escalation.subject == f"Heard: alert {waiting} not acknowledged after 60 min"
    assert f"Safeguarding alert {waiting} has not been acknowledged for 60 minutes." in (
        escalation.body
    )
    assert "Raised:  14:05 on 02 Jul 2026 (BST)" in escalation.body  # the council's own time
    rows = alert_rows(database)
    assert rows[waiting].escalated_at == at and rows[waiting].escalation_sent_by == "email"
    assert rows[seen].escalated_at is None
    assert_no_words(mail.mailbox, WORDS)


# ------------------------------------------------------------------ exactly once


class SlowMailbox(Mailbox):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


def test_two_sweeps_at_once_send_each_alert_once(database: Database) -> None:
    ids = [new_alert(database) for _ in range(8)]
    with smtp_server() as server:
        slow = SlowMailbox()
        server.controller.handler = slow
        server.controller.smtpd.event_handler = slow  # type: ignore[union-attr]
        box = outbox(server)
        results: list[Any] = []
        start = threading.Barrier(2)

        def run() -> None:
            start.wait()
            results.append(sweep(database.sessions, box))

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sum(result.notices for result in results) == 8
    assert sorted(m.alert_id for m in slow.messages()) == ids  # each once, none lost


def test_a_claim_left_by_a_process_that_died_is_taken_after_the_lease(
    database: Database, mail: SmtpServer
) -> None:
    died_before_sending, died_after_sending = new_alert(database), new_alert(database)
    claimed_at = RAISED + timedelta(minutes=1)
    with transaction(database.sessions) as session:
        for alert_id in (died_before_sending, died_after_sending):
            assert claim(session, NOTICE, alert_id, claimed_at, LEASE, route="safeguarding_lead")
        # the second one's email had gone out (the relay took it) before the process died
        assert record_sent(session, NOTICE, died_after_sending, claimed_at, ["email"])
    box = outbox(mail)
    held = sweep(database.sessions, box, now=claimed_at + LEASE - timedelta(seconds=1))
    assert held.notices == 0 and mail.mailbox.messages() == []  # the claim still stands
    taken = sweep(database.sessions, box, now=claimed_at + LEASE + timedelta(seconds=1))
    assert taken.notices == 2
    assert [m.alert_id for m in mail.mailbox.messages()] == [died_before_sending]
    assert all(r.notified_at is not None for r in alert_rows(database).values())


def test_alerts_nobody_can_hear_never_hold_up_the_ones_behind_them(
    database: Database, mail: SmtpServer, tmp_path: Path
) -> None:
    """A route with only a Telegram chat, and no bot token: its alerts wait (and the start
    and the alerts page say so), but 150 of them must not hide the LADO's alert."""
    from notices.routes import compile_routes

    routes = tmp_path / "routes.yaml"
    routes.write_text(
        ROUTES.replace(f"    email: {MISSING}\n", ""),  # missing: Telegram only
        encoding="utf-8",
    )
    with transaction(database.sessions) as session:
        for _ in range(150):
            raise_alert(
                session,
                pseudonym="someone",
                text=WORDS,
                category="missing",
                level="urgent",
                channel="web",
                cohort=None,
                age_band=None,
            )
    lado = new_alert(database, "allegation_about_carer")
    sender = EmailSender(SmtpRelay.parse(mail.url()), SENDER, timeout=5)
    box = Outbox(compile_routes(routes), (sender,), base_url=BASE)
    result = sweep(database.sessions, box)
    assert (result.notices, result.unreachable) == (1, 150)
    assert [(m.alert_id, m.rcpt_tos) for m in mail.mailbox.messages()] == [(lado, [LADO])]
