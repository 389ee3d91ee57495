"""What the web pages and `heard invite` may do with a person's mobile number or email.

Keep one with consent (the words agreed to are versioned in CONSENT_WORDING), say
which one is kept (masked), remove it (from the my-data page, or from the
"stop messages" link in every message), and send a worker's first link at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from notices.notify import Sender, masked
from notices.web_reminders import LEASE, RoundResult, WebReminders
from storage.db import transaction
from storage.invites import find_invite
from storage.models import WebContact, WebContactDelivery, utcnow
from storage.reminders import is_quiet
from storage.respondents import find_respondent
from storage.web_contacts import (
    FIRST_ROUND,
    Contact,
    ContactSealer,
    add_contact,
    claim_new,
    contact_of,
    erase_web_contacts,
    remove_contact,
)

# The version of the consent words shown; recorded with every contact. Change it when
# the words in webforms/templates/public/_notify_offer.html or `heard invite` change.
CONSENT_WORDING = "notify-consent-1"
# A child who has not answered yet has not chosen quiet hours: a new person's defaults.
DEFAULT_QUIET = ("21:00", "08:00")


@dataclass(frozen=True)
class FirstLink:
    """What `heard invite` reports: sent now, or waiting (quiet hours or Notify busy)."""

    sent: bool
    waiting: bool
    refused: bool


class WebContactDesk:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        pseudonym_key: bytes,
        sender: Sender,
        base_url: str,
        timezone: str,
    ) -> None:
        self.sessions = sessions
        self.sealer = ContactSealer(pseudonym_key)
        self.reminders = WebReminders(sessions, sender, self.sealer, base_url, timezone)
        self.timezone = timezone

    def __repr__(self) -> str:
        return "WebContactDesk(<keys hidden>)"

    # ---------------------------------------------------------------- the person's own

    def kept_for(self, pseudonym: str) -> str | None:
        """The masked contact kept for this person, or None."""
        with transaction(self.sessions) as session:
            respondent = find_respondent(session, pseudonym)
            row = contact_of(session, respondent.id) if respondent else None
            return masked(self.sealer.open(row.contact_sealed)) if row else None

    def keep_from_checkin(
        self, pseudonym: str, survey_id: str, contact: Contact, language: str | None = None
    ) -> bool:
        """They said yes at the end of a check-in; False if they are not a person yet.
        language: the page's language (a code; None for English), for their messages."""
        with transaction(self.sessions) as session:
            respondent = find_respondent(session, pseudonym)
            if respondent is None or not respondent.cohort or not respondent.age_band:
                return False
            add_contact(
                session,
                self.sealer,
                contact,
                survey_id=survey_id,
                cohort=respondent.cohort,
                age_band=respondent.age_band,
                consent_how="end_of_checkin",
                consent_wording=CONSENT_WORDING,
                respondent=respondent,
                language=language,
            )
            return True

    def remove_for(self, pseudonym: str) -> bool:
        with transaction(self.sessions) as session:
            respondent = find_respondent(session, pseudonym)
            return remove_contact(session, respondent) if respondent else False

    def link_has_contact(self, token: str) -> bool:
        with transaction(self.sessions) as session:
            return self._contact_for_link(session, token) is not None

    def stop_by_link(self, token: str) -> bool:
        """The "stop messages" link in a message: whoever holds it is who it was sent to."""
        with transaction(self.sessions) as session:
            contact = self._contact_for_link(session, token)
            if contact is None:
                return False
            if contact.respondent_id is not None:
                from storage.models import Respondent

                respondent = session.get(Respondent, contact.respondent_id)
                if respondent is not None:
                    return remove_contact(session, respondent)
                return erase_web_contacts(session, contact.respondent_id) > 0
            session.delete(contact)
            return True

    def _contact_for_link(self, session: Session, token: str) -> WebContact | None:
        invite = find_invite(session, token)
        if invite is None:
            return None
        return session.scalar(
            select(WebContact)
            .join(WebContactDelivery, WebContactDelivery.contact_id == WebContact.id)
            .where(WebContactDelivery.invite_id == invite.id)
            .limit(1)
        )

    # ---------------------------------------------------------------- a worker's first link

    def first_link(
        self,
        contact: Contact,
        *,
        survey_id: str,
        cohort: str,
        age_band: str,
        now: datetime | None = None,
        language: str | None = None,
    ) -> FirstLink:
        """Keep the child's contact (the worker confirmed the child agreed) and send their
        first link now, or, in quiet hours or when Notify is busy, in a later round."""
        now = now or utcnow()
        with transaction(self.sessions) as session:
            row = add_contact(
                session,
                self.sealer,
                contact,
                survey_id=survey_id,
                cohort=cohort,
                age_band=age_band,
                consent_how="worker_invite",
                consent_wording=CONSENT_WORDING,
                when=now,
                language=language,
            )
            delivery = claim_new(session, row.id, FIRST_ROUND, now, LEASE)
            assert delivery is not None  # a new contact has no deliveries
            delivery_id = delivery.id
            if is_quiet(now, self.timezone, DEFAULT_QUIET[0], DEFAULT_QUIET[1]):
                delivery.state, delivery.next_attempt_at, delivery.lease_until = "retry", now, None
                return FirstLink(sent=False, waiting=True, refused=False)
        result: RoundResult = self.reminders.send_now(delivery_id, now)
        if result.failed:  # Notify will never take it: keep nothing
            with transaction(self.sessions) as session:
                unusable = session.get(WebContact, row.id)
                if unusable is not None:
                    session.delete(unusable)
        return FirstLink(
            sent=result.sent == 1,
            waiting=bool(result.rate_limited or result.retried),
            refused=result.failed == 1,
        )
