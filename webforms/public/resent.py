"""A chat message posted again, and the help it was given, shown again.

Without JavaScript a reload of the chat makes the browser post the last form again,
with the same words and the same one-off nonce (webforms/public/cookies.py). The chat
already knows such a post: its nonce is recorded once in `processed_updates`, in the
same transaction as what the message did (surveys/engine.py `_once`, for check-in
answers; offer_answers.ask_offer, for words typed outside one). A post whose nonce was
recorded before is the same message again, and changes nothing.

If that message raised help, the page must still show it: a child who told us they are
not safe and reloads still sees 999 and Childline, and "would you like someone to get
in touch?". Nothing about the message is kept but what was already stored for it: the
alert, raised in the same transaction as its nonce, for this person, with their words
(or the answer they chose). The help is drawn again from that alert (its category and
level) in the person's language; nothing is raised or stored again. Saying the same
thing again later is a new form, with a new nonce, and raises an alert as ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.safeguarding import (
    PLEASE_READ,
    detect,
    other_language,
    please_read_reply,
    safeguarding_reply,
)
from analysis.safeguarding.detector import Disclosure
from storage.models import ProcessedUpdate, SafeguardingAlert
from storage.text import storable_text
from surveys.safeguarding_seam import help_in, help_language, reply_language

# An alert is raised in the same transaction as its message's nonce is recorded, after
# it (the check takes a moment): it is looked for from a little before the nonce's time
# (clocks of two workers) to a while after (a slow first check, a model loading).
SLACK_BEFORE = timedelta(seconds=5)
RAISED_WITHIN = timedelta(minutes=10)
CHOSEN_WITHIN = timedelta(seconds=30)  # an answer chosen is checked at once, with no model
# What check_closed_answer records as what fired for an answer chosen (not typed).
CHOSEN_ANSWER = "survey answer:"


@dataclass(frozen=True)
class HelpAgain:
    """The help a message was given, drawn again for the alert it raised."""

    text: str
    urgent: bool
    alert_id: int


def recorded_at(session: Session, update_key: tuple[str, str | int]) -> datetime | None:
    """When this post's nonce was first recorded, or None if it never was."""
    channel, update_id = update_key
    return session.scalar(
        select(ProcessedUpdate.processed_at).where(
            ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == str(update_id)
        )
    )


def earlier_alert(
    session: Session,
    update_key: tuple[str, str | int],
    pseudonym: str,
    text: str | None,
) -> SafeguardingAlert | None:
    """The alert the first post of this message raised: this person's, raised with the
    post's nonce, for the same words (`text`), or, for an answer chosen with a button
    (`text` None), the alert that answer raised. None if it raised none (or the words
    are not the same: then they are a new message, and are checked as one)."""
    when = recorded_at(session, update_key)
    if when is None:
        return None
    within = CHOSEN_WITHIN if text is None else RAISED_WITHIN
    query = select(SafeguardingAlert).where(
        SafeguardingAlert.pseudonym == pseudonym,
        SafeguardingAlert.created_at >= when - SLACK_BEFORE,
        SafeguardingAlert.created_at <= when + within,
    )
    if text is None:
        query = query.where(SafeguardingAlert.detected_by.startswith(CHOSEN_ANSWER))
    else:
        # as the chat stored them: typed in a check-in as sent, outside one trimmed
        said = {storable_text(text[:4000]), storable_text(text.strip()[:4000])}
        query = query.where(SafeguardingAlert.text.in_(said))
    return session.scalars(query.order_by(SafeguardingAlert.id).limit(1)).first()


def help_again(
    alert: SafeguardingAlert, text: str | None, cohort: str | None, language: str
) -> HelpAgain:
    """The help `alert`'s message was given, in the language it was given in (the one
    chosen, else the one the words are written in, else English: as check_free_text)."""
    written_in = other_language(text) if text else None
    if alert.category == PLEASE_READ:
        said, _ = help_in(
            reply_language(language, written_in),
            lambda code: please_read_reply(cohort, language=code),
        )
        return HelpAgain(said, False, alert.id)
    # The housing help is added for homelessness found beside the category filed.
    found = detect(text) if text else None
    categories = [alert.category]
    if found is not None and found.flag:
        categories += [c for c in found.categories if c != alert.category]
    disclosure = Disclosure(
        category=alert.category,
        level="urgent" if alert.level == "urgent" else "concern",
        categories=categories,
        matched=[],
        lexicon_version=alert.lexicon_version or "",
    )
    code = help_language(language, text) if text else reply_language(language)
    said, _ = help_in(code, lambda c: safeguarding_reply(disclosure, cohort, language=c))
    return HelpAgain(said, alert.level == "urgent", alert.id)
