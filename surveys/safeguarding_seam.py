"""The one place every typed message passes through before Heard replies.

If the words suggest a child may not be safe, an alert is raised in the same
transaction as the answer and the person gets a calm reply with help at once.

The help is in the person's language where Heard has it (`reply_language`): the one they
chose (the page's language, the bot's /language), else the language the message is
written in, else English. The alert itself is always for staff, in English.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
from analysis.safeguarding.language import Language
from analysis.safeguarding.replies import has_replies
from storage.alerts import raise_alert
from storage.datafiles import DataFileError
from storage.models import SafeguardingAlert
from surveys import languages
from surveys.definition import Question


@dataclass(frozen=True)
class FreeTextContext:
    pseudonym: str
    channel: str
    cohort: str | None
    age_band: str | None
    survey_id: str | None = None
    question_id: str | None = None
    # The language the person chose (surveys.languages code): the help is shown in it.
    language: str = languages.DEFAULT


@dataclass(frozen=True)
class SafeguardingOutcome:
    reply: str
    alert_id: int | None
    urgent: bool
    category: str
    language: str = languages.DEFAULT  # the language `reply` is in
    # Found by the statistical second opinion alone, with no lexicon rule: the words may
    # well be an ordinary question ("how do i get on the pill"), so a channel may answer
    # it under the help when the local offer is sure of the answer.
    model_only: bool = False


log = logging.getLogger(__name__)


def help_in(language: str, words: Callable[[str], str]) -> tuple[str, str]:
    """The help in `language`, or in English if its file cannot be read: the alert is
    already raised in this transaction and must never be lost to a translation."""
    if language != languages.DEFAULT:
        try:
            return words(language), language
        except DataFileError as exc:
            log.error("safeguarding help in %s unreadable, English shown: %s", language, exc)
    return words(languages.DEFAULT), languages.DEFAULT


def reply_language(chosen: str | None, written_in: Language | None = None) -> str:
    """The language to help someone in: the one they chose, if Heard ships it and has
    the help in it; else the language their message is written in, on the same terms;
    else English. Choosing English and writing in Arabic gets the help in Arabic."""
    code = languages.resolve(chosen)
    if code != languages.DEFAULT and languages.is_shipped(code) and has_replies(code):
        return code
    if written_in is not None:
        code = languages.resolve(written_in.code)
        if languages.is_shipped(code) and has_replies(code):
            return code
    return languages.DEFAULT


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
    language = help_language(context.language, text)
    alert = _raise(
        session,
        context,
        text,
        disclosure.category or "unknown",
        disclosure.level or "concern",
        disclosure.detected_by,
        lexicon_version=disclosure.lexicon_version,
    )
    reply, language = help_in(
        language, lambda code: safeguarding_reply(disclosure, context.cohort, language=code)
    )
    return SafeguardingOutcome(
        reply=reply,
        alert_id=alert.id,
        urgent=disclosure.level == "urgent",
        category=alert.category,
        language=language,
        model_only=disclosure.source == "model",
    )


def offer_answer_beside_help(category: str | None, model_only: bool) -> bool:
    """Whether a local-offer answer the offer is sure of may go beside the help these
    words raised (never "not sure": it would read as if they had not been heard).

    Beside a "please read" (words in another language), yes: the question is answered
    now, not after an interpreter has read it. Beside a disclosure only the model found
    (no lexicon rule; often an ordinary question, "how do i get on the pill"), yes, under
    the help. Beside a lexicon match, no: the offer matches words, and "my carer hits me"
    would find "keeping in touch with your carers". Only a "please read" question is
    logged for the participation team; a disclosure's words belong in the alerts queue."""
    return category == PLEASE_READ or model_only


def help_language(chosen: str | None, text: str) -> str:
    """The language to help in after these words: the one chosen, or, when that is
    English (or cannot be helped in), the one the words are written in."""
    return reply_language(chosen, _written_in(text, chosen))


def _written_in(text: str, chosen: str | None) -> Language | None:
    """The message's language, looked for only when the chosen one will not do (the
    detector costs a little, and English words detected by the English lexicon are
    usually just English)."""
    if reply_language(chosen) != languages.DEFAULT:
        return None
    return other_language(text)


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
    alert = _raise(
        session,
        context,
        f'Chose "{words}" for "{question.text}"',
        signal.category,
        "concern",
        f"survey answer: {context.survey_id or '?'} {question.id}",
    )
    reply, language = help_in(
        reply_language(context.language),
        lambda code: safeguarding_reply(disclosure, context.cohort, language=code),
    )
    return SafeguardingOutcome(
        reply=reply,
        alert_id=alert.id,
        urgent=False,
        category=alert.category,
        language=language,
    )


def _please_read(
    session: Session, text: str, context: FreeTextContext
) -> SafeguardingOutcome | None:
    """Words in a language Heard cannot read: a person reads them, with an interpreter."""
    language = other_language(text)
    if language is None:
        return None
    alert = _raise(session, context, text, PLEASE_READ, "concern", language.detected_by)
    reply, said_in = help_in(
        reply_language(context.language, language),
        lambda code: please_read_reply(context.cohort, language=code),
    )
    return SafeguardingOutcome(
        reply=reply,
        alert_id=alert.id,
        urgent=False,
        category=PLEASE_READ,
        language=said_in,
    )


def _raise(
    session: Session,
    context: FreeTextContext,
    text: str,
    category: str,
    level: str,
    detected_by: str,
    *,
    lexicon_version: str | None = None,
) -> SafeguardingAlert:
    """The alert row, never sampled or delayed: who, where, the words, and what fired."""
    return raise_alert(
        session,
        pseudonym=context.pseudonym,
        text=text[:4000],
        category=category,
        level=level,
        channel=context.channel,
        cohort=context.cohort,
        age_band=context.age_band,
        lexicon_version=lexicon_version,
        detected_by=detected_by,
    )
