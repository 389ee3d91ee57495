"""The people who answer: registering, profiles, seeing and erasing their own data.

Channels come here rather than to storage, so that the privacy rules (keyed-hash
ids, an age band never a birth date, erasure of every row) live in one place.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from storage.audit import audit
from storage.db import transaction
from storage.models import AGE_BANDS, COHORTS, Respondent
from storage.pseudonym import pseudonymise
from storage.reminders import set_reminder_preferences
from storage.respondents import (
    erase_respondent,
    export_respondent,
    find_respondent,
    get_or_create_respondent,
    set_profile,
)

# Which age bands each group may choose; an 11-year-old picks 11-17.
AGE_BANDS_FOR = {
    "child_in_care": ("4-7", "8-11", "11-17"),
    "care_leaver": ("16-25",),
    "carer": ("adult",),
}


class ProfileError(ValueError):
    """A cohort or age band that Heard does not use; the message says which are allowed."""


@dataclass(frozen=True)
class Profile:
    pseudonym: str
    cohort: str | None
    age_band: str | None
    consent_version: str | None
    quote_consent: bool
    reminders_on: bool
    reminder_every_days: int
    quiet_start: str
    quiet_end: str

    @property
    def complete(self) -> bool:
        return bool(self.cohort and self.age_band)


def _profile(respondent: Respondent) -> Profile:
    return Profile(
        pseudonym=respondent.pseudonym,
        cohort=respondent.cohort,
        age_band=respondent.age_band,
        consent_version=respondent.consent_version,
        quote_consent=respondent.quote_consent,
        reminders_on=respondent.reminders_enabled and not respondent.opted_out,
        reminder_every_days=respondent.reminder_every_days,
        quiet_start=respondent.quiet_start,
        quiet_end=respondent.quiet_end,
    )


def check_profile(cohort: str, age_band: str) -> None:
    if cohort not in COHORTS:
        raise ProfileError(f"cohort must be one of {', '.join(COHORTS)}")
    if age_band not in AGE_BANDS or age_band not in AGE_BANDS_FOR[cohort]:
        raise ProfileError(
            f"age band for {cohort} must be one of {', '.join(AGE_BANDS_FOR[cohort])}"
        )


class People:
    def __init__(self, sessions: sessionmaker[Session], pseudonym_key: bytes) -> None:
        self.sessions = sessions
        self.key = pseudonym_key

    def pseudonym(self, channel: str, external_id: str | int) -> str:
        return pseudonymise(self.key, channel, external_id)

    def offer_asker(self, pseudonym: str) -> str:
        """The tag on someone's local-offer questions: erasure and export find them by it,
        but without the pseudonym key nobody can tell whose they are."""
        message = f"offer-asker|{pseudonym}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def register(self, pseudonym: str, channel: str) -> Profile:
        with transaction(self.sessions) as session:
            return _profile(get_or_create_respondent(session, pseudonym, channel))

    def profile(self, pseudonym: str) -> Profile | None:
        with transaction(self.sessions) as session:
            respondent = find_respondent(session, pseudonym)
            return _profile(respondent) if respondent else None

    def set_profile(self, pseudonym: str, channel: str, *, cohort: str, age_band: str) -> Profile:
        check_profile(cohort, age_band)
        with transaction(self.sessions) as session:
            respondent = get_or_create_respondent(session, pseudonym, channel)
            set_profile(session, respondent, cohort=cohort, age_band=age_band)
            return _profile(respondent)

    def set_reminders(
        self,
        pseudonym: str,
        *,
        on: bool | None = None,
        every_days: int | None = None,
        quiet_start: str | None = None,
        quiet_end: str | None = None,
    ) -> Profile | None:
        with transaction(self.sessions) as session:
            respondent = find_respondent(session, pseudonym)
            if respondent is None:
                return None
            set_reminder_preferences(
                session,
                respondent,
                on=on,
                every_days=every_days,
                quiet_start=quiet_start,
                quiet_end=quiet_end,
            )
            return _profile(respondent)

    def export(self, pseudonym: str) -> dict[str, Any] | None:
        """Everything held about this person, for them (/mydata) or a subject access request."""
        with transaction(self.sessions) as session:
            respondent = find_respondent(session, pseudonym)
            if respondent is None:
                return None
            return export_respondent(session, respondent, offer_asker=self.offer_asker(pseudonym))

    def erase(self, pseudonym: str, *, actor: str = "self") -> bool:
        """Remove every row about the person; safeguarding records stay for their retention time."""
        with transaction(self.sessions) as session:
            respondent = find_respondent(session, pseudonym)
            if respondent is None:
                return False
            counts = erase_respondent(session, respondent, offer_asker=self.offer_asker(pseudonym))
            audit(session, actor, "erase", target="respondent", rows=sum(counts.values()))
            return True
