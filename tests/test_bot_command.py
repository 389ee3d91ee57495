"""`heard bot` without a token, the webhook secret check, and the jobs `heard scheduler` runs."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import make_settings
from fakes.telegram_api import STAFF_CHAT, FakeTelegram, heard_bot
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from bot.reminders import is_quiet
from heard.bot_command import reminders_job, run_bot
from heard.jobs import send_alert_notices
from heard.settings import Settings
from heard.wiring import Database
from storage import models
from storage.alerts import raise_alert
from storage.db import make_engine, transaction
from storage.models import utcnow

USER = 5555001


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def test_without_a_token_it_explains_botfather_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    assert run_bot(argparse.Namespace(webhook=None), settings) == 2
    error = capsys.readouterr().err
    assert "@BotFather" in error and "HEARD_TELEGRAM_TOKEN" in error


def test_telegram_out_of_reach_is_one_line_naming_the_proxy_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as closed:  # a port nothing answers on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = make_settings(
        tmp_path / "data",
        f"sqlite:///{tmp_path / 'h.sqlite3'}",
        HEARD_TELEGRAM_TOKEN="123:abcdefghijklmnop",
        HEARD_TELEGRAM_API_URL=f"http://127.0.0.1:{port}/bot",
    )
    assert run_bot(argparse.Namespace(webhook=None), settings) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert f"cannot reach Telegram at 127.0.0.1:{port}" in error
    assert "HTTPS_PROXY" in error and "123:abcdefghijklmnop" not in error


def test_a_token_telegram_refuses_is_one_line(
    tmp_path: Path, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(
        tmp_path / "data",
        f"sqlite:///{tmp_path / 'h.sqlite3'}",
        HEARD_TELEGRAM_TOKEN="999:not-the-fakes-token",
        HEARD_TELEGRAM_API_URL=fake.api_url,
    )
    assert run_bot(argparse.Namespace(webhook=None), settings) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "Telegram refused the bot's token" in error and "@BotFather" in error
    assert "not-the-fakes-token" not in error


def test_a_bad_webhook_secret_is_refused_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(
        tmp_path / "data",
        f"sqlite:///{tmp_path / 'h.sqlite3'}",
        HEARD_TELEGRAM_TOKEN="1:abc",
        HEARD_TELEGRAM_WEBHOOK_SECRET="has spaces and $ signs",
    )
    assert run_bot(argparse.Namespace(webhook="https://bot.example.org/tg"), settings) == 2
    assert "only letters, digits" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_webhook_needs_telegrams_secret_token(database: Database, fake: FakeTelegram) -> None:
    port = free_port()
    update = {
        "update_id": 77,
        "message": {
            "message_id": 1,
            "date": 1767225600,
            "chat": {"id": USER, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "Sam"},
            "text": "/privacy",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        },
    }

    async def scenario() -> None:
        bot = heard_bot(database, fake)
        app = bot.app
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url="https://bot.example.org/telegram",
            secret_token="s3cret-Token_1",
        )
        url = f"http://127.0.0.1:{port}/telegram"
        try:
            async with httpx.AsyncClient() as client:
                forged = await client.post(url, json=update)
                assert forged.status_code == 403
                wrong = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
                )
                assert wrong.status_code == 403
                real = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
                )
                assert real.status_code == 200
            for _ in range(100):
                if fake.bot_messages(USER):
                    break
                await asyncio.sleep(0.05)
            assert len(fake.bot_messages(USER)) == 1
            assert "never keep your name" in fake.last(USER)["text"]
            webhook = fake.sent("setWebhook")[0].params
            assert webhook["secret_token"] == "s3cret-Token_1"
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(scenario())


def test_scheduler_jobs_send_reminders_and_alert_notices(
    database: Database,
    settings: Settings,
    fake: FakeTelegram,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What `heard scheduler` runs: module-level jobs that read settings themselves."""

    async def join() -> None:
        async with heard_bot(database, fake, pseudonym_key=settings.pseudonym_key) as bot:
            await bot.join(USER)
            await bot.press(USER, "Not now")
            shown = await bot.type(USER, "/settings")  # reminders are off until chosen
            await bot.press(USER, "Every month", message=shown)

    asyncio.run(join())
    with transaction(database.sessions) as session:
        session.execute(
            update(models.Respondent).values(last_active_at=utcnow() - timedelta(days=40))
        )
        raise_alert(
            session,
            pseudonym="someone",
            text="words that stay in the dashboard",
            category="harm_at_home",
            level="concern",
            channel="web",
            cohort=None,
            age_band=None,
        )
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("HEARD_")]:
        monkeypatch.delenv(name)  # e.g. HEARD_TEST_POSTGRES_URL, which settings would refuse
    for name, value in {
        "HEARD_DATA_DIR": str(settings.data_dir),
        "HEARD_DATABASE_URL": settings.database_url,
        "HEARD_TELEGRAM_TOKEN": fake.token,
        "HEARD_TELEGRAM_API_URL": fake.api_url,
        "HEARD_STAFF_CHAT_ID": str(STAFF_CHAT),
        "HEARD_TIMEZONE": "UTC",
    }.items():
        monkeypatch.setenv(name, value)
    quiet = is_quiet(utcnow(), "UTC", "21:00", "08:00")
    assert reminders_job(str(settings.data_dir)) == (0 if quiet else 1)
    assert send_alert_notices().notices == 1  # the scheduler's sweep, not the bot's
    assert send_alert_notices().notices == 0
    assert "needs attention" in fake.last(STAFF_CHAT)["text"]


