"""The conversation engine: one survey flow for Telegram, the web form and the web chat.

It knows nothing about any channel. A channel hands it what the person typed or
pressed and shows the Reply it gets back. Every answer is committed before the
Reply is built, so nothing acknowledged to a child can be lost, and state lives
in the database, so any process can carry on any conversation.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from analysis.safeguarding.replies import load_replies
from storage.comments import add_comment
from storage.db import transaction
from storage.models import Respondent, SurveySession, utcnow
from storage.respondents import find_respondent, set_profile
from storage.surveys import (
    close_idle_sessions,
    delete_session,
    last_completed_at,
    open_session_for,
    remove_answers,
    respondent_with_open_session,
    save_answer,
    session_answers,
    start_session,
    survey_version_hash,
)
from storage.updates import first_delivery
from surveys import languages
from surveys.definition import Question, Survey
from surveys.matching import is_plain_answer, match_answer
from surveys.messages import Messages, load_messages
from surveys.safeguarding_seam import (
    FreeTextContext,
    SafeguardingHook,
    SafeguardingOutcome,
    check_closed_answer,
    check_free_text,
)
from surveys.translations import localise
from surveys.versions import record_version

CONSENT = "@consent"
QUOTE = "@quote"
CONTINUE = "@continue"
QUOTE_LONGEST = 500  # characters: longer is never read as a yes or no at a yes-or-no step
PULSE = "pulse"
FULL_CHECKIN_EVERY = timedelta(days=180)
T = TypeVar("T")
_Words = tuple[dict[str, Survey], dict[str, Survey], Messages]
_LATIN = re.compile(r"[A-Za-z]")


class EngineError(Exception):
    """A channel asked for something impossible (e.g. no profile yet)."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    emoji: str | None = None
    symbol: str | None = None  # a picture's name (webforms/static/symbols/<symbol>.svg)

    @property
    def display(self) -> str:
        return f"{self.emoji} {self.label}" if self.emoji else self.label


@dataclass(frozen=True)
class Prompt:
    """What to ask next, and how a channel may show it."""

    step: str
    text: str
    type: str
    choices: tuple[Choice, ...] = ()
    easy_text: str | None = None
    multiple: bool = False
    optional: bool = False
    position: int = 0
    total: int = 0
    current_answer: str | list[str] | None = None
    max_length: int | None = None

    @property
    def progress(self) -> str:
        return f"{self.position} of {self.total}" if self.total else ""

    @property
    def is_question(self) -> bool:
        return not self.step.startswith("@")


@dataclass(frozen=True)
class Reply:
    """Everything a channel shows after one input, in order: messages, then the prompt."""

    state: str
    messages: tuple[str, ...] = ()
    prompt: Prompt | None = None
    session_id: int | None = None
    survey_id: str | None = None
    accepted: bool = True
    alert_id: int | None = None
    alert_urgent: bool = False
    extras: dict[str, Any] = field(default_factory=dict)


def encode_value(value: str | list[str]) -> str:
    return ",".join(value) if isinstance(value, list) else value


def decode_value(question: Question, stored: str) -> str | list[str]:
    if question.type == "multi":
        return [part for part in stored.split(",") if part]
    return stored


