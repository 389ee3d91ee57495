"""A way back to the person: after telling Heard they may not be safe, would they like
someone to get in touch, and how?

It is asked kindly and once per alert, never required, and not again within a day of an
answer for another alert (ContactDesk.carry_over). The answer lives only on the
alert: whether they want contact in the open (the queue shows it), and how to reach
them (first name, their worker's name, a phone number, or their Telegram chat)
sealed with a key kept outside the database (storage.sealing), opened only for the
safeguarding role's alert page. Every channel checks what is typed the same way here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from analysis.safeguarding.replies import CONTACT_PROBLEM_DEFAULTS, contact_wording
from storage.alert_history import line as history_line
from storage.alerts import add_history, record_contact
from storage.db import transaction
from storage.models import SafeguardingAlert, utcnow
from storage.sealing import ContactDetails, ContactSeal, SealError
from storage.text import storable_text
from surveys import languages
from surveys.messages import load_messages, normalise

NAME_MAX = 60
WORKER_MAX = 80
PHONE_MAX = 25
# A UK number has 10 or 11 digits (0 and 10 more, or +44 and 10); a few more allow an
# extension or a number from abroad. Fewer than 7 digits cannot be called.
PHONE_DIGITS = range(7, 16)
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-]+$")

# In English; in another language from analysis/safeguarding/replies.<code>.yaml.
NEED_ONE = CONTACT_PROBLEM_DEFAULTS["contact_need_one"]
BAD_PHONE = CONTACT_PROBLEM_DEFAULTS["contact_bad_phone"]
TOO_LONG = CONTACT_PROBLEM_DEFAULTS["contact_too_long"]
# After a second worrying message soon after the first, "would you like someone to get in
# touch?" is not asked again: an answer they gave (yes or no) for another alert in the
# last day stands for the new one too. A day: long enough that a person pouring out
# several worries in one evening is asked once, short enough that tomorrow, when things
# may have changed, they are asked afresh.
ANSWER_STANDS_FOR = timedelta(hours=24)
# What ContactDesk.record did.
RECORDED, REFUSED, ANSWERED_BEFORE = "recorded", "refused", "answered before"


@dataclass(frozen=True)
class ContactProblems:
    """What to put right, by field ("first_name", "worker", "phone", "" for the form)."""

    errors: dict[str, str]

    def __bool__(self) -> bool:
        return bool(self.errors)


def _clean(text: str | None) -> str:
    """One line of plain text: no control characters, spaces squeezed."""
    text = storable_text(text or "")
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(text.split())


def check_contact(
    first_name: str | None,
    worker: str | None,
    phone: str | None,
    *,
    language: str = languages.DEFAULT,
) -> tuple[ContactDetails, ContactProblems]:
    """The details as they will be stored, and anything to put right first (said in
    `language` where Heard has the words)."""
    wording = contact_wording(language=languages.resolve(language))
    too_long, bad_phone, need_one = wording.too_long, wording.bad_phone, wording.need_one
    details = ContactDetails(
        first_name=_clean(first_name), worker=_clean(worker), phone=_clean(phone)
    )
    errors: dict[str, str] = {}
    if len(details.first_name) > NAME_MAX:
        errors["first_name"] = too_long
    if len(details.worker) > WORKER_MAX:
        errors["worker"] = too_long
    if details.phone:
        digits = sum(ch.isdigit() for ch in details.phone)
        if (
            len(details.phone) > PHONE_MAX
            or not _PHONE_CHARS.match(details.phone)
            or digits not in PHONE_DIGITS
        ):
            errors["phone"] = bad_phone
    if details.empty and not errors:
        errors[""] = need_one
    return details, ContactProblems(errors)


def read_contact_answer(text: str | None, language: str = languages.DEFAULT) -> bool | None:
    """A typed answer to "would you like someone to get in touch?": True (yes), False
    (no) or None (not clearly either, so ask again with the buttons). Read in the
    person's language and in English: the buttons' own words ("نعم، من فضلك"), or any
    yes or no the check-in understands in that language ("نعم", "هو", "no thanks")."""
    if text is None or not text.strip():
        return None
    code = languages.resolve(language)
    said = normalise(text)
    for in_language in dict.fromkeys((code, languages.DEFAULT)):
        wording = contact_wording(language=in_language)
        if said == normalise(wording.yes):
            return True
        if said == normalise(wording.no):
            return False
    for in_language in dict.fromkeys((code, languages.DEFAULT)):
        decision = load_messages(language=in_language).yes_or_no(text)
        if decision is not None:
            return decision
    return None


@dataclass(frozen=True)
class ContactView:
    """What the safeguarding role's alert page shows about getting in touch."""

    wanted: bool | None
    answered_at: datetime | None
    details: ContactDetails | None
    unreadable: bool = False


