"""The one place every typed message passes through before Heard replies.

If the words suggest a child may not be safe, an alert is raised in the same
transaction as the answer and the person gets a calm reply with help at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from analysis.safeguarding import (
    PLEASE_READ,
    detect,
    other_language,
    please_read_reply,
    safeguarding_reply,
)
from analysis.safeguarding.detector import Disclosure, lexicon_version
from storage.alerts import raise_alert
from surveys.definition import Question


@dataclass(frozen=True)
class FreeTextContext:
    pseudonym: str
    channel: str
    cohort: str | None
    age_band: str | None
    survey_id: str | None = None
    question_id: str | None = None


@dataclass(frozen=True)
class SafeguardingOutcome:
    reply: str
    alert_id: int | None
    urgent: bool
    category: str


class SafeguardingHook(Protocol):
    def __call__(
        self, session: Session, text: str, context: FreeTextContext
    ) -> SafeguardingOutcome | None: ...


def check_free_text(
    session: Session, text: str, context: FreeTextContext
) -> SafeguardingOutcome | None:
    """Detect, raise the alert (never sampled or delayed) and say what help there is."""
    disclosure = detect(text)
    if disclosure is None or not disclosure.flag:
        return _please_read(session, text, context)
    alert = raise_alert(
        session,
        pseudonym=context.pseudonym,
        text=text[:4000],
        category=disclosure.category or "unknown",
        level=disclosure.level or "concern",
        channel=context.channel,
        cohort=context.cohort,
        age_band=context.age_band,
        lexicon_version=disclosure.lexicon_version,
        detected_by=disclosure.detected_by,
    )
    return SafeguardingOutcome(
        reply=safeguarding_reply(disclosure, context.cohort),
        alert_id=alert.id,
        urgent=disclosure.level == "urgent",
        category=alert.category,
    )


def check_closed_answer(
    session: Session, question: Question, words: str, context: FreeTextContext
) -> SafeguardingOutcome | None:
    """An answer the survey marks as a safety signal ("No" to "Do you feel safe?"): the
    same help as typed words, and a `concern` alert that says what was chosen, where.
    The answer itself still counts: it is what the child said."""
    signal = question.safety_signal
    if signal is None:
        return None
    disclosure = Disclosure(
        category=signal.category,
        level="concern",
        categories=[signal.category],
        matched=[],
        lexicon_version=lexicon_version(),
        source="survey answer",
    )
    alert = raise_alert(
        session,
        pseudonym=context.pseudonym,
        text=f'Chose "{words}" for "{question.text}"',
        category=signal.category,
        level="concern",
        channel=context.channel,
        cohort=context.cohort,
        age_band=context.age_band,
        detected_by=f"survey answer: {context.survey_id or '?'} {question.id}",
    )
    return SafeguardingOutcome(
        reply=safeguarding_reply(disclosure, context.cohort),
        alert_id=alert.id,
        urgent=False,
        category=alert.category,
    )


def _please_read(
    session: Session, text: str, context: FreeTextContext
) -> SafeguardingOutcome | None:
    """Words in a language Heard cannot read: a person reads them, with an interpreter."""
    language = other_language(text)
    if language is None:
        return None
    alert = raise_alert(
        session,
        pseudonym=context.pseudonym,
        text=text[:4000],
        category=PLEASE_READ,
        level="concern",
        channel=context.channel,
        cohort=context.cohort,
        age_band=context.age_band,
        detected_by=f"please read: message in {language.name} ({language.confidence:.2f})",
    )
    return SafeguardingOutcome(
        reply=please_read_reply(context.cohort),
        alert_id=alert.id,
        urgent=False,
        category=PLEASE_READ,
    )
