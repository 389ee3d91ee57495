"""Mobile numbers and email addresses for texts and emails through GOV.UK Notify.

Only for people who use the web (children under 16 cannot use the Telegram bot). A
contact is kept only with consent (when, how, and which words they agreed to), only
sealed (Fernet under a key derived from HEARD_PSEUDONYM_KEY, as storage.sealing does
for a disclosure's contact details), and it goes with the person: ON DELETE CASCADE
and `erase_web_contacts`, which erasure calls.

Each message is a row in `web_contact_deliveries`, unique per contact and round, so
two schedulers cannot both send it: the row is inserted (or a waiting retry moved to
"sending") before Notify is called, and only the process whose insert or update
changed the row sends. A delivery records the link it carried, the reference Heard
gave Notify, Notify's id and status: never the number, the address or the words.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.invites import issue_invite
from storage.models import Invite, Respondent, WebContact, WebContactDelivery, utcnow

_INFO = b"heard-web-contacts/1"
KINDS = ("sms", "email")
CONSENT_HOWS = ("worker_invite", "end_of_checkin")
REMINDER_BATCH = "notify-reminders"
FIRST_ROUND = "first"
# Notify statuses after which nothing changes any more.
FINAL_STATUSES = frozenset(
    {"delivered", "sent", "permanent-failure", "temporary-failure", "technical-failure"}
)
STATES = ("sending", "sent", "retry", "failed")


class SealError(ValueError):
    """A stored contact was sealed with another key, or altered."""


@dataclass(frozen=True)
class Contact:
    """Where to send: "sms" and a +44 mobile number, or "email" and an address."""

    kind: str
    to: str


class ContactSealer:
    def __init__(self, key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(key)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, contact: Contact) -> str:
        payload = json.dumps({"kind": contact.kind, "to": contact.to})
        return self._fernet.encrypt(payload.encode()).decode("ascii")

    def open(self, sealed: str) -> Contact:
        try:
            raw = json.loads(self._fernet.decrypt(sealed.encode("ascii")))
            return Contact(kind=str(raw["kind"]), to=str(raw["to"]))
        except (InvalidToken, ValueError, UnicodeError, KeyError, TypeError):
            raise SealError("a contact was sealed with another key or altered") from None

    def __repr__(self) -> str:
        return "ContactSealer(<key hidden>)"


# ------------------------------------------------------------------ contacts


def add_contact(
    session: Session,
    sealer: ContactSealer,
    contact: Contact,
    *,
    survey_id: str,
    cohort: str,
    age_band: str,
    consent_how: str,
    consent_wording: str,
    respondent: Respondent | None = None,
    when: datetime | None = None,
    language: str | None = None,
) -> WebContact:
    """Keep a contact, with the consent it was given under; replaces the person's last one.

    With a respondent, they have chosen reminders: they are switched on for them."""
    if contact.kind not in KINDS:
        raise ValueError(f"contact kind must be one of {KINDS}")
    if consent_how not in CONSENT_HOWS:
        raise ValueError(f"consent_how must be one of {CONSENT_HOWS}")
    now = when or utcnow()
    if respondent is not None:
        session.execute(delete(WebContact).where(WebContact.respondent_id == respondent.id))
        respondent.reminders_enabled = True
        respondent.opted_out = False
    row = WebContact(
        respondent_id=respondent.id if respondent is not None else None,
        kind=contact.kind,
        contact_sealed=sealer.seal(contact),
        survey_id=survey_id,
        cohort=cohort,
        age_band=age_band,
        consent_at=now,
        consent_how=consent_how,
        consent_wording=consent_wording,
        created_at=now,
        language=language,
    )
    session.add(row)
    session.flush()
    return row


def contact_of(session: Session, respondent_id: int) -> WebContact | None:
    return session.scalar(select(WebContact).where(WebContact.respondent_id == respondent_id))


def remove_contact(session: Session, respondent: Respondent) -> bool:
    """They asked for no more texts or emails: the contact goes, and reminders stop."""
    removed = erase_web_contacts(session, respondent.id)
    respondent.reminders_enabled = False
    respondent.opted_out = True
    session.flush()
    return removed > 0


def pseudonym_for_link(session: Session, invite_id: int) -> str | None:
    """The person a reminder link was sent to, so answering it is the same person again
    (their contact, reminder gap and my-data stay one); None for any other link."""
    return session.scalar(
        select(Respondent.pseudonym)
        .join(WebContact, WebContact.respondent_id == Respondent.id)
        .join(WebContactDelivery, WebContactDelivery.contact_id == WebContact.id)
        .where(WebContactDelivery.invite_id == invite_id)
        .limit(1)
    )


def bind_contact_to_person(session: Session, invite_id: int, respondent_id: int) -> int:
    """A worker's contact belongs to the child once they answer on the link it carried."""
    if contact_of(session, respondent_id) is not None:
        return 0
    contact_ids = select(WebContactDelivery.contact_id).where(
        WebContactDelivery.invite_id == invite_id
    )
    bound = rows_changed(
        session,
        update(WebContact)
        .where(WebContact.id.in_(contact_ids))
        .where(WebContact.respondent_id.is_(None))
        .values(respondent_id=respondent_id),
    )
    if bound:  # the child agreed to messages when the worker added them
        session.execute(
            update(Respondent)
            .where(Respondent.id == respondent_id)
            .values(reminders_enabled=True, opted_out=False)
        )
    return bound


