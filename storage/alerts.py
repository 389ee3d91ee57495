"""Safeguarding alerts: raised at once, never sampled, with who did what and when."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.alert_history import at_most_one_entry
from storage.alert_history import line as history_line
from storage.models import ALERT_STATUSES, Respondent, SafeguardingAlert, StaffUser, utcnow
from storage.text import storable_text

# How long after a safeguarding lead's last message in Telegram what the person types
# is read as their reply to the lead. A week: a young person may not answer until the
# weekend, or until they are somewhere they feel able to; after a week a message is far
# more likely to be a new conversation with Heard than an answer to the lead, and the
# lead can always write again (which starts a new week).
REPLY_WINDOW = timedelta(days=7)
REPLY_MAX = 2000  # a reply's words kept in the history, as typed, up to this many


def raise_alert(
    session: Session,
    *,
    pseudonym: str,
    text: str,
    category: str,
    level: str,
    channel: str,
    cohort: str | None,
    age_band: str | None,
    lexicon_version: str | None = None,
    detected_by: str | None = None,
    route: str | None = None,
    when: datetime | None = None,
) -> SafeguardingAlert:
    """A new alert, "new" and not yet announced; the sweep routes it if `route` is None."""
    row = SafeguardingAlert(
        pseudonym=pseudonym,
        text=storable_text(text),
        category=category,
        level=level,
        channel=channel,
        cohort=cohort,
        age_band=age_band,
        lexicon_version=lexicon_version,
        detected_by=detected_by[:200] if detected_by else None,
        route=route,
        status="new",
        created_at=when or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def alerts(session: Session, statuses: tuple[str, ...] | None = None) -> list[SafeguardingAlert]:
    query = select(SafeguardingAlert).order_by(SafeguardingAlert.created_at.desc())
    if statuses:
        query = query.where(SafeguardingAlert.status.in_(statuses))
    return list(session.scalars(query))


def set_alert_status(
    session: Session,
    alert: SafeguardingAlert,
    status: str,
    *,
    by: str,
    note: str | None = None,
    when: datetime | None = None,
) -> SafeguardingAlert:
    if status not in ALERT_STATUSES:
        raise ValueError(f"unknown alert status {status!r}")
    now = when or utcnow()
    if note:  # first: a line storage refuses changes nothing
        _append(alert, note)
    if status == "acknowledged":
        alert.acknowledged_by, alert.acknowledged_at = by, now
    elif status in ("actioned", "closed"):
        alert.closed_by, alert.closed_at = by, now
        if alert.acknowledged_at is None:
            alert.acknowledged_by, alert.acknowledged_at = by, now
    alert.status = status
    session.flush()
    return alert


def assign_alert(
    session: Session, alert: SafeguardingAlert, assignee: StaffUser | None, *, note: str | None
) -> SafeguardingAlert:
    """Give the alert to a member of staff (None: to nobody), adding `note` to its history."""
    if note:  # first: a line storage refuses changes nothing
        _append(alert, note)
    alert.assigned_to = assignee.id if assignee is not None else None
    session.flush()
    return alert


def record_contact(
    session: Session,
    alert: SafeguardingAlert,
    *,
    wanted: bool,
    sealed: str | None,
    when: datetime | None = None,
    timezone: str = "UTC",
) -> SafeguardingAlert:
    """Whether the person would like someone to get in touch, and how (sealed); a later
    answer replaces an earlier one, as a person may change their mind or their number.

    A "yes" that comes after the alert was actioned or closed reopens it as new, so the
    notice goes out again and nobody's request for contact waits on a closed alert. The
    history line says when in `timezone` (the council's), as `record_reply` does."""
    now = when or utcnow()
    alert.contact_wanted = wanted
    alert.contact_sealed = sealed if wanted else None
    alert.contact_answered_at = now
    alert.contact_removed_at = None  # a fresh answer: nothing of it has been removed
    if wanted and alert.status in ("actioned", "closed"):
        was = alert.status
        _reopen(alert, now)
        what = f"new: reopened because they asked for someone to get in touch after it was {was}"
        _append(alert, history_line(now, timezone, "Heard", what))
    session.flush()
    return alert


def _notice_due(alert: SafeguardingAlert, now: datetime) -> None:
    """Its route is to be told again: the notice is owed from `now`, so the pages call it
    late only two minutes after this, not after the alert was first raised."""
    alert.notified_at = alert.notice_claimed_at = alert.notice_sent_by = None
    alert.notice_due_since = now


def _reopen(alert: SafeguardingAlert, now: datetime) -> None:
    """New again after it was actioned or closed: told again, and escalated again if nobody
    acknowledges it within its route's minutes counted from `now` (not from when it was
    first raised, which would escalate an old alert at the very next sweep)."""
    alert.status = "new"
    alert.reopened_at = now
    alert.escalated_at = alert.escalation_claimed_at = alert.escalation_sent_by = None
    _notice_due(alert, now)


def add_history(session: Session, alert: SafeguardingAlert, line: str) -> SafeguardingAlert:
    """One more line in the alert's history (who did what, when)."""
    _append(alert, line)
    session.flush()
    return alert


def _append(alert: SafeguardingAlert, line: str) -> None:
    """`line` at the end of the history: written by storage.alert_history.line, so words
    in it cannot start an entry of their own (anything else is refused)."""
    if not at_most_one_entry(line):
        raise ValueError("a history line must be written by storage.alert_history.line")
    alert.note = line if not alert.note else f"{alert.note}\n{line}"


def alerts_about(session: Session, pseudonym: str) -> list[SafeguardingAlert]:
    """Every alert raised about one person, oldest first (kept after their erasure)."""
    query = select(SafeguardingAlert).where(SafeguardingAlert.pseudonym == pseudonym)
    return list(session.scalars(query.order_by(SafeguardingAlert.created_at)))


def pseudonyms_starting(session: Session, prefix: str, limit: int = 3) -> list[str]:
    """The people (with a record, or only alerts kept after erasure) whose pseudonym
    starts with `prefix`: the alert page and the audit log show only the start of it."""
    pattern = prefix.replace("\\", "").replace("%", "").replace("_", "") + "%"
    found: list[str] = []
    for column in (Respondent.pseudonym, SafeguardingAlert.pseudonym):
        query = select(column).where(column.like(pattern)).distinct().limit(limit)
        found += [p for p in session.scalars(query) if p not in found]
    return found[:limit]


def lead_messaged(
    session: Session, alert: SafeguardingAlert, when: datetime | None = None
) -> SafeguardingAlert:
    """A safeguarding lead's message reached their chat: what they type for the next
    REPLY_WINDOW is their reply to it."""
    alert.lead_messaged_at = when or utcnow()
    session.flush()
    return alert


def awaiting_reply(
    session: Session, pseudonym: str, when: datetime | None = None
) -> SafeguardingAlert | None:
    """The alert whose lead messaged this person most recently, within REPLY_WINDOW
    (None: no lead is waiting to hear from them)."""
    since = (when or utcnow()) - REPLY_WINDOW
    query = (
        select(SafeguardingAlert)
        .where(
            SafeguardingAlert.pseudonym == pseudonym,
            SafeguardingAlert.lead_messaged_at.is_not(None),
            SafeguardingAlert.lead_messaged_at >= since,
        )
        .order_by(SafeguardingAlert.lead_messaged_at.desc(), SafeguardingAlert.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def record_reply(
    session: Session,
    alert: SafeguardingAlert,
    text: str,
    when: datetime | None = None,
    *,
    timezone: str = "UTC",
) -> SafeguardingAlert:
    """Their reply to the lead, in their own words, as one line of the alert's history
    (the alert is the one place a child's words reach named staff). Its route is told
    again (the sweep sends a notice: never the words), the notice owed from the reply;
    an alert that was actioned or closed is new again, as for a late "yes, please". On
    an alert still open the escalation's clock is left alone: a child writing again must
    not put off the escalation of an alert nobody has acknowledged. Times are in
    `timezone` (the council's, as the staff pages write history), with the zone named."""
    now = when or utcnow()
    words = " ".join(storable_text(text).split())[:REPLY_MAX]
    said = f"\u201c{words}\u201d"
    lines = [history_line(now, timezone, "the young person", "reply from the young person", said)]
    if alert.status in ("actioned", "closed"):
        was = f"new: reopened because they replied after it was {alert.status}"
        lines.append(history_line(now, timezone, "Heard", was))
        _reopen(alert, now)
    else:
        _notice_due(alert, now)
    for written in lines:
        _append(alert, written)
    session.flush()
    return alert
