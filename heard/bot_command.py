"""`heard bot`: run the Telegram bot by long polling, or behind a webhook.

Also the reminder sweep `heard scheduler` can run from its durable APScheduler job
store: `reminders_job` is module-level and takes only the data directory, so the job
store keeps just its name and a string. Safeguarding alert notices are not the bot's:
the scheduler sends them (heard.jobs:send_alert_notices), bot or no bot.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse

from telegram.error import InvalidToken, NetworkError

from bot.config import BotConfig
from heard.settings import Settings, load_settings
from heard.wiring import configure_logging, open_database

EXIT_USAGE = 2
DEFAULT_LISTEN = "127.0.0.1"
DEFAULT_PORT = 8443
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

BOTFATHER_HELP = """\
heard bot: there is no Telegram bot token yet. To get one:
  1. In Telegram, start a chat with @BotFather and send /newbot.
  2. Choose a name, then a username ending in "bot".
  3. BotFather replies with a token like 123456789:AAE...; keep it secret.
  4. Put it in HEARD_TELEGRAM_TOKEN (in .env or the environment) and run `heard bot` again.
To use a self-hosted Bot API server, also set HEARD_TELEGRAM_API_URL (e.g. http://127.0.0.1:8081/bot)."""

log = logging.getLogger(__name__)


def bot_config(settings: Settings) -> BotConfig:
    assert settings.telegram_token is not None
    return BotConfig(
        token=settings.telegram_token,
        pseudonym_key=settings.pseudonym_key,
        secret_key=settings.secret_key.encode("utf-8"),
        api_url=settings.telegram_api_url,
        webhook_secret=settings.telegram_webhook_secret,
        dashboard_url=settings.base_url,
        timezone=settings.timezone,
        session_idle_days=settings.session_idle_days,
    )


def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    """Run until stopped (Ctrl+C or SIGTERM); 2 with one line if it cannot start."""
    if not settings.telegram_token:
        print(BOTFATHER_HELP, file=sys.stderr)
        return EXIT_USAGE
    webhook: str | None = getattr(args, "webhook", None)
    secret = settings.telegram_webhook_secret or secrets.token_urlsafe(32)
    if webhook is not None:
        if not webhook.startswith("https://") and not webhook.startswith("http://"):
            print(
                "heard bot: --webhook must be a full URL, e.g. https://bot.example.org/telegram",
                file=sys.stderr,
            )
            return EXIT_USAGE
        if not _SECRET_TOKEN.match(secret):
            print(
                "heard bot: HEARD_TELEGRAM_WEBHOOK_SECRET may use only letters, digits, _ and -",
                file=sys.stderr,
            )
            return EXIT_USAGE

    from bot.app import build_application, schedule_jobs
    from bot.offer import load_offer_search
    from surveys.definition import load_catalogue

    problem = telegram_problem(settings)
    if problem is not None:
        print(f"heard bot: {problem}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_level, settings.log_format)
    config = bot_config(settings)
    database = open_database(settings)
    try:
        application = build_application(
            config, database.sessions, load_catalogue(), offer=load_offer_search()
        )
        if not schedule_jobs(application, config, database.sessions):
            log.warning(
                "reminders need python-telegram-bot[job-queue]; "
                "run `heard scheduler` for them instead"
            )
        if webhook is None:
            log.info("Heard bot: polling %s", urlparse(config.base_url).netloc)
            application.run_polling(
                allowed_updates=["message", "callback_query"], bootstrap_retries=3
            )
        else:
            listen = getattr(args, "listen", None) or DEFAULT_LISTEN
            port = getattr(args, "port", None) or DEFAULT_PORT
            log.info("Heard bot: webhook %s, listening on %s:%d", webhook, listen, port)
            application.run_webhook(
                listen=listen,
                port=port,
                url_path=urlparse(webhook).path.lstrip("/"),
                webhook_url=webhook,
                secret_token=secret,
                allowed_updates=["message", "callback_query"],
                bootstrap_retries=3,
            )
    except (NetworkError, InvalidToken) as exc:  # Telegram went away while starting
        print(f"heard bot: {_unreachable(settings, str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        database.close()
    return 0


def telegram_problem(settings: Settings) -> str | None:
    """One line saying why the bot cannot talk to Telegram, or None when it can.

    Asked before the bot starts: python-telegram-bot would otherwise give up with two
    tracebacks (its retry loop logs one, then raises), and councils' networks often
    reach the internet only through a proxy."""
    from notices.senders import SendFailed
    from notices.telegram import TelegramSender

    assert settings.telegram_token is not None
    sender = TelegramSender(settings.telegram_token, settings.telegram_api_url, timeout=20)
    try:
        sender.who_am_i()
    except SendFailed as exc:
        return _unreachable(settings, str(exc))
    return None


def _unreachable(settings: Settings, reason: str) -> str:
    for said in ("could not reach Telegram (", "Telegram refused the message ("):
        if reason.startswith(said):
            reason = reason.removeprefix(said).removesuffix(")")
    where = urlparse(settings.telegram_api_url or "https://api.telegram.org/bot").netloc
    if "401" in reason or "Unauthorized" in reason or "token" in reason.lower():
        return (
            f"Telegram refused the bot's token ({reason}); check HEARD_TELEGRAM_TOKEN "
            f"against the token @BotFather gave (/token in BotFather shows it again)"
        )
    return (
        f"cannot reach Telegram at {where} ({reason}). If this server reaches the "
        f"internet through a proxy, set HTTPS_PROXY (e.g. http://proxy.example.gov.uk:8080) "
        f"for Heard; check the firewall allows HTTPS to {where}, or set "
        f"HEARD_TELEGRAM_API_URL for a self-hosted Bot API server"
    )


async def _reminders(data_dir: str | None) -> int:
    from bot.app import make_bot
    from bot.reminders import send_due_reminders

    settings = load_settings(data_dir=Path(data_dir) if data_dir else None)
    if not settings.telegram_token:
        log.warning("no HEARD_TELEGRAM_TOKEN, so no Telegram reminders were sent")
        return 0
    config = bot_config(settings)
    database = open_database(settings, upgrade_schema=False)
    try:
        async with make_bot(config) as bot:
            return (await send_due_reminders(bot, database.sessions, config)).sent
    finally:
        database.close()


def reminders_job(data_dir: str | None = None) -> int:
    """One reminder sweep, for APScheduler; safe to run alongside `heard bot`'s own."""
    return asyncio.run(_reminders(data_dir))