def test_heard_bot_polls_and_takes_a_new_user_to_a_completed_checkin(
    settings: Settings, fake: FakeTelegram, tmp_path: Path
) -> None:
    """The real `run_bot` in its own process, polling the fake like api.telegram.org."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    environment |= {
        "HEARD_DATA_DIR": str(settings.data_dir),
        "HEARD_DATABASE_URL": settings.database_url,
        "HEARD_TELEGRAM_TOKEN": fake.token,
        "HEARD_TELEGRAM_API_URL": fake.api_url,
        "HEARD_LOG_LEVEL": "WARNING",
    }
    script = (
        "import argparse, sys\n"
        "from heard.bot_command import run_bot\n"
        "from heard.settings import load_settings\n"
        "sys.exit(run_bot(argparse.Namespace(webhook=None), load_settings()))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def settled(count: int) -> dict[str, Any]:
        """Wait for the bot's reply to finish arriving; its last message."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            messages = fake.bot_messages(USER)
            last = messages[-1] if messages else {}
            ready = fake.buttons(last) or "Question" in last.get("text", "")
            if len(messages) > count and (
                ready or "Your answers have been saved" in last.get("text", "")
            ):
                time.sleep(0.05)
                if len(fake.bot_messages(USER)) == len(messages):
                    return last
            assert process.poll() is None, process.communicate()
            time.sleep(0.02)
        raise AssertionError(f"the bot did not answer: {fake.bot_messages(USER)[-1:]}")

    def press(label: str) -> dict[str, Any]:
        count = len(fake.bot_messages(USER))
        message = fake.last(USER)
        fake.press_data(USER, message, dict(fake.buttons(message))[label])
        return settled(count)

    try:
        fake.type_text(USER, "/start")
        settled(0)
        press("A child or young person in care")
        press("16 or 17")
        press("Start a check-in")
        press("Yes, let's start")
        last = press("No thanks")
        while "Your answers have been saved" not in last["text"]:
            labels = [label for label, _ in fake.buttons(last)]
            if not labels or labels == ["Skip"]:
                count = len(fake.bot_messages(USER))
                fake.type_text(USER, "it's fine")
                last = settled(count)
            else:
                last = press(next(t for t in labels if "rather not" not in t))
        assert fake.sent("setMyCommands")
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "it's fine" not in err  # a child's words never reach the logs
    with transaction(
        sessionmaker(make_engine(settings.database_url), expire_on_commit=False)
    ) as session:
        states = session.scalars(select(models.SurveySession.state)).all()
        answers = session.scalar(select(func.count(models.Answer.id)))
    assert states == ["completed"] and answers >= 20
