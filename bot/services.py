"""The bot's database work, each piece one transaction and (where it changes data) exactly once.

Handlers run these in a worker thread (they block on the database). The update
key of the Telegram update is recorded in the same transaction as its effect,
so an update Telegram delivers twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from analysis.safeguarding import PLEASE_READ, ContactWording, contact_wording
from bot.addresses import AddressBook
from localoffer.desk import log_offer_answer
from storage.alerts import awaiting_reply, record_reply
from storage.audit import audit
from storage.db import transaction
from storage.reminders import save_address, set_reminder_preferences
from storage.respondent_language import choose_language, chosen_language
from storage.respondents import (
    completed_check_ins,
    erase_respondent,
    find_respondent,
    get_or_create_respondent,
    reminders_unchosen,
    set_profile,
)
from storage.sealing import ContactDetails
from storage.updates import first_delivery
from storage.you_said import latest_posts
from surveys.contact import ContactDesk
from surveys.people import People, Profile, check_profile
from surveys.safeguarding_seam import (
    FreeTextContext,
    SafeguardingHook,
    check_free_text,
    offer_answer_beside_help,
)

CHANNEL = "telegram"
T = TypeVar("T")
UpdateKey = tuple[str, str | int]
# How far a message outside a check-in goes to the local offer (after safeguarding):
ALWAYS, IF_CONFIDENT, NEVER = "always", "if_confident", "never"


class Duplicate:
    """Returned instead of a result when the update was handled before."""


DUPLICATE = Duplicate()


@dataclass(frozen=True)
class FreeTextResult:
    safeguarding_reply: str | None = None
    alert_id: int | None = None
    offer_reply: str | None = None
    # The alert is a "please read" (words in another language, no disclosure found): the
    # offer's answer goes before its note. After a disclosure the help goes first.
    please_read: bool = False


class OfferLookup:
    """What the bot needs from the local offer search (localoffer.search.OfferSearch)."""

    def ask(self, text: str, age: int | None = None) -> Any:  # pragma: no cover - protocol
        raise NotImplementedError


class BotServices:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        people: People,
        addresses: AddressBook,
        *,
        offer: OfferLookup | None = None,
        safeguarding: SafeguardingHook | None = check_free_text,
        contact: ContactDesk | None = None,
    ) -> None:
        self.sessions = sessions
        self.people = people
        self.addresses = addresses
        self.offer = offer
        self.safeguarding = safeguarding
        # Records "would you like someone to get in touch?" on the alert; None: not asked.
        self.contact = contact

    def pseudonym(self, user_id: int) -> str:
        return self.people.pseudonym(CHANNEL, user_id)

    def _once(self, key: UpdateKey | None, work: Callable[[Session], T]) -> T | Duplicate:
        for attempt in range(2):
            try:
                with transaction(self.sessions) as session:
                    if key is not None and not first_delivery(session, *key):
                        return DUPLICATE
                    return work(session)
            except IntegrityError:  # the same update racing itself: the other one won
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def first_time(self, key: UpdateKey) -> bool:
        """Record an update that changes no data but says something (a menu choice), so
        a redelivery of it says nothing again."""
        return self._once(key, lambda session: True) is not DUPLICATE

    # ------------------------------------------------------------------ people

    def profile(self, pseudonym: str) -> Profile | None:
        return self.people.profile(pseudonym)

    def chosen_language(self, pseudonym: str) -> str | None:
        """The language they chose with /language, or None."""
        with transaction(self.sessions) as session:
            return chosen_language(session, pseudonym)

    def choose_language(self, pseudonym: str, language: str) -> bool:
        """Keep their choice (a shipped code); False if they have not pressed /start yet.
        Choosing the same again changes nothing, so a redelivered press is harmless."""
        with transaction(self.sessions) as session:
            return choose_language(session, pseudonym, language)

    def register(
        self, pseudonym: str, chat_id: int, key: UpdateKey | None = None
    ) -> Profile | None | Duplicate:
        """Know them and where to reach them. With the update's key a redelivered /start
        changes nothing: the address would be sealed afresh, and what /start then does
        depends on the profile, which may have changed since."""

        def work(session: Session) -> None:
            respondent = get_or_create_respondent(session, pseudonym, CHANNEL)
            save_address(session, respondent, CHANNEL, self.addresses.seal(chat_id))

        if self._once(key, work) is DUPLICATE:
            return DUPLICATE
        return self.people.profile(pseudonym)

    def set_profile(
        self, pseudonym: str, chat_id: int, cohort: str, age_band: str, key: UpdateKey
    ) -> bool:
        """False if this update was already handled."""
        check_profile(cohort, age_band)

        def work(session: Session) -> bool:
            respondent = get_or_create_respondent(session, pseudonym, CHANNEL)
            set_profile(session, respondent, cohort=cohort, age_band=age_band)
            save_address(session, respondent, CHANNEL, self.addresses.seal(chat_id))
            return True

        return self._once(key, work) is not DUPLICATE

    def set_reminders(self, pseudonym: str, key: UpdateKey, **preferences: Any) -> Profile | None:
        result = self.choose_reminders(pseudonym, key, **preferences)
        return self.people.profile(pseudonym) if isinstance(result, Duplicate) else result

    def choose_reminders(
        self, pseudonym: str, key: UpdateKey, **preferences: Any
    ) -> Profile | None | Duplicate:
        """Their choice of reminders; None if Heard doesn't know them, DUPLICATE if this
        update was handled before."""

        def work(session: Session) -> bool:
            respondent = find_respondent(session, pseudonym)
            if respondent is None:
                return False
            set_reminder_preferences(session, respondent, **preferences)
            return True

        done = self._once(key, work)
        if isinstance(done, Duplicate):
            return DUPLICATE
        return self.people.profile(pseudonym) if done else None

    def should_offer_reminders(self, pseudonym: str) -> bool:
        """Ask about reminders once: after their first finished check-in, if they have
        never chosen (reminders are off until they do)."""
        with transaction(self.sessions) as session:
            respondent = find_respondent(session, pseudonym)
            return (
                respondent is not None
                and reminders_unchosen(respondent)
                and completed_check_ins(session, respondent.id) == 1
            )

    def erase(self, pseudonym: str, key: UpdateKey) -> bool | Duplicate:
        """Everything about them goes (answers, comments, address); alerts stay by law."""

        def work(session: Session) -> bool:
            respondent = find_respondent(session, pseudonym)
            if respondent is None:
                return False
            counts = erase_respondent(
                session, respondent, offer_asker=self.people.offer_asker(pseudonym)
            )
            audit(session, "self", "erase", target="respondent", rows=sum(counts.values()))
            return True

        return self._once(key, work)

    def export(self, pseudonym: str) -> dict[str, Any] | None:
        return self.people.export(pseudonym)

    # ------------------------------------------------------------------ free text

    def free_text(
        self, pseudonym: str, text: str, key: UpdateKey, *, offer: str, language: str = "en"
    ) -> FreeTextResult | Duplicate:
        """A message outside a check-in: safeguarding first, then the local offer: ALWAYS
        (a care leaver, or /offer), IF_CONFIDENT (anyone else: only an answer Heard is sure
        of is shown or logged) or NEVER."""

        def work(session: Session) -> FreeTextResult:
            respondent = find_respondent(session, pseudonym)
            if self.safeguarding is not None:
                outcome = self.safeguarding(
                    session,
                    text,
                    FreeTextContext(
                        pseudonym=pseudonym,
                        channel=CHANNEL,
                        cohort=respondent.cohort if respondent else None,
                        age_band=respondent.age_band if respondent else None,
                        language=language,  # the help in their /language
                    ),
                )
                if outcome is not None:
                    please_read = outcome.category == PLEASE_READ
                    answered = None
                    beside = offer_answer_beside_help(outcome.category, outcome.model_only)
                    if offer != NEVER and beside:
                        answered = self._offer_reply(
                            session,
                            pseudonym,
                            text,
                            True,
                            language=language,
                            logged=please_read,
                        )
                    return FreeTextResult(
                        safeguarding_reply=outcome.reply,
                        alert_id=outcome.alert_id,
                        offer_reply=answered,
                        please_read=please_read,
                    )
            if offer == NEVER:
                return FreeTextResult()
            return FreeTextResult(
                offer_reply=self._offer_reply(
                    session, pseudonym, text, offer == IF_CONFIDENT, language=language
                )
            )

        return self._once(key, work)

    def ask_offer(
        self,
        pseudonym: str,
        text: str,
        key: UpdateKey,
        *,
        care_leaver: bool,
        language: str = "en",
    ) -> str | None | Duplicate:
        """A question typed in a check-in that the engine couldn't read as an answer (and
        has already checked for safeguarding). The offer's answer if it is sure; for a care
        leaver also its "not sure, ask your PA" when the question touches the offer at all
        (so the team sees what was asked), but not for "what do you mean?". In their
        /language."""
        return self._once(
            key,
            lambda session: self._offer_reply(
                session, pseudonym, text, True, unsure_if_related=care_leaver, language=language
            ),
        )

    def _offer_reply(
        self,
        session: Session,
        pseudonym: str,
        text: str,
        only_if_confident: bool,
        *,
        unsure_if_related: bool = False,
        language: str = "en",
        logged: bool = True,
    ) -> str | None:
        """The offer's reply, logged with the asker's keyed tag (unless not `logged`); None
        if there is no offer, or it isn't sure and only a sure answer will do (then nothing
        is logged)."""
        if self.offer is None:
            return None
        answer = self.offer.ask(text)
        related = unsure_if_related and bool(answer.answers)
        if only_if_confident and not answer.confident and not related:
            return None
        if logged:
            log_offer_answer(
                session,
                text,
                answer,
                channel=CHANNEL,
                asker_tag=self.people.offer_asker(pseudonym),
            )
        from bot.offer import offer_reply_text  # its words in their /language

        return offer_reply_text(self.offer, answer, language)

    # ------------------------------------------------------------------ getting in touch

    def contact_wording(self, pseudonym: str, language: str = "en") -> ContactWording:
        """The question and its answers in the words for who they are (a carer is an
        adult), in their language."""
        profile = self.people.profile(pseudonym)
        return contact_wording(profile.cohort if profile is not None else None, language=language)

    def answer_contact(
        self, pseudonym: str, alert_id: int, *, wanted: bool, chat_id: int, key: UpdateKey
    ) -> str | Duplicate:
        """Their answer on their own alert, with the update's key in the same transaction:
        surveys.contact's RECORDED, REFUSED (not their alert) or ANSWERED_BEFORE (the first
        answer stands), or DUPLICATE for an update handled before. A yes needs no typed
        details: the safeguarding lead can message this chat (sealed on the alert)."""
        desk = self.contact
        if desk is None:
            raise ValueError("no contact desk: the question is never asked")
        details = ContactDetails(telegram_chat=chat_id) if wanted else None
        return self._once(
            key,
            lambda session: desk.record(
                session,
                alert_id,
                pseudonym=pseudonym,
                wanted=wanted,
                details=details,
                first_answer_only=True,
            ),
        )

    def contact_standing(self, pseudonym: str, alert_id: int) -> bool | None:
        """Their answer to "get in touch?" for another alert in the last day, now on this
        one too (True: yes, False: no), or None: ask (surveys.contact.ContactDesk.carry_over)."""
        if self.contact is None:
            return None
        return self.contact.answer_standing(alert_id, pseudonym=pseudonym)

    # ------------------------------------------------------------------ a reply to the lead

    def lead_waiting(self, pseudonym: str) -> bool:
        """A safeguarding lead messaged them from an alert within storage.alerts.REPLY_WINDOW:
        what they type now is their reply."""
        with transaction(self.sessions) as session:
            return awaiting_reply(session, pseudonym) is not None

    def reply_to_lead(
        self, pseudonym: str, text: str, key: UpdateKey, *, timezone: str = "UTC"
    ) -> int | None | Duplicate:
        """Their words into the history of the alert the lead messaged from (which is new
        again and told again); its id, None if no lead is waiting, or DUPLICATE."""

        def work(session: Session) -> int | None:
            alert = awaiting_reply(session, pseudonym)
            if alert is None:
                return None
            record_reply(session, alert, text, timezone=timezone)
            audit(session, "telegram", "alert.reply", f"alert:{alert.id}", status=alert.status)
            return alert.id

        return self._once(key, work)

    # ------------------------------------------------------------------ you said

    def you_said(self, limit: int = 5) -> list[tuple[str, str]]:
        with transaction(self.sessions) as session:
            return [(post.you_said, post.we_did) for post in latest_posts(session, limit)]
