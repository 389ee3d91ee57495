"""Who is due a check-in reminder, where to send it, and remembering what was sent.

A reminder needs an address, but Heard keeps no raw Telegram id: the channel
stores a sealed address (see bot/addresses.py) in `chat_addresses`, one row per
respondent, deleted with them (ON DELETE CASCADE), so erasure needs no change.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import cast

from sqlalchemy import Table, or_, select, tuple_, update
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.models import ChatAddress, Respondent, utcnow

chat_addresses = cast(Table, ChatAddress.__table__)


# Age bands whose people are under 16: Telegram's minimum age in the UK. The bot never
# enrols them now; some were enrolled before it asked (bot/enrolment.py).
UNDER_16_BANDS = frozenset({"4-7", "8-11"})


def parse_clock(value: str) -> time:
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


def in_quiet_hours(local: time, start: str, end: str) -> bool:
    """Whether a local time falls in quiet hours that may run past midnight (21:00-08:00)."""
    begin, finish = parse_clock(start), parse_clock(end)
    moment = local.replace(second=0, microsecond=0, tzinfo=None)
    if begin == finish:
        return False
    if begin < finish:
        return begin <= moment < finish
    return moment >= begin or moment < finish


def is_quiet(now: datetime, timezone: str, start: str, end: str) -> bool:
    local = now.astimezone(zoneinfo.ZoneInfo(timezone)).time()
    return in_quiet_hours(local, start, end)


@dataclass(frozen=True)
class ReminderCandidate:
    respondent_id: int
    pseudonym: str
    cohort: str
    age_band: str
    address: str
    quiet_start: str
    quiet_end: str
    last_reminded_at: datetime | None


def save_address(session: Session, respondent: Respondent, channel: str, address: str) -> None:
    """Remember where to reach someone; hearing from them again also means not blocked."""
    respondent.blocked = False
    row = session.execute(
        select(chat_addresses.c.respondent_id).where(
            chat_addresses.c.respondent_id == respondent.id
        )
    ).first()
    values = {"channel": channel, "address": address, "updated_at": utcnow()}
    if row is None:
        session.execute(chat_addresses.insert().values(respondent_id=respondent.id, **values))
    else:
        session.execute(
            chat_addresses.update()
            .where(chat_addresses.c.respondent_id == respondent.id)
            .values(**values)
        )
    session.flush()


def due_for_reminder(
    session: Session, now: datetime, channel: str = "telegram", page: int = 500
) -> list[ReminderCandidate]:
    """Everyone opted in, reachable, whose own gap has passed, with no unanswered nudge.

    "Answered" means they did anything (started or carried on a check-in, set
    their profile) after the last nudge, which moves `last_active_at` past it.
    "Due" is in the query, per chosen gap, so people not yet due never fill a page
    ahead of those who are; pages (of `page` rows, by last activity) are read until
    none are left, so one sweep reaches everyone due.
    """
    gaps = session.scalars(
        select(Respondent.reminder_every_days).where(Respondent.reminder_every_days > 0).distinct()
    ).all()
    if not gaps:
        return []
    gap_passed = or_(
        *(
            (Respondent.reminder_every_days == days)
            & (Respondent.last_active_at <= now - timedelta(days=days))
            for days in gaps
        )
    )
    query = (
        select(Respondent, chat_addresses.c.address)
        .join(chat_addresses, chat_addresses.c.respondent_id == Respondent.id)
        .where(chat_addresses.c.channel == channel)
        .where(Respondent.reminders_enabled.is_(True))
        .where(Respondent.opted_out.is_(False))
        .where(Respondent.blocked.is_(False))
        .where(Respondent.cohort.is_not(None))
        .where(Respondent.age_band.is_not(None))
        .where(gap_passed)
    )
    if channel == "telegram":
        # Telegram is for 16 and over in the UK: nobody enrolled in an under-16 band
        # before the bot asked "16 or 17?" is nudged there (docs/privacy.md).
        query = query.where(Respondent.age_band.not_in(sorted(UNDER_16_BANDS)))
    query = (
        query.where(
            (Respondent.last_reminded_at.is_(None))
            | (Respondent.last_active_at >= Respondent.last_reminded_at)
        )
        .order_by(Respondent.last_active_at, Respondent.id)
        .limit(page)
    )
    due: list[ReminderCandidate] = []
    after: tuple[datetime, int] | None = None
    while True:
        paged = query
        if after is not None:
            paged = query.where(tuple_(Respondent.last_active_at, Respondent.id) > tuple_(*after))
        rows = session.execute(paged).all()
        for respondent, address in rows:
            due.append(
                ReminderCandidate(
                    respondent_id=respondent.id,
                    pseudonym=respondent.pseudonym,
                    cohort=respondent.cohort or "",
                    age_band=respondent.age_band or "",
                    address=address,
                    quiet_start=respondent.quiet_start,
                    quiet_end=respondent.quiet_end,
                    last_reminded_at=respondent.last_reminded_at,
                )
            )
        if len(rows) < page:
            return due
        last = rows[-1][0]
        after = (last.last_active_at, last.id)


def claim_reminder(
    session: Session, respondent_id: int, previous: datetime | None, now: datetime
) -> bool:
    """Record the nudge before sending it; False if another process got there first."""
    condition = (
        Respondent.last_reminded_at.is_(None)
        if previous is None
        else Respondent.last_reminded_at == previous
    )
    changed = rows_changed(
        session,
        update(Respondent)
        .where(Respondent.id == respondent_id)
        .where(condition)
        .values(last_reminded_at=now),
    )
    return changed == 1


def release_reminder(
    session: Session, respondent_id: int, previous: datetime | None, claimed: datetime
) -> None:
    """Undo a claim whose message could not be sent, so it is tried again later."""
    session.execute(
        update(Respondent)
        .where(Respondent.id == respondent_id)
        .where(Respondent.last_reminded_at == claimed)
        .values(last_reminded_at=previous)
    )


def mark_blocked(session: Session, respondent_id: int) -> None:
    """They blocked the bot: never try to message them again until they write to us."""
    session.execute(update(Respondent).where(Respondent.id == respondent_id).values(blocked=True))


def set_reminder_preferences(
    session: Session,
    respondent: Respondent,
    *,
    on: bool | None = None,
    every_days: int | None = None,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
) -> Respondent:
    if on is not None:
        respondent.reminders_enabled = on
        respondent.opted_out = not on
    if every_days is not None:
        respondent.reminder_every_days = every_days
    if quiet_start is not None:
        respondent.quiet_start = quiet_start
    if quiet_end is not None:
        respondent.quiet_end = quiet_end
    session.flush()
    return respondent
