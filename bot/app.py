"""Building the Telegram Application: one code path for api.telegram.org, a self-hosted
Bot API server and the tests' fake, chosen only by the base URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ContextTypes, ExtBot

from bot.addresses import AddressBook
from bot.config import BotConfig
from bot.handlers import BotHandlers
from bot.logsafety import protect_bot_logs
from bot.reminders import send_due_reminders
from bot.services import BotServices, OfferLookup
from bot.texts import COMMANDS, Texts, load_texts
from storage.models import utcnow
from surveys import languages
from surveys.contact import ContactDesk
from surveys.definition import Survey
from surveys.engine import ConversationEngine
from surveys.people import People
from surveys.safeguarding_seam import SafeguardingHook, check_free_text

HeardApplication = Application[Any, Any, Any, Any, Any, Any]
SEND_RETRIES = 2  # after a "retry after" from Telegram, try again this many times


def rate_limiter() -> AIORateLimiter:
    return AIORateLimiter(max_retries=SEND_RETRIES)


def make_bot(config: BotConfig) -> ExtBot[Any]:
    """A rate-limited bot without an Application, for sending from `heard scheduler`."""
    protect_bot_logs()
    return ExtBot(
        config.token,
        base_url=config.base_url,
        base_file_url=config.base_file_url,
        rate_limiter=rate_limiter(),
    )


async def register_commands(application: HeardApplication) -> None:
    """Fill Telegram's command menu (setMyCommands); runs as the Application's post_init."""
    texts: Texts = application.bot_data.get("texts") or load_texts()
    await application.bot.set_my_commands(
        [BotCommand(name, texts.commands[name]) for name in COMMANDS]
    )
    # The menu in each other language Heard speaks, for apps set to that language.
    for code in languages.shipped_codes():
        if code != languages.DEFAULT:
            words = load_texts(language=code)
            await application.bot.set_my_commands(
                [BotCommand(name, words.commands[name]) for name in COMMANDS], language_code=code
            )


def build_application(
    config: BotConfig,
    sessions: sessionmaker[Session],
    catalogue: Mapping[str, Survey],
    *,
    offer: OfferLookup | None = None,
    safeguarding: SafeguardingHook | None = check_free_text,
    clock: Callable[[], datetime] = utcnow,
    texts: Texts | None = None,
) -> HeardApplication:
    protect_bot_logs()
    texts = texts or load_texts()
    for code in languages.shipped_codes():  # a broken texts.<code>.yaml stops the start
        load_texts(language=code)
    # The engine loads its own messages, so `engine.speaking(code)` has them in each language.
    engine = ConversationEngine(
        sessions,
        catalogue,
        safeguarding=safeguarding,
        idle_days=config.session_idle_days,
        clock=clock,
    )
    messages = engine.messages
    services = BotServices(
        sessions,
        People(sessions, config.pseudonym_key),
        AddressBook(config.pseudonym_key),
        offer=offer,
        safeguarding=safeguarding,
        contact=ContactDesk(sessions, config.pseudonym_key, timezone=config.timezone),
    )
    application = (
        Application.builder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .rate_limiter(rate_limiter())
        .post_init(register_commands)
        .build()
    )
    application.bot_data["texts"] = texts
    BotHandlers(config, services, engine, texts, messages).register(application)
    return application


def schedule_jobs(
    application: HeardApplication, config: BotConfig, sessions: sessionmaker[Session]
) -> bool:
    """Reminders on PTB's job queue; False if it isn't installed.

    Safeguarding alert notices are not sent from here: `heard scheduler` sends every one,
    once, bot or no bot (notices.sweep), so two bot processes never announce an alert twice.
    """
    jobs = application.job_queue
    if jobs is None:
        return False

    async def reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
        await send_due_reminders(context.bot, sessions, config)

    jobs.run_repeating(
        reminders, interval=config.reminder_every_seconds, first=15, name="reminders"
    )
    return True
