"""Telling the staff chat that a safeguarding alert needs attention, never what was said.

Runs straight after the bot raises an alert and as a repeating sweep, so alerts
raised by the web app are announced too. The notice names only how many and
whether one is urgent, with the dashboard link: the words stay in the dashboard.

An alert still "new" after the escalation time is repeated once, to a second
contact if one is set (else to the staff chat again), saying only when it was
raised and for how long nobody has acknowledged it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, LinkPreviewOptions
from telegram.error import TelegramError

from bot.config import BotConfig
from bot.texts import Texts, load_texts
from storage.db import transaction
from storage.models import utcnow
from storage.notifications import (
    PendingAlert,
    UnacknowledgedAlert,
    claim_escalation,
    mark_notified,
    release_escalation,
    unacknowledged_alerts,
    unnotified_alerts,
)

log = logging.getLogger(__name__)
ESCALATION_TEXT = (
    "A safeguarding alert raised at {time} has not been acknowledged for {minutes} minutes: {link}"
)
STILL_NEEDS_ATTENTION = "It still needs attention: please acknowledge it on the dashboard."
# The after-alert call and the sweep must not both announce: one lock per event loop.
_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _lock() -> asyncio.Lock:
    return _LOCKS.setdefault(asyncio.get_running_loop(), asyncio.Lock())


def notice_text(pending: list[PendingAlert], link: str, texts: Texts) -> str:
    if len(pending) == 1:
        text = texts.staff_alert.format(link=link)
    else:
        text = texts.staff_alerts.format(count=len(pending), link=link)
    if any(alert.urgent for alert in pending):
        text = f"{text}\n{texts.staff_urgent}"
    return text


@dataclass(frozen=True)
class Escalation:
    """How long an alert may stay unacknowledged, and who hears then (None: the staff chat)."""

    after_minutes: int = 60
    chat_id: str | None = None


def _chat(raw: str | None) -> int | str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.lstrip("-").isdigit() else raw


def staff_chat(config: BotConfig) -> int | str | None:
    return _chat(config.staff_chat_id)


def escalation_chat(config: BotConfig, escalation: Escalation) -> int | str | None:
    return _chat(escalation.chat_id) or staff_chat(config)


def alerts_queue_link(config: BotConfig) -> str:
    return f"{config.dashboard_url.rstrip('/')}/staff/alerts"


def escalation_text(
    alert: UnacknowledgedAlert, now: datetime, config: BotConfig, *, to_staff_chat: bool
) -> str:
    """When it was raised (local time) and for how long: nothing about the child."""
    raised = alert.created_at.astimezone(ZoneInfo(config.timezone))
    minutes = max(0, int((now - alert.created_at).total_seconds() // 60))
    text = ESCALATION_TEXT.format(
        time=f"{raised:%H:%M}", minutes=minutes, link=alerts_queue_link(config)
    )
    return f"{text}\n{STILL_NEEDS_ATTENTION}" if to_staff_chat else text


def _pending(sessions: sessionmaker[Session]) -> list[PendingAlert]:
    with transaction(sessions) as session:
        return unnotified_alerts(session)


def _mark(sessions: sessionmaker[Session], ids: list[int]) -> None:
    with transaction(sessions) as session:
        mark_notified(session, ids, utcnow())


def _unacknowledged(sessions: sessionmaker[Session], before: datetime) -> list[UnacknowledgedAlert]:
    with transaction(sessions) as session:
        return unacknowledged_alerts(session, before)


def _claim(sessions: sessionmaker[Session], alert_id: int, when: datetime) -> bool:
    with transaction(sessions) as session:
        return claim_escalation(session, alert_id, when)


def _release(sessions: sessionmaker[Session], alert_id: int, when: datetime) -> None:
    with transaction(sessions) as session:
        release_escalation(session, alert_id, when)


async def notify_new_alerts(
    bot: Bot, sessions: sessionmaker[Session], config: BotConfig, texts: Texts | None = None
) -> int:
    """Announce every alert not yet announced in one message; how many were announced."""
    chat = staff_chat(config)
    if chat is None:
        return 0
    async with _lock():
        pending = await asyncio.to_thread(_pending, sessions)
        if not pending:
            return 0
        text = notice_text(pending, config.alerts_link, texts or load_texts())
        try:
            await bot.send_message(
                chat, text, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        except TelegramError as exc:
            log.error("could not tell the staff chat about %d alert(s): %s", len(pending), exc)
            return 0
        await asyncio.to_thread(_mark, sessions, [alert.id for alert in pending])
        return len(pending)


async def escalate_unacknowledged(
    bot: Bot,
    sessions: sessionmaker[Session],
    config: BotConfig,
    escalation: Escalation | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Repeat each alert left "new" past the escalation time, once; how many were repeated.

    Each alert is claimed before it is sent, so two sweeps never both repeat it,
    and released if the send fails or is cancelled, so the next sweep retries it.
    """
    escalation = escalation or Escalation()
    chat = escalation_chat(config, escalation)
    if chat is None:
        return 0
    to_staff_chat = chat == staff_chat(config)
    now = now or utcnow()
    async with _lock():
        due = await asyncio.to_thread(
            _unacknowledged, sessions, now - timedelta(minutes=escalation.after_minutes)
        )
        escalated = 0
        for alert in due:
            if not await asyncio.to_thread(_claim, sessions, alert.id, now):
                continue  # acknowledged meanwhile, or another sweep has it
            text = escalation_text(alert, now, config, to_staff_chat=to_staff_chat)
            try:
                await bot.send_message(
                    chat, text, link_preview_options=LinkPreviewOptions(is_disabled=True)
                )
            except TelegramError as exc:
                log.error("could not escalate safeguarding alert %d: %s", alert.id, exc)
                await asyncio.to_thread(_release, sessions, alert.id, now)
                break  # the chat is failing; the next sweep tries the rest
            except BaseException:
                _release(sessions, alert.id, now)  # blocking on purpose: we may be cancelled
                raise
            escalated += 1
        return escalated