class ConversationEngine:
    """Start, resume and advance check-ins, one committed step at a time.

    Every public method takes `language` (a surveys.languages code, default "en"): the
    questions, choices and messages come back in that language (English wherever a
    translation is missing), typed answers are read in it, and each answer is stored
    with it. The channel keeps the person's choice and passes it on every call.
    """

    language: str = languages.DEFAULT

    def __init__(
        self,
        sessions: sessionmaker[Session],
        catalogue: Mapping[str, Survey],
        *,
        safeguarding: SafeguardingHook | None = check_free_text,
        messages: Messages | None = None,
        idle_days: int = 14,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.catalogue = dict(catalogue)
        self.by_hash = {survey.content_hash: survey for survey in catalogue.values()}
        self.safeguarding = safeguarding
        self.messages = messages or load_messages()
        self.idle = timedelta(days=idle_days)
        self.clock = clock
        self._version_ids: dict[str, int] = {}
        # Stored versions never change (content-addressed), so id -> hash is cached for good.
        self._hash_of_version: dict[int, str] = {}
        # Per language: the catalogue, the same by content hash, and the messages.
        self._words: dict[str, _Words] = {
            languages.DEFAULT: (self.catalogue, self.by_hash, self.messages)
        }
        self._messages_given = messages is not None
        # Every shipped language up front: a broken translation file stops start-up with
        # its file, item and fix, rather than a child's check-in half way through.
        for code in languages.shipped_codes():
            self._words_in(code)
            load_replies(language=code)  # and the safeguarding help in it

    def _words_in(self, code: str) -> _Words:
        found = self._words.get(code)
        if found is None:
            catalogue, by_hash, messages = self._words[languages.DEFAULT]
            found = (
                {sid: localise(s, code) for sid, s in catalogue.items()},
                {h: localise(s, code) for h, s in by_hash.items()},
                messages if self._messages_given else load_messages(language=code),
            )
            self._words[code] = found
        return found

    def speaking(self, language: str | None) -> ConversationEngine:
        """This engine in another language: the same database, caches, clock and
        safeguarding (as they are now), with the catalogue and messages in `language`
        (an unknown code is English). Cheap: a shallow copy over cached words."""
        code = languages.resolve(language)
        if code == self.language:
            return self
        other = copy.copy(self)
        other.language = code
        other.catalogue, other.by_hash, other.messages = self._words_in(code)
        return other

    # ------------------------------------------------------------------ public

    def due_survey(self, session: Session, respondent: Respondent) -> Survey | None:
        """The full check-in for their age band if none in six months, else the pulse."""
        offered = [
            s
            for s in self.catalogue.values()
            if respondent.cohort in s.audience.cohorts
            and respondent.age_band in s.audience.age_bands
        ]
        full = [s for s in offered if s.id != PULSE]
        pulse = next((s for s in offered if s.id == PULSE), None)
        if full:
            last = last_completed_at(session, respondent.id, [s.id for s in full])
            if last is None or last < self.clock() - FULL_CHECKIN_EVERY or pulse is None:
                return full[0]
        return pulse

    def begin(
        self,
        pseudonym: str,
        *,
        channel: str,
        survey_id: str | None = None,
        invite_id: int | None = None,
        update_key: tuple[str, str | int] | None = None,
        language: str = languages.DEFAULT,
    ) -> Reply:
        """Resume the person's open check-in, or start the one that is due."""
        if (speaker := self.speaking(language)) is not self:
            return speaker.begin(
                pseudonym,
                channel=channel,
                survey_id=survey_id,
                invite_id=invite_id,
                update_key=update_key,
                language=language,
            )
        return self._in_transaction(
            self._once(
                update_key,
                lambda session: self._begin(session, pseudonym, channel, survey_id, invite_id),
            )
        )

    def handle(
        self,
        pseudonym: str,
        *,
        text: str | None = None,
        choice: str | None = None,
        step: str | None = None,
        session_id: int | None = None,
        update_key: tuple[str, str | int] | None = None,
        language: str = languages.DEFAULT,
    ) -> Reply:
        """Take one typed message or button press and move the conversation on.

        `update_key` (channel, update id) makes a redelivered update change nothing:
        it is recorded in the same transaction as the answer it carries.
        """
        if (speaker := self.speaking(language)) is not self:
            return speaker.handle(
                pseudonym,
                text=text,
                choice=choice,
                step=step,
                session_id=session_id,
                update_key=update_key,
                language=language,
            )
        return self._in_transaction(
            self._once(
                update_key,
                lambda session: self._handle(session, pseudonym, text, choice, step, session_id),
            )
        )

    def handle_if_active(
        self,
        pseudonym: str,
        text: str,
        *,
        update_key: tuple[str, str | int] | None,
        language: str = languages.DEFAULT,
    ) -> Reply | None:
        """Typed text taken as an answer only if a check-in is active, or as "carry on" if
        one is paused and the words ask for that; else None, nothing recorded, so the
        channel treats it as free text. One transaction, not a `current` look first and a
        `handle` after."""
        if (speaker := self.speaking(language)) is not self:
            return speaker.handle_if_active(
                pseudonym, text, update_key=update_key, language=language
            )

        def work(session: Session) -> Reply | None:
            found = self._open_session(session, pseudonym, None)
            if found is None:
                return None
            if found[1].state == "paused" and self.messages.asks_to_resume(text):
                return self._once(update_key, lambda s: self._resume(s, found))(session)
            if found[1].state != "active":
                return None
            answer = self._once(
                update_key, lambda s: self._handle_found(s, found, text, None, None)
            )
            return answer(session)

        return self._in_transaction(work)

    def _resume(self, session: Session, found: tuple[Respondent, SurveySession, Survey]) -> Reply:
        respondent, survey_session, survey = found
        now = self.clock()
        survey_session.state = "active"
        survey_session.updated_at = now
        respondent.last_active_at = now
        return self._reply(
            session, respondent, survey_session, survey, (self.messages.welcome_back,)
        )

    def press(
        self,
        pseudonym: str,
        session_id: int,
        read: Callable[[Prompt], tuple[str | None, str | None]],
        *,
        update_key: tuple[str, str | int],
        language: str = languages.DEFAULT,
    ) -> tuple[Prompt | None, Reply | None]:
        """A button press in one transaction: the question it was pressed on, what `read`
        makes of it there (text, choice; may raise ValueError for nonsense) and its answer.

        Prompt None: no open check-in for it. Reply None: `read` gave nothing to save, and
        nothing is recorded, as with a `current` look. The update key is recorded only with
        an answer, after the stale checks, as `handle` did after `current`."""
        if (speaker := self.speaking(language)) is not self:
            return speaker.press(
                pseudonym, session_id, read, update_key=update_key, language=language
            )

        def work(session: Session) -> tuple[Prompt | None, Reply | None]:
            found = self._open_session(session, pseudonym, session_id)
            if found is None:
                return None, None
            answers = self._answers(session, found[1], found[2])
            prompt = self._prompt(session, found[1], found[2], answers)
            text, choice = read(prompt)
            if text is None and choice is None:
                return prompt, None
            answer = self._once(
                update_key,
                lambda s: self._handle_found(s, found, text, choice, prompt.step, answers),
            )
            return prompt, answer(session)

        return self._in_transaction(work)

    def answer_step(
        self,
        pseudonym: str,
        step: str,
        *,
        text: str | None = None,
        choice: str | None = None,
        update_key: tuple[str, str | int] | None = None,
        language: str = languages.DEFAULT,
    ) -> Reply:
        """A form's answer to the question `step`, in one transaction.

        A page submitted for a question no longer showing (another tab, the back button)
        gets the current question with a "that one has moved on" note, and nothing saved;
        a resubmitted page (same `update_key`) gets where the person is now. Saves the
        web form a `current` look before every `handle`."""
        if (speaker := self.speaking(language)) is not self:
            return speaker.answer_step(
                pseudonym, step, text=text, choice=choice, update_key=update_key,
                language=language,
            )  # fmt: skip

        def work(session: Session) -> Reply:
            found = self._open_session(session, pseudonym, None)
            if found is None:
                return Reply(
                    state="none", messages=(self.messages.no_open_checkin,), accepted=False
                )
            respondent, survey_session, survey = found
            answers = self._answers(session, survey_session, survey)
            if step != (survey_session.current_question_id or ""):
                notes = (self.messages.stale_button,)
                return self._reply(
                    session, respondent, survey_session, survey, notes, False, answers=answers
                )
            answer = self._once(
                update_key,
                lambda s: self._handle_found(s, found, text, choice, step, answers),
            )
            reply = answer(session)
            if reply.state == "duplicate":
                # The same page landed first through another request (a double tap spread
                # over two workers): waiting on its update key let it commit, so read
                # afresh and show where it left them, not what this request read before.
                session.expire_all()
                return self._look(session, pseudonym, None)
            return reply

        return self._in_transaction(work)

    def current(
        self, pseudonym: str, session_id: int | None = None, language: str = languages.DEFAULT
    ) -> Reply:
        """Where the person is now, without changing anything."""
        if (speaker := self.speaking(language)) is not self:
            return speaker.current(pseudonym, session_id, language)
        return self._in_transaction(lambda session: self._look(session, pseudonym, session_id))

    def _look(self, session: Session, pseudonym: str, session_id: int | None) -> Reply:
        found = self._open_session(session, pseudonym, session_id)
        if found is None:
            return Reply(state="none", messages=(self.messages.no_open_checkin,))
        respondent, survey_session, survey = found
        return self._reply(session, respondent, survey_session, survey)

    # ------------------------------------------------------------------ flow

    def _in_transaction(self, work: Callable[[Session], T]) -> T:
        """Commit first, reply after. A clash with a parallel press is retried once."""
        for attempt in range(2):
            try:
                with transaction(self.sessions) as session:
                    return work(session)
            except IntegrityError:
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _once(
        update_key: tuple[str, str | int] | None, work: Callable[[Session], Reply]
    ) -> Callable[[Session], Reply]:
        """`work` only for an update not seen before, recorded in the same transaction."""
        if update_key is None:
            return work
        key = update_key

        def once(session: Session) -> Reply:
            if not first_delivery(session, *key):
                return Reply(state="duplicate", accepted=False)
            return work(session)

        return once

    def _begin(
        self,
        session: Session,
        pseudonym: str,
        channel: str,
        survey_id: str | None,
        invite_id: int | None,
    ) -> Reply:
        respondent = find_respondent(session, pseudonym)
        if respondent is None or not respondent.cohort or not respondent.age_band:
            raise EngineError(self.messages.needs_profile)
        now = self.clock()
        close_idle_sessions(session, now - self.idle)
        existing = open_session_for(session, respondent.id, survey_id)
        notes: list[str] = []
        if existing is not None:
            survey = self._survey_of(session, existing)
            if survey is not None:
                existing.state = "active"
                existing.updated_at = now
                respondent.last_active_at = now
                return self._reply(
                    session, respondent, existing, survey, (self.messages.welcome_back,)
                )
            existing.state = "partial"
            notes.append(self.messages.new_version)
            survey_id = survey_id or existing.survey_id
        survey = (
            self.catalogue.get(survey_id) if survey_id else self.due_survey(session, respondent)
        )
        if survey is None:
            raise EngineError(f"no survey {survey_id!r} for this person")
        version = record_version(session, survey)
        needs_consent = not self._has_consent(respondent)
        first = CONSENT if needs_consent else survey.questions[0].id
        survey_session = start_session(
            session,
            respondent_id=respondent.id,
            version=version,
            channel=channel,
            first_question_id=first,
            invite_id=invite_id,
            when=now,
        )
        respondent.last_active_at = now
        intro = [] if needs_consent else [self._opening(survey, channel)]
        return self._reply(session, respondent, survey_session, survey, (*notes, *intro))

    def _has_consent(self, respondent: Respondent) -> bool:
        """Consent given to the words any survey for their group shows today counts for all
        of them: the surveys' consent texts say the same thing, so the pulse straight after
        a full check-in doesn't ask again. Change the words, and everyone is asked again."""
        current = {
            survey.consent_version
            for survey in self.catalogue.values()
            if respondent.cohort in survey.audience.cohorts
        }
        return respondent.consent_version in current

    def consent_prompt(self, survey: Survey, channel: str, language: str | None = None) -> Prompt:
        """The first question of a check-in, as the channel shows it. Pure: a web page can
        show it to someone who has only opened a link, before anything is stored.
        `language`: None means this engine's own (English unless called via `speaking`)."""
        if language is not None and (speaker := self.speaking(language)) is not self:
            return speaker.consent_prompt(survey, channel)
        survey = localise(survey, self.language)
        m = self.messages
        consent = f"{survey.consent} {m.hints(channel).see_or_delete}".strip()
        return Prompt(
            step=CONSENT,
            text=f"{self._opening(survey, channel)}\n\n{consent}\n\n{m.consent_question}",
            type="confirm",
            choices=(Choice("yes", m.consent_yes), Choice("no", m.consent_no)),
        )

    def _opening(self, survey: Survey, channel: str) -> str:
        """The survey's own opening, then how to answer in this channel."""
        how = self.messages.hints(channel).how_to_answer
        return f"{survey.intro}\n\n{how}" if how else survey.intro

    def _handle(
        self,
        session: Session,
        pseudonym: str,
        text: str | None,
        choice: str | None,
        step: str | None,
        session_id: int | None,
    ) -> Reply:
        found = self._open_session(session, pseudonym, session_id)
        if found is None:
            return Reply(state="none", messages=(self.messages.no_open_checkin,), accepted=False)
        return self._handle_found(session, found, text, choice, step)

    def _handle_found(
        self,
        session: Session,
        found: tuple[Respondent, SurveySession, Survey],
        text: str | None,
        choice: str | None,
        step: str | None,
        answers: dict[str, str | list[str]] | None = None,
    ) -> Reply:
        """`answers`: the session's answers if the caller has just read them."""
        respondent, survey_session, survey = found
        now = self.clock()
        survey_session.updated_at = now
        respondent.last_active_at = now
        was_paused = survey_session.state == "paused"
        if was_paused:
            survey_session.state = "active"
        current = survey_session.current_question_id or ""
        if choice is not None and step != current:
            return self._reply(
                session, respondent, survey_session, survey, (self.messages.stale_button,), False
            )
        command = self.messages.command(text) if choice is None else None
        if command == "help":
            how = self.messages.hints(survey_session.channel).how_to_answer
            shown = f"{self.messages.help}\n\n{how}" if how else self.messages.help
            return self._reply(session, respondent, survey_session, survey, (shown,), False)
        if command == "stop":
            return self._pause(survey_session, survey)
        outcome = None
        if (
            text is not None
            and command is None
            and self.safeguarding is not None
            and not self._plain_answer(survey, current, text)
            and not self._answer_that_signals(survey, current, text)
        ):
            outcome = self.safeguarding(
                session, text, self._context(respondent, survey_session, survey, current)
            )
        if outcome is not None:
            return self._after_disclosure(session, respondent, survey_session, survey, outcome)
        if was_paused and choice is None:
            # They paused, so the question is no longer on screen: show it again
            # rather than take this message as its answer.
            return self._reply(
                session, respondent, survey_session, survey, (self.messages.welcome_back,), False
            )
        if current in (CONSENT, QUOTE, CONTINUE):
            decision = self._yes_or_no(current, text, choice)
            if decision is None:
                unclear = self._unclear(current) if choice is None else self.messages.not_an_option
                return self._reply(session, respondent, survey_session, survey, (unclear,), False)
            step_handler = {
                CONSENT: self._consent,
                QUOTE: self._quote,
                CONTINUE: self._continue,
            }
            return step_handler[current](session, respondent, survey_session, survey, decision)
        return self._question(
            session, respondent, survey_session, survey, command, text, choice, now, answers
        )

    def _after_disclosure(
        self,
        session: Session,
        respondent: Respondent,
        survey_session: SurveySession,
        survey: Survey,
        outcome: SafeguardingOutcome,
    ) -> Reply:
        """Help first, and the words are never taken as an answer ("i dont want to go home"
        is not "No"). In a question, the check-in waits on "carry on?"; afterwards the same
        question is asked again, or for words typed into a free-text box, the next one."""
        current = survey_session.current_question_id or ""
        if current not in (CONSENT, QUOTE, CONTINUE):
            question = survey.question(current)
            history = list(survey_session.history)
            resume_at: str | None = current
            if question.type == "text":
                history = [h for h in history if h.get("q") != current]
                history.append({"q": current, "skipped": True})
                answers = self._answers(session, survey_session, survey)
                resume_at = self._next_step(survey, answers, history, after=current)
            survey_session.history = [*history, {"q": CONTINUE, "next": resume_at}]
            survey_session.current_question_id = CONTINUE
        # Not accepted: the words were not taken as an answer (the help is not an error).
        reply = self._reply(session, respondent, survey_session, survey, (outcome.reply,), False)
        return replace(reply, alert_id=outcome.alert_id, alert_urgent=outcome.urgent)

    def _yes_or_no(self, step: str, text: str | None, choice: str | None) -> bool | None:
        """A yes or no at "Is that OK?", "Can we use your words?" or "carry on?", or None
        when it is not clearly one ("not bothered", "ok no"): nothing is taken then, and
        consent is never assumed.

        A typed answer the yes and no words don't cover ("ye thats fine", "dont quote me",
        "no problem") is read as answers to questions are (surveys.matching), carefully:
        a "not" or "dont" anywhere, or a number, never reads as yes."""
        if choice is not None:
            return self.messages.yes_or_no(choice)
        if len((text or "").strip()) > QUOTE_LONGEST:
            return None  # a long message is not an answer to a yes or no
        decision = self.messages.yes_or_no(text)
        if decision is not None or text is None:
            return decision
        result = match_answer(self._step_reading(step), text, self.language, careful=True)
        return {"yes": True, "no": False}.get(str(result.value)) if result.ok else None

    def _unclear(self, step: str) -> str:
        """What to say to typed words that are not clearly yes or no at a yes-or-no step:
        its own two buttons, named ("that isn't one of the choices" is for a button)."""
        m = self.messages
        if step == QUOTE:
            return m.quote_unclear
        yes, no = (
            (m.consent_yes, m.consent_no) if step == CONSENT else (m.continue_yes, m.continue_no)
        )
        return m.step_unclear.replace("{yes}", yes).replace("{no}", no)

    def _step_reading(self, step: str) -> Question:
        """A yes-or-no step as a question of the surveys' kind (surveys.messages)."""
        m = self.messages
        if step == QUOTE:
            return m.quote_reading
        if step == CONSENT:
            return m.step_reading(CONSENT, m.consent_question, m.consent_yes, m.consent_no)
        return m.step_reading(CONTINUE, m.continue_question, m.continue_yes, m.continue_no)

    # ------------------------------------------------------------------ steps

    def _consent(
        self,
        session: Session,
        respondent: Respondent,
        survey_session: SurveySession,
        survey: Survey,
        decision: bool,
    ) -> Reply:
        if not decision:
            delete_session(session, survey_session)
            return Reply(state="declined", messages=(self.messages.consent_declined,))
        set_profile(session, respondent, consent_version=survey.consent_version, when=self.clock())
        survey_session.current_question_id = QUOTE
        return self._reply(session, respondent, survey_session, survey)

    def _quote(
        self,
        session: Session,
        respondent: Respondent,
        survey_session: SurveySession,
        survey: Survey,
        decision: bool,
    ) -> Reply:
        respondent.quote_consent = decision
        survey_session.current_question_id = survey.questions[0].id
        return self._reply(session, respondent, survey_session, survey)

    def _continue(
        self,
        session: Session,
        respondent: Respondent,
        survey_session: SurveySession,
        survey: Survey,
        decision: bool,
    ) -> Reply:
        if not decision:
            return self._pause(survey_session, survey)
        history = list(survey_session.history)
        marker = history.pop() if history and history[-1].get("q") == CONTINUE else {}
        survey_session.history = history
        answers = self._answers(session, survey_session, survey)
        survey_session.current_question_id = marker.get("next") or self._next_step(
            survey, answers, history
        )
        if survey_session.current_question_id is None:
            return self._complete(survey_session, survey)
        return self._reply(session, respondent, survey_session, survey)

    def _question(
        self,
        session: Session,
        respondent: Respondent,
        survey_session: SurveySession,
        survey: Survey,
        command: str | None,
        text: str | None,
        choice: str | None,
        now: datetime,
        read: dict[str, str | list[str]] | None = None,
    ) -> Reply:
        """`now` is the update's one timestamp: a second one would cost a second UPDATE.
        `read`: the session's answers, if the caller has just read them."""
        question = survey.question(survey_session.current_question_id or "")
        history = list(survey_session.history)
        if command == "back":
            return self._back(session, respondent, survey_session, survey, history)
        if command is None and choice is None and question.optional and not (text or "").strip():
            command = "skip"  # Next on an empty optional box is a skip, not an error
        if command == "skip":
            if not question.optional:
                rather_not = "prefer_not_to_say" in question.values
                message = (
                    self.messages.skip_not_allowed
                    if rather_not
                    else self.messages.skip_not_allowed_no_rather_not
                )
                return self._reply(session, respondent, survey_session, survey, (message,), False)
            # skipping a question they had answered (after Back) takes that answer back
            remove_answers(session, survey_session.id, [question.id])
            history.append({"q": question.id, "skipped": True})
            return self._advance(session, respondent, survey_session, survey, history, question)
        value = self._read(question, text, choice)
        if isinstance(value, str) and value.startswith("\0"):
            return self._reply(session, respondent, survey_session, survey, (value[1:],), False)
        assert value is not None
        stored = encode_value(value)
        # Read once, before saving: it tells save_answer whether a row exists, and with
        # this answer added it is what _advance needs. Nothing pending changes the answers,
        # so no autoflush: the session's row is then written once, at commit.
        if read is not None:
            answers = dict(read)
        else:
            with session.no_autoflush:
                answers = self._answers(session, survey_session, survey)
        answer = save_answer(
            session,
            survey_session,
            question_id=question.id,
            value=stored,
            is_kpi=question.kpi,
            satisfied_or_better=question.is_satisfied_or_better(value) if question.kpi else None,
            language=self.language,
            when=now,
            known_new=question.id not in answers,
            flush=question.type == "text",  # the comment needs the answer's id
        )
        answers[question.id] = value
        if question.type == "text":
            add_comment(
                session,
                respondent_id=respondent.id,
                answer_id=answer.id,
                survey_id=survey.id,
                question_id=question.id,
                text=stored,
                channel=survey_session.channel,
                cohort=respondent.cohort,
                age_band=respondent.age_band,
                quote_consent=respondent.quote_consent,
                when=now,
            )
        history = [h for h in history if h.get("q") != question.id]
        history.append({"q": question.id})
        signal = None
        if self.safeguarding is not None and question.signals_risk(value):
            english = survey.english.question(question.id)  # staff read alerts in English
            signal = check_closed_answer(
                session,
                english,
                self._answer_words(english, value),
                self._context(respondent, survey_session, survey, question.id),
            )
        reply = self._advance(
            session, respondent, survey_session, survey, history, question, answers
        )
        if signal is None:
            return reply
        return self._with_help(reply, signal)

    def _plain_answer(self, survey: Survey, step: str, text: str) -> bool:
        """In another language, a message that is exactly an answer ("نعم", "مبسوط كتير")
        is taken as one, not sent to a person to read: Heard reads disclosures in English
        only, so anything more than an answer still goes to a person (`check_free_text`).
        Words in Latin letters always go through the English checks, as in English."""
        if self.language == languages.DEFAULT or _LATIN.search(text):
            return False
        if step in (CONSENT, QUOTE, CONTINUE):
            # exactly a button's words or a listed phrase ("لا مشكلة"), or a yes or no
            return (
                is_plain_answer(self._step_reading(step), text, self.language)
                or self.messages.yes_or_no(text) is not None
            )
        try:
            question = survey.question(step)
        except KeyError:
            return False
        return is_plain_answer(question, text, self.language)

    def _answer_that_signals(self, survey: Survey, step: str, text: str) -> bool:
        """Whether a message is exactly one of the question's answers (its listed words)
        and one its safety signal marks: "not safe" or "unsafe" to "Do you feel safe where
        you live?". It is taken as that answer, so it is kept and the signal shows the help
        and raises the alert, rather than being read as words and the question asked again.
        Anything more ("not safe, he hits me") is still read as words first."""
        if step in (CONSENT, QUOTE, CONTINUE):
            return False
        try:
            question = survey.question(step)
        except KeyError:
            return False
        if question.safety_signal is None or not is_plain_answer(question, text, self.language):
            return False
        result = match_answer(question, text, self.language)
        return result.ok and question.signals_risk(result.value)

    def _context(
        self, respondent: Respondent, survey_session: SurveySession, survey: Survey, step: str
    ) -> FreeTextContext:
        """Who said it, where and in which language (the help is shown in it), for the
        safeguarding seam (typed words and answers)."""
        return FreeTextContext(
            pseudonym=respondent.pseudonym,
            channel=survey_session.channel,
            cohort=respondent.cohort,
            age_band=respondent.age_band,
            survey_id=survey.id,
            question_id=step,
            language=self.language,
        )

    @staticmethod
    def _with_help(reply: Reply, outcome: SafeguardingOutcome) -> Reply:
        """After an answer that signals risk: the help first, above whatever comes next.
        The answer was theirs to give, so the check-in goes on (they can stop any time)."""
        return replace(
            reply,
            messages=(outcome.reply, *reply.messages),
            alert_id=outcome.alert_id,
            alert_urgent=outcome.urgent,
        )

    @staticmethod
    def _answer_words(question: Question, value: str | list[str]) -> str:
        values = [value] if isinstance(value, str) else value
        return ", ".join(option.label if (option := question.option(v)) else v for v in values)

    def _read(self, question: Question, text: str | None, choice: str | None) -> str | list[str]:
        """The answer's value, or a re-ask message prefixed with NUL."""
        if choice is not None:
            value: str | list[str] = (
                [part for part in choice.split(",") if part] if question.type == "multi" else choice
            )
            if question.type == "text" or not question.is_valid_answer(value):
                return "\0" + self.messages.not_an_option
            return value
        if not (text or "").strip() and question.type != "text":
            # A form posted with nothing chosen: say so plainly, not "didn't get that".
            many = question.type == "multi"
            return "\0" + (
                self.messages.nothing_chosen_many if many else self.messages.nothing_chosen
            )
        result = match_answer(question, text or "", self.language)
        if not result.ok or result.value is None:
            return "\0" + (result.reask or self.messages.not_an_option)
        return result.value

    def _advance(
        self,
        session: Session,
        respondent: Respondent,
        survey_session: SurveySession,
        survey: Survey,
        history: list[dict[str, Any]],
        question: Question,
        answers: dict[str, str | list[str]] | None = None,
    ) -> Reply:
        """`answers`, when the caller has just read them (and added its own), saves a read."""
        if answers is None:
            answers = self._answers(session, survey_session, survey)
        visible = {q.id for q in survey.visible_questions(answers)}
        hidden = [qid for qid in answers if qid not in visible]
        if hidden:
            remove_answers(session, survey_session.id, hidden)
            history = [h for h in history if h.get("q") not in hidden]
            answers = {k: v for k, v in answers.items() if k not in hidden}
        survey_session.history = history
        next_step = self._next_step(survey, answers, history, after=question.id)
        survey_session.current_question_id = next_step
        if next_step is None:
            return self._complete(survey_session, survey)
        return self._reply(session, respondent, survey_session, survey, answers=answers)

    def _back(
        self,
        session: Session,
        respondent: Respondent,
        survey_session: SurveySession,
        survey: Survey,
        history: list[dict[str, Any]],
    ) -> Reply:
        current = survey_session.current_question_id
        earlier = [h for h in history if h.get("q") != current and h.get("q") != CONTINUE]
        order = [q.id for q in survey.questions]
        before = [h for h in earlier if order.index(h["q"]) < order.index(current or order[0])]
        if not before:
            return self._reply(
                session, respondent, survey_session, survey, (self.messages.cannot_go_back,), False
            )
        previous = max(before, key=lambda h: order.index(h["q"]))
        survey_session.current_question_id = previous["q"]
        answers = session_answers(session, survey_session.id)
        question = survey.question(previous["q"])
        if previous["q"] in answers:
            shown = self._describe(question, answers[previous["q"]])
            note = self.messages.went_back.format(answer=shown)
        else:
            note = self.messages.went_back_skipped
        return self._reply(session, respondent, survey_session, survey, (note,))

    def _pause(self, survey_session: SurveySession, survey: Survey) -> Reply:
        survey_session.state = "paused"
        return Reply(
            state="paused",
            messages=(self.messages.paused,),
            session_id=survey_session.id,
            survey_id=survey.id,
        )

    def _complete(self, survey_session: SurveySession, survey: Survey) -> Reply:
        survey_session.state = "completed"
        survey_session.completed_at = self.clock()
        survey_session.current_question_id = None
        return Reply(
            state="completed",
            messages=(self.messages.thanks,),
            session_id=survey_session.id,
            survey_id=survey.id,
        )

    # ------------------------------------------------------------------ helpers

    def _open_session(
        self, session: Session, pseudonym: str, session_id: int | None
    ) -> tuple[Respondent, SurveySession, Survey] | None:
        respondent, survey_session = respondent_with_open_session(session, pseudonym)
        if respondent is None:
            return None
        if session_id is not None and (survey_session is None or survey_session.id != session_id):
            candidate = session.get(SurveySession, session_id)
            if candidate is None or candidate.respondent_id != respondent.id:
                return None
            if candidate.state not in ("active", "paused"):
                return None
            survey_session = candidate
        if survey_session is None:
            return None
        if survey_session.updated_at < self.clock() - self.idle:
            survey_session.state = "partial"
            return None
        survey = self._survey_of(session, survey_session)
        if survey is None:
            return None
        return respondent, survey_session, survey

    def _survey_of(self, session: Session, survey_session: SurveySession) -> Survey | None:
        """The definition a session was started under; one query per version per process."""
        version_id = survey_session.survey_version_id
        content_hash = self._hash_of_version.get(version_id)
        if content_hash is None:
            content_hash = survey_version_hash(session, version_id)
            if content_hash is None:
                return None
            self._hash_of_version[version_id] = content_hash
        return self.by_hash.get(content_hash)

    def _answers(
        self, session: Session, survey_session: SurveySession, survey: Survey
    ) -> dict[str, str | list[str]]:
        stored = session_answers(session, survey_session.id)
        return {
            qid: decode_value(survey.question(qid), value)
            for qid, value in stored.items()
            if any(q.id == qid for q in survey.questions)
        }

    @staticmethod
    def _next_step(
        survey: Survey,
        answers: Mapping[str, Any],
        history: list[dict[str, Any]],
        after: str | None = None,
    ) -> str | None:
        """The first visible question after `after` not yet answered or skipped."""
        handled = {h.get("q") for h in history}
        order = [q.id for q in survey.questions]
        start = order.index(after) + 1 if after in order else 0
        visible = survey.visible_questions(answers)
        for question in visible:
            if order.index(question.id) >= start and question.id not in handled:
                return question.id
        for question in visible:  # anything earlier left unanswered (after `back`)
            if question.id not in handled:
                return question.id
        return None

    @staticmethod
    def _describe(question: Question, stored: str) -> str:
        """An answer in the words the person saw: "Sometimes", never "s, o, m, e, ..."."""
        if question.type == "text":
            return f'"{stored}"'
        decoded = decode_value(question, stored)
        values = decoded if isinstance(decoded, list) else [decoded]
        labels = []
        for value in values:
            option = question.option(value)
            labels.append(option.display if option else value)
        return ", ".join(labels)

    def _reply(
        self,
        session: Session,
        respondent: Respondent,
        survey_session: SurveySession,
        survey: Survey,
        messages: tuple[str, ...] = (),
        accepted: bool = True,
        *,
        answers: dict[str, str | list[str]] | None = None,
    ) -> Reply:
        """`answers`, when the caller has just read them, saves reading them again."""
        prompt = self._prompt(session, survey_session, survey, answers)
        return Reply(
            state=survey_session.state,
            messages=messages,
            prompt=prompt,
            session_id=survey_session.id,
            survey_id=survey.id,
            accepted=accepted,
        )

    def _prompt(
        self,
        session: Session,
        survey_session: SurveySession,
        survey: Survey,
        answers: dict[str, str | list[str]] | None = None,
    ) -> Prompt:
        step = survey_session.current_question_id or ""
        m = self.messages
        if step == CONSENT:
            return self.consent_prompt(survey, survey_session.channel)
        confirms = {
            QUOTE: (m.quote_question, m.quote_yes, m.quote_no),
            CONTINUE: (m.continue_question, m.continue_yes, m.continue_no),
        }
        if step in confirms:
            text, yes, no = confirms[step]
            return Prompt(
                step=step,
                text=text,
                type="confirm",
                choices=(Choice("yes", yes), Choice("no", no)),
            )
        question = survey.question(step)
        if answers is None:
            answers = self._answers(session, survey_session, survey)
        # "Question 9 of 25": the total is every question the survey can ask, so it never
        # changes as answers open or close a branch; a closed branch moves the count on.
        order = [q.id for q in survey.questions]
        position = order.index(step) + 1
        return Prompt(
            step=step,
            text=question.text,
            easy_text=question.easy_text,
            type=question.type,
            choices=tuple(Choice(o.value, o.label, o.emoji, o.symbol) for o in question.options),
            multiple=question.type == "multi",
            optional=question.optional,
            position=position,
            total=len(order),
            current_answer=answers.get(step),
            max_length=question.max_length,
        )
