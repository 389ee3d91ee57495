"""Shared by the GOV.UK Notify tests: the fake Notify, settings and an app that use it, and a
plain web check-in (no disclosure) that ends on the thank-you page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    PSEUDONYM_KEY,
    LiveServer,
    choice_values,
    csrf_token,
    hidden_fields,
    serve,
)
from fakes.notify_api import API_KEY, EMAIL_TEMPLATE, SMS_TEMPLATE, FakeNotify
from flask import Flask
from flask.testing import FlaskClient
from privacy_support import web_app

from heard.notify_wiring import notify_sender
from heard.settings import Settings
from heard.wiring import Database
from notices.notify import NotifySender, NotifyTemplates
from notices.web_contact_desk import WebContactDesk
from notices.web_reminders import WebReminders
from storage.web_contacts import ContactSealer

OFFER_WORDS = "Would you like a text or email when your next check-in is ready?"
MOBILE_TYPED = "07700 900123"
MOBILE = "+447700900123"
# Noon in London, in winter (UTC) and in summer (BST): never quiet hours.
NOON = datetime(2027, 2, 10, 12, 0, tzinfo=UTC)


def notify_environment(fake: FakeNotify) -> dict[str, str]:
    return {
        "HEARD_NOTIFY_API_KEY": API_KEY,
        "HEARD_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
        "HEARD_NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "HEARD_NOTIFY_BASE_URL": fake.base_url,
    }


# `heard invite` for one 8-11 check-in, as a worker types it; tests add the contact.
INVITE = ["invite", "--survey", "checkin-8-11", "--cohort", "child_in_care", "--age-band", "8-11"]


def cli_env(
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    fake: FakeNotify | None,
    **extra: str,
) -> None:
    """The environment `heard` reads, for the test's data folder and the fake Notify."""
    monkeypatch.chdir(settings.data_dir)  # no stray .env
    monkeypatch.setenv("HEARD_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HEARD_DATABASE_URL", settings.database_url)
    if fake is not None:
        for name, value in {**notify_environment(fake), **extra}.items():
            monkeypatch.setenv(name, value)


def with_notify(settings: Settings, database: Database, fake: FakeNotify) -> Settings:
    """The test's settings, pointed at the fake Notify."""
    from dataclasses import replace

    return replace(
        settings,
        notify_api_key=API_KEY,
        notify_sms_template_id=SMS_TEMPLATE,
        notify_email_template_id=EMAIL_TEMPLATE,
        notify_base_url=fake.base_url,
    )


def desk_for(settings: Settings, database: Database) -> WebContactDesk:
    sender = notify_sender(settings)
    assert sender is not None
    return WebContactDesk(
        database.sessions, settings.pseudonym_key, sender, settings.base_url, settings.timezone
    )


def a_scheduler(settings: Settings, database: Database) -> WebReminders:
    """One scheduler's reminder round, with its own Notify client."""
    sender = notify_sender(settings)
    assert sender is not None
    return WebReminders(
        database.sessions,
        sender,
        ContactSealer(settings.pseudonym_key),
        settings.base_url,
        settings.timezone,
    )


def notify_app(settings: Settings, database: Database) -> Flask:
    app = web_app(database, settings)
    app.extensions["heard.services"]["web_contacts"] = desk_for(settings, database)
    return app


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


def plain_checkin(client: FlaskClient, token: str) -> str:
    """Open the link, say yes, answer every question (a choice each, words where asked):
    the thank-you page."""
    page = text_of(client.get(f"/s/{token}"))
    for _ in range(60):
        step = hidden_fields(page).get("step")
        if step is None:
            assert "Thank you" in page, page[:400]
            return page
        values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
        data = {**hidden_fields(page)}
        if not values:
            data |= {"action": "answer", "text": "football with my friends"}
        else:
            pick = "yes" if "yes" in values else values[0]
            data |= {"action": "answer", "choice": pick}
        response = client.post(f"/s/{token}", data=data)
        assert response.status_code == 200, response.status_code
        page = text_of(response)
    raise AssertionError("the check-in never ended")


def ask_for_texts(client: FlaskClient, token: str, page: str, typed: str, consent: bool) -> Any:
    data = {"csrf_token": csrf_token(page), "contact": typed}
    if consent:
        data["consent"] = "yes"
    return client.post(f"/s/{token}/messages", data=data)


def serve_with_notify(tmp_path: Path) -> Iterator[tuple[LiveServer, FakeNotify, WebContactDesk]]:
    """The real app on a free port, sending texts and emails through a fake Notify."""
    fake = FakeNotify().start()
    try:
        for server in serve(tmp_path, f"sqlite:///{tmp_path / 'heard.sqlite3'}"):
            sender = NotifySender(
                API_KEY, NotifyTemplates(SMS_TEMPLATE, EMAIL_TEMPLATE), base_url=fake.base_url
            )
            desk = WebContactDesk(
                server.database.sessions, PSEUDONYM_KEY, sender, server.url, "Europe/London"
            )
            server.app.extensions["heard.services"]["web_contacts"] = desk
            yield server, fake, desk
    finally:
        fake.stop()
