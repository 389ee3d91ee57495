"""The reminder round for people who use the web: a fresh single-use link by text or email.

Run by the scheduler's leader (heard.jobs.send_web_reminders). Each person who gave a
contact with consent and whose own reminder gap has passed gets one message per
stretch of not answering, never in their quiet hours (the bot's rule: their
quiet_start and quiet_end in HEARD_TIMEZONE). Each message is claimed in the database
before Notify is called (storage.web_contacts), so a second scheduler never sends it
again. When Notify says 429 the message waits with a growing back-off and the round
stops, so the rest wait too; it is retried by a later round, never lost. A process
that stopped mid-send leaves a lapsed claim: Notify is asked by the reference Heard
gave it whether that message went, so it is recorded, or sent, exactly once.

Each message goes in the person's language (message_language): the council's Notify
template for it when there is one, else the default (English) template.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from notices.notify import RateLimited, Rejected, Sender, Unavailable
from storage.db import transaction
from storage.models import Respondent, WebContact, utcnow
from storage.reminders import is_quiet
from storage.web_contacts import (
    ContactSealer,
    Due,
    SealError,
    claim_new,
    claim_retry,
    due_contacts,
    lapsed_sends,
    prepare_link,
    purge_unclaimed,
    record_failed,
    record_retry,
    record_sent,
    record_status,
    statuses_to_check,
    waiting_retries,
)

log = logging.getLogger("heard.notify")

LEASE = timedelta(minutes=10)
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=2)
MAX_ATTEMPTS = 12
STATUS_EVERY = timedelta(minutes=30)
STATUS_WITHIN = timedelta(days=3)
UNCLAIMED_FOR = timedelta(days=60)


@dataclass
class RoundResult:
    sent: int = 0
    quiet: int = 0
    rate_limited: int = 0
    retried: int = 0
    failed: int = 0
    statuses: int = 0
    recovered: int = 0


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most two hours."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class Links:
    base_url: str

    def check_in(self, token: str) -> str:
        return f"{self.base_url}/s/{token}"

    def stop(self, token: str) -> str:
        return f"{self.base_url}/s/{token}/stop-messages"


class WebReminders:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender: Sender,
        sealer: ContactSealer,
        base_url: str,
        timezone: str,
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.sealer = sealer
        self.links = Links(base_url.rstrip("/"))
        self.timezone = timezone

    # ---------------------------------------------------------------- the round

    def run(self, now: datetime | None = None) -> RoundResult:
        now = now or utcnow()
        result = RoundResult()
        self._recover_lapsed(now, result)
        with transaction(self.sessions) as session:
            retries = waiting_retries(session, now)
            due = due_contacts(session, now)
            purge_unclaimed(session, now - UNCLAIMED_FOR)
        work: list[tuple[Due, Callable[[Session], int | None]]] = []
        for delivery_id, person in retries:
            work.append((person, _retry_claimer(delivery_id, now)))
        for person in due:
            work.append((person, _new_claimer(person, now)))
        for person, claimer in work:
            if is_quiet(now, self.timezone, person.quiet_start, person.quiet_end):
                result.quiet += 1
                continue
            with transaction(self.sessions) as session:
                claimed = claimer(session)
            if claimed is None:
                continue  # another scheduler has it
            if not self._send(claimed, now, result):
                break  # Notify asked us to slow down: the rest wait for a later round
        self._check_statuses(now, result)
        if result.sent or result.rate_limited or result.failed:
            log.info(
                "web reminders: %d sent, %d waiting (429), %d refused, %d in quiet hours",
                result.sent,
                result.rate_limited,
                result.failed,
                result.quiet,
            )
        return result

    def send_now(self, delivery_id: int, now: datetime | None = None) -> RoundResult:
        """Send one claimed delivery straight away (a worker's first link)."""
        result = RoundResult()
        self._send(delivery_id, now or utcnow(), result)
        return result

    # ---------------------------------------------------------------- one message

    def _send(self, delivery_id: int, now: datetime, result: RoundResult) -> bool:
        """Send a claimed delivery; False if Notify asked to slow down."""
        try:
            with transaction(self.sessions) as session:
                from storage.models import WebContactDelivery

                delivery = session.get(WebContactDelivery, delivery_id)
                if delivery is None or delivery.state != "sending":
                    return True
                contact_row, token = prepare_link(session, delivery, now)
                contact = self.sealer.open(contact_row.contact_sealed)
                language = message_language(session, contact_row)
                reference = str(delivery.reference)
                attempts = delivery.attempts
        except LookupError:
            return True
        except SealError:
            log.warning("a stored contact cannot be opened (was HEARD_PSEUDONYM_KEY changed?)")
            with transaction(self.sessions) as session:
                record_failed(session, delivery_id, "sealed-with-other-key")
            result.failed += 1
            return True
        try:
            sent = self.sender.send(
                contact,
                self.links.check_in(token),
                self.links.stop(token),
                reference,
                language=language,
            )
        except RateLimited:
            with transaction(self.sessions) as session:
                self._later(session, delivery_id, attempts, now)
            result.rate_limited += 1
            return False
        except Unavailable as error:
            log.warning("Notify could not take a message (%s); it will be tried again", error)
            with transaction(self.sessions) as session:
                self._later(session, delivery_id, attempts, now)
            result.retried += 1
            return True
        except Rejected as error:
            log.warning("Notify refused a message for good (%s)", error)
            with transaction(self.sessions) as session:
                record_failed(session, delivery_id, str(error))
            result.failed += 1
            return True
        with transaction(self.sessions) as session:
            record_sent(session, delivery_id, sent.notify_id, sent.status, now)
        result.sent += 1
        return True

    def _later(self, session: Session, delivery_id: int, attempts: int, now: datetime) -> None:
        if attempts >= MAX_ATTEMPTS:
            record_failed(session, delivery_id, "gave-up-after-retries")
        else:
            record_retry(session, delivery_id, now + backoff(attempts))

    # ---------------------------------------------------------------- after a crash

    def _recover_lapsed(self, now: datetime, result: RoundResult) -> None:
        """A claim whose process stopped: did Notify get it? Record it, or send it later."""
        with transaction(self.sessions) as session:
            lapsed = lapsed_sends(session, now)
        for delivery_id, reference in lapsed:
            found = None
            if reference is not None:
                try:
                    found = self.sender.find_by_reference(reference)
                except (RateLimited, Unavailable, Rejected):
                    continue  # ask again next round
            with transaction(self.sessions) as session:
                if found is not None:
                    record_sent(session, delivery_id, found.notify_id, found.status, now)
                else:
                    record_retry(session, delivery_id, now)
            result.recovered += 1

    # ---------------------------------------------------------------- statuses

    def _check_statuses(self, now: datetime, result: RoundResult) -> None:
        with transaction(self.sessions) as session:
            pending = statuses_to_check(session, now, STATUS_EVERY, STATUS_WITHIN)
        for delivery_id, notify_id in pending:
            try:
                status = self.sender.status(notify_id)
            except (RateLimited, Unavailable, Rejected):
                return
            with transaction(self.sessions) as session:
                record_status(session, delivery_id, status, now)
            result.statuses += 1


def message_language(session: Session, contact: WebContact) -> str | None:
    """The language a message to this contact goes in: the one kept with the contact (a
    worker's `heard invite --language`, or the page's language when they asked for
    messages), else the person's recorded language; None: the default (English)."""
    from surveys.languages import DEFAULT, is_shipped

    chosen = contact.language
    if not chosen and contact.respondent_id is not None:
        respondent = session.get(Respondent, contact.respondent_id)
        chosen = respondent.language if respondent is not None else None
    return chosen if chosen and chosen != DEFAULT and is_shipped(chosen) else None


def _new_claimer(person: Due, now: datetime) -> Callable[[Session], int | None]:
    def claim(session: Session) -> int | None:
        row = claim_new(session, person.contact_id, person.round_key, now, LEASE)
        return None if row is None else row.id

    return claim


def _retry_claimer(delivery_id: int, now: datetime) -> Callable[[Session], int | None]:
    def claim(session: Session) -> int | None:
        row = claim_retry(session, delivery_id, now, LEASE)
        return None if row is None else row.id

    return claim