class ContactDesk:
    """Records a person's answer on their own alert, and opens it for the safeguarding
    role. The alert must be theirs: a pseudonym that is not the alert's changes nothing.
    `timezone` is the council's (HEARD_TIMEZONE): the lines it adds to an alert's history
    are in it, as the staff pages write theirs."""

    def __init__(
        self, sessions: sessionmaker[Session], key: bytes, *, timezone: str = "UTC"
    ) -> None:
        self._sessions = sessions
        self._seal = ContactSeal(key)
        self._timezone = timezone

    def answer(
        self,
        alert_id: int,
        *,
        pseudonym: str | None,
        wanted: bool,
        details: ContactDetails | None = None,
    ) -> bool:
        """True if recorded. `pseudonym` None: the caller proved the alert is this
        person's another way (a signed token only they were shown)."""
        with transaction(self._sessions) as session:
            return (
                self.record(session, alert_id, pseudonym=pseudonym, wanted=wanted, details=details)
                == RECORDED
            )

    def record(
        self,
        session: Session,
        alert_id: int,
        *,
        pseudonym: str | None,
        wanted: bool,
        details: ContactDetails | None = None,
        first_answer_only: bool = False,
    ) -> str:
        """`answer` in the caller's transaction (the bot records its update key in the
        same one): RECORDED, REFUSED (no such alert, or not theirs) or, with
        `first_answer_only`, ANSWERED_BEFORE (a second press of a question's buttons)."""
        alert = session.get(SafeguardingAlert, alert_id)
        if alert is None or (pseudonym is not None and alert.pseudonym != pseudonym):
            return REFUSED
        if first_answer_only and alert.contact_answered_at is not None:
            return ANSWERED_BEFORE
        sealed = self._seal.seal(details) if wanted and details and not details.empty else None
        record_contact(session, alert, wanted=wanted, sealed=sealed, timezone=self._timezone)
        return RECORDED

    def answer_standing(self, alert_id: int, *, pseudonym: str | None = None) -> bool | None:
        """`carry_over` in a transaction of its own."""
        with transaction(self._sessions) as session:
            return self.carry_over(session, alert_id, pseudonym=pseudonym)

    def carry_over(
        self,
        session: Session,
        alert_id: int,
        *,
        pseudonym: str | None = None,
        when: datetime | None = None,
    ) -> bool | None:
        """Before asking "would you like someone to get in touch?" for this alert: if the
        same person answered it for another alert within ANSWER_STANDS_FOR, that answer
        (and how to reach them, still sealed) is recorded on this one too, as given then,
        and returned (True: yes, False: no); None: ask. The time it was given is kept, so
        a copied answer never stretches the day."""
        alert = session.get(SafeguardingAlert, alert_id)
        if alert is None or (pseudonym is not None and alert.pseudonym != pseudonym):
            return None
        since = (when or utcnow()) - ANSWER_STANDS_FOR
        earlier = session.scalars(
            select(SafeguardingAlert)
            .where(
                SafeguardingAlert.pseudonym == alert.pseudonym,
                SafeguardingAlert.id != alert.id,
                SafeguardingAlert.contact_wanted.is_not(None),
                SafeguardingAlert.contact_answered_at >= since,
            )
            .order_by(SafeguardingAlert.contact_answered_at.desc(), SafeguardingAlert.id.desc())
            .limit(1)
        ).first()
        if earlier is None or earlier.contact_wanted is None:
            return None
        if alert.contact_answered_at is None:
            record_contact(
                session,
                alert,
                wanted=earlier.contact_wanted,
                sealed=earlier.contact_sealed,
                when=earlier.contact_answered_at,
                timezone=self._timezone,
            )
            now = when or utcnow()
            said = "yes, please" if earlier.contact_wanted else "no, thank you"
            what = (
                f"get in touch: not asked again; their answer for alert {earlier.id} "
                f"within the last day ({said}) stands"
            )
            add_history(session, alert, history_line(now, self._timezone, "Heard", what))
        return alert.contact_wanted

    def view(self, alert: SafeguardingAlert) -> ContactView:
        if alert.contact_answered_at is None:
            return ContactView(wanted=None, answered_at=None, details=None)
        details = None
        unreadable = False
        if alert.contact_sealed:
            try:
                details = self._seal.open(alert.contact_sealed)
            except SealError:
                unreadable = True
        return ContactView(
            wanted=alert.contact_wanted,
            answered_at=alert.contact_answered_at,
            details=details,
            unreadable=unreadable,
        )
