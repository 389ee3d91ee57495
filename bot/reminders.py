"""Check-in reminders: at each person's chosen gap, never in their quiet hours, never twice
while one is unanswered, and never again to someone who blocked the bot.

`send_due_reminders` is one sweep. `heard bot` runs it on PTB's job queue and
`heard scheduler` on APScheduler; both are safe together because each reminder
is claimed in the database (last_reminded_at) before it is sent.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot
from telegram.error import Forbidden, TelegramError

from bot.addresses import AddressBook, AddressError
from bot.callbacks import ButtonSigner
from bot.config import BotConfig
from bot.keyboards import Keyboards
from bot.texts import Texts, load_texts
from storage.db import transaction
from storage.models import utcnow
from storage.reminders import (  # the quiet-hours rule is shared with web reminders
    ReminderCandidate,
    claim_reminder,
    due_for_reminder,
    in_quiet_hours,
    is_quiet,
    mark_blocked,
    parse_clock,
    release_reminder,
)
from storage.respondent_language import chosen_language

log = logging.getLogger(__name__)
__all__ = ["in_quiet_hours", "is_quiet", "parse_clock", "send_due_reminders"]


@dataclass
class ReminderRun:
    sent: int = 0
    quiet: int = 0
    blocked: int = 0
    failed: int = 0


def _due(sessions: sessionmaker[Session], now: datetime) -> list[ReminderCandidate]:
    with transaction(sessions) as session:
        return due_for_reminder(session, now)


def _claim(sessions: sessionmaker[Session], person: ReminderCandidate, now: datetime) -> bool:
    with transaction(sessions) as session:
        return claim_reminder(session, person.respondent_id, person.last_reminded_at, now)


def _release(sessions: sessionmaker[Session], person: ReminderCandidate, now: datetime) -> None:
    with transaction(sessions) as session:
        release_reminder(session, person.respondent_id, person.last_reminded_at, now)


def _language(sessions: sessionmaker[Session], person: ReminderCandidate) -> str | None:
    """The language they chose with /language (None: not chosen, so English)."""
    with transaction(sessions) as session:
        return chosen_language(session, person.pseudonym)


def _block(sessions: sessionmaker[Session], person: ReminderCandidate) -> None:
    with transaction(sessions) as session:
        mark_blocked(session, person.respondent_id)


async def send_due_reminders(
    bot: Bot,
    sessions: sessionmaker[Session],
    config: BotConfig,
    now: datetime | None = None,
    *,
    texts: Texts | None = None,
) -> ReminderRun:
    """One sweep: invite everyone due and awake; the bot's rate limiter paces the sends."""
    now = now or utcnow()
    texts = texts or load_texts()
    addresses = AddressBook(config.pseudonym_key)
    signer = ButtonSigner(config.secret_key)
    run = ReminderRun()
    for person in await asyncio.to_thread(_due, sessions, now):
        if is_quiet(now, config.timezone, person.quiet_start, person.quiet_end):
            run.quiet += 1
            continue
        try:
            chat_id = addresses.open(person.address)
        except AddressError:
            log.warning("a stored chat address cannot be opened (was the key changed?)")
            run.failed += 1
            continue
        if not await asyncio.to_thread(_claim, sessions, person, now):
            continue  # another sweep sent it
        language = await asyncio.to_thread(_language, sessions, person)
        words = load_texts(language=language) if language and language != "en" else texts
        try:
            await bot.send_message(
                chat_id,
                words.reminder,
                reply_markup=Keyboards(signer, words, chat_id).start_checkin(),
            )
        except Forbidden:
            await asyncio.to_thread(_block, sessions, person)
            run.blocked += 1
        except TelegramError as exc:
            await asyncio.to_thread(_release, sessions, person, now)
            log.warning("a reminder could not be sent and will be tried again: %s", exc)
            run.failed += 1
        else:
            run.sent += 1
    if run.sent or run.blocked or run.failed:
        log.info(
            "reminders: %d sent, %d in quiet hours, %d blocked, %d failed",
            run.sent,
            run.quiet,
            run.blocked,
            run.failed,
        )
    return run
