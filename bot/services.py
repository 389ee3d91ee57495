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

from bot.addresses import AddressBook
from localoffer.desk import log_offer_answer
from storage.audit import audit
from storage.db import transaction
from storage.reminders import save_address, set_reminder_preferences
from storage.respondents import (
    erase_respondent,
    find_respondent,
    get_or_create_respondent,
    set_profile,
)
from storage.updates import first_delivery
from storage.you_said import latest_posts
from surveys.people import People, Profile, check_profile
from surveys.safeguarding_seam import FreeTextContext, SafeguardingHook, check_free_text

CHANNEL = "telegram"
T = TypeVar("T")
UpdateKey = tuple[str, str | int]


class Duplicate:
    """Returned instead of a result when the update was handled before."""


DUPLICATE = Duplicate()


@dataclass(frozen=True)
class FreeTextResult:
    safeguarding_reply: str | None = None
    alert_id: int | None = None
    offer_reply: str | None = None


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
    ) -> None:
        self.sessions = sessions
        self.people = people
        self.addresses = addresses
        self.offer = offer
        self.safeguarding = safeguarding

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

    # ------------------------------------------------------------------ people

    def profile(self, pseudonym: str) -> Profile | None:
        return self.people.profile(pseudonym)

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
        def work(session: Session) -> bool:
            respondent = find_respondent(session, pseudonym)
            if respondent is None:
                return False
            set_reminder_preferences(session, respondent, **preferences)
            return True

        self._once(key, work)
        return self.people.profile(pseudonym)

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
        self, pseudonym: str, text: str, key: UpdateKey, *, ask_offer: bool
    ) -> FreeTextResult | Duplicate:
        """A message outside a check-in: safeguarding first, then the local offer if asked."""

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
                    ),
                )
                if outcome is not None:
                    return FreeTextResult(
                        safeguarding_reply=outcome.reply, alert_id=outcome.alert_id
                    )
            if not ask_offer or self.offer is None:
                return FreeTextResult()
            answer = self.offer.ask(text)
            log_offer_answer(
                session,
                text,
                answer,
                channel=CHANNEL,
                asker_tag=self.people.offer_asker(pseudonym),
            )
            return FreeTextResult(offer_reply=answer.reply_text())

        return self._once(key, work)

    # ------------------------------------------------------------------ you said

    def you_said(self, limit: int = 5) -> list[tuple[str, str]]:
        with transaction(self.sessions) as session:
            return [(post.you_said, post.we_did) for post in latest_posts(session, limit)]