def erase_web_contacts(session: Session, respondent_id: int) -> int:
    """Everything about how to reach the person: their contact, its deliveries, and the
    links it sent that were never used (so a phone found later opens nothing)."""
    their_invites = select(Invite.id).where(Invite.respondent_id == respondent_id)
    carried_theirs = select(WebContactDelivery.contact_id).where(
        WebContactDelivery.invite_id.in_(their_invites)
    )
    contact_ids = list(
        session.scalars(
            select(WebContact.id).where(
                or_(
                    WebContact.respondent_id == respondent_id,
                    WebContact.respondent_id.is_(None) & WebContact.id.in_(carried_theirs),
                )
            )
        )
    )
    if not contact_ids:
        return 0
    unused = select(WebContactDelivery.invite_id).where(
        WebContactDelivery.contact_id.in_(contact_ids)
    )
    session.execute(
        delete(Invite)
        .where(Invite.id.in_(unused))
        .where(Invite.first_used_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(WebContactDelivery)
        .where(WebContactDelivery.contact_id.in_(contact_ids))
        .execution_options(synchronize_session=False)
    )
    removed = rows_changed(
        session,
        delete(WebContact)
        .where(WebContact.id.in_(contact_ids))
        .execution_options(synchronize_session=False),
    )
    session.flush()
    return removed


def purge_unclaimed(session: Session, created_before: datetime) -> int:
    """A worker's contact whose child never answered its link is not kept for ever."""
    stale = list(
        session.scalars(
            select(WebContact.id)
            .where(WebContact.respondent_id.is_(None))
            .where(WebContact.created_at < created_before)
        )
    )
    if not stale:
        return 0
    session.execute(
        delete(WebContactDelivery)
        .where(WebContactDelivery.contact_id.in_(stale))
        .execution_options(synchronize_session=False)
    )
    return rows_changed(
        session,
        delete(WebContact)
        .where(WebContact.id.in_(stale))
        .execution_options(synchronize_session=False),
    )


# ------------------------------------------------------------------ rounds


@dataclass(frozen=True)
class Due:
    """A contact owed a message in a round, and the quiet hours of the person it is for."""

    contact_id: int
    round_key: str
    quiet_start: str
    quiet_end: str


def round_key_for(last_active_at: datetime) -> str:
    """One reminder per stretch of not answering: the round is named by when they last
    did anything, so every scheduler computes the same key and a new answer starts a
    new stretch."""
    return "idle:" + last_active_at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def due_contacts(session: Session, now: datetime, limit: int = 500) -> list[Due]:
    """Contacts of people who chose reminders and whose own gap has passed, not yet sent
    (nor being sent) in this round."""
    rows = session.execute(
        select(
            WebContact.id,
            Respondent.last_active_at,
            Respondent.reminder_every_days,
            Respondent.quiet_start,
            Respondent.quiet_end,
        )
        .join(Respondent, Respondent.id == WebContact.respondent_id)
        .where(Respondent.reminders_enabled.is_(True))
        .where(Respondent.opted_out.is_(False))
        .where(Respondent.reminder_every_days > 0)
        .order_by(Respondent.last_active_at, WebContact.id)
    ).all()
    due: list[Due] = []
    for contact_id, last_active, every_days, quiet_start, quiet_end in rows:
        if last_active > now - timedelta(days=every_days):
            continue
        key = round_key_for(last_active)
        taken = session.scalar(
            select(WebContactDelivery.id)
            .where(WebContactDelivery.contact_id == contact_id)
            .where(WebContactDelivery.round_key == key)
        )
        if taken is None:
            due.append(Due(contact_id, key, quiet_start, quiet_end))
        if len(due) >= limit:
            break
    return due


def waiting_retries(session: Session, now: datetime, limit: int = 500) -> list[tuple[int, Due]]:
    """Deliveries Notify asked us to send later (429), now due again, with who they are for.
    A worker's first link (no person yet) keeps the default quiet hours."""
    rows = session.execute(
        select(
            WebContactDelivery.id,
            WebContactDelivery.contact_id,
            WebContactDelivery.round_key,
            Respondent.quiet_start,
            Respondent.quiet_end,
        )
        .join(WebContact, WebContact.id == WebContactDelivery.contact_id)
        .outerjoin(Respondent, Respondent.id == WebContact.respondent_id)
        .where(WebContactDelivery.state == "retry")
        .where(WebContactDelivery.next_attempt_at <= now)
        .order_by(WebContactDelivery.next_attempt_at, WebContactDelivery.id)
        .limit(limit)
    ).all()
    return [
        (delivery_id, Due(contact_id, key, start or "21:00", end or "08:00"))
        for delivery_id, contact_id, key, start, end in rows
    ]


def claim_new(
    session: Session, contact_id: int, round_key: str, now: datetime, lease: timedelta
) -> WebContactDelivery | None:
    """Insert the round's delivery as "sending"; None if another process already has it.
    Call in its own transaction: the unique (contact, round) decides who sends."""
    kind = session.scalar(select(WebContact.kind).where(WebContact.id == contact_id))
    if kind is None:
        return None
    row = WebContactDelivery(
        contact_id=contact_id,
        round_key=round_key,
        kind=kind,
        state="sending",
        attempts=0,
        lease_until=now + lease,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def claim_retry(
    session: Session, delivery_id: int, now: datetime, lease: timedelta
) -> WebContactDelivery | None:
    """Move a waiting retry to "sending"; None if another process moved it first."""
    changed = rows_changed(
        session,
        update(WebContactDelivery)
        .where(WebContactDelivery.id == delivery_id)
        .where(WebContactDelivery.state == "retry")
        .where(WebContactDelivery.next_attempt_at <= now)
        .values(state="sending", lease_until=now + lease, next_attempt_at=None),
    )
    if changed != 1:
        return None
    return session.get(WebContactDelivery, delivery_id, populate_existing=True)


def prepare_link(
    session: Session, delivery: WebContactDelivery, now: datetime
) -> tuple[WebContact, str]:
    """A fresh single-use link for this attempt (the token is returned, never stored) and
    the reference Notify will be given, so an unknown outcome can be looked up later."""
    contact = session.get(WebContact, delivery.contact_id)
    if contact is None:
        raise LookupError("the contact was removed")
    respondent = session.get(Respondent, contact.respondent_id) if contact.respondent_id else None
    invite, token = issue_invite(
        session,
        survey_id=contact.survey_id,
        cohort=(respondent.cohort if respondent and respondent.cohort else contact.cohort),
        age_band=(respondent.age_band if respondent and respondent.age_band else contact.age_band),
        batch=REMINDER_BATCH,
        when=now,
    )
    delivery.attempts += 1
    delivery.invite_id = invite.id
    delivery.reference = f"heard-d{delivery.id}-a{delivery.attempts}"
    session.flush()
    return contact, token


def record_sent(
    session: Session, delivery_id: int, notify_id: str, status: str, now: datetime
) -> None:
    session.execute(
        update(WebContactDelivery)
        .where(WebContactDelivery.id == delivery_id)
        .values(
            state="sent",
            notify_id=notify_id[:64],
            notify_status=status[:32],
            sent_at=now,
            status_checked_at=now,
            lease_until=None,
        )
    )


def record_retry(session: Session, delivery_id: int, later: datetime) -> None:
    """Notify said not now: wait, and drop the link it would have carried (never sent)."""
    _drop_unsent_link(session, delivery_id)
    session.execute(
        update(WebContactDelivery)
        .where(WebContactDelivery.id == delivery_id)
        .values(state="retry", next_attempt_at=later, lease_until=None)
    )


def record_failed(session: Session, delivery_id: int, why: str) -> None:
    """Notify refused it for good (e.g. not a mobile number): never tried again."""
    _drop_unsent_link(session, delivery_id)
    session.execute(
        update(WebContactDelivery)
        .where(WebContactDelivery.id == delivery_id)
        .values(state="failed", notify_status=why[:32], lease_until=None)
    )


def _drop_unsent_link(session: Session, delivery_id: int) -> None:
    invite_id = session.scalar(
        select(WebContactDelivery.invite_id).where(WebContactDelivery.id == delivery_id)
    )
    if invite_id is not None:
        session.execute(
            update(WebContactDelivery)
            .where(WebContactDelivery.id == delivery_id)
            .values(invite_id=None)
        )
        session.execute(
            delete(Invite).where(Invite.id == invite_id).where(Invite.first_used_at.is_(None))
        )


def lapsed_sends(session: Session, now: datetime) -> list[tuple[int, str | None]]:
    """Deliveries left "sending" by a process that stopped mid-send: (id, reference)."""
    return [
        (row.id, row.reference)
        for row in session.execute(
            select(WebContactDelivery.id, WebContactDelivery.reference)
            .where(WebContactDelivery.state == "sending")
            .where(WebContactDelivery.lease_until < now)
        )
    ]


def statuses_to_check(
    session: Session, now: datetime, every: timedelta, within: timedelta, limit: int = 200
) -> list[tuple[int, str]]:
    """Sent messages whose delivery is not yet known: (delivery id, Notify id)."""
    rows = session.execute(
        select(WebContactDelivery.id, WebContactDelivery.notify_id)
        .where(WebContactDelivery.state == "sent")
        .where(WebContactDelivery.notify_id.is_not(None))
        .where(WebContactDelivery.notify_status.not_in(FINAL_STATUSES))
        .where(WebContactDelivery.sent_at >= now - within)
        .where(
            (WebContactDelivery.status_checked_at.is_(None))
            | (WebContactDelivery.status_checked_at <= now - every)
        )
        .order_by(WebContactDelivery.id)
        .limit(limit)
    ).all()
    return [(delivery_id, str(notify_id)) for delivery_id, notify_id in rows]


def record_status(session: Session, delivery_id: int, status: str, now: datetime) -> None:
    session.execute(
        update(WebContactDelivery)
        .where(WebContactDelivery.id == delivery_id)
        .values(notify_status=status[:32], status_checked_at=now)
    )
