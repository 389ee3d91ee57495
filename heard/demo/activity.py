"""A synthetic year and a half of check-ins, answers and comments for one council.

Rows stream out in batches so that a million answers never sit in memory.
Satisfaction follows a log-odds model with a trend over the period and effects
for age band, home and locality, so the reports have something true to show.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from heard.demo.equality import Described, EqualityAnswers
from heard.demo.population import Person
from storage.datafiles import load_yaml
from surveys.definition import EQUALITY_QUESTIONS, Question, Survey

COMMENTS_FILE = Path(__file__).with_name("comments.yaml")
LONDON = ZoneInfo("Europe/London")
PULSE = "pulse"
FULL_ROUND_EVERY_MONTHS = 6
# How often each theme comes up when a child writes (friendship first, then
# stability: the Ambassadors' order, G25 §12.4).
THEME_WEIGHT = {"friendship": 3.0, "stability": 2.4, "trusted_adults": 2.0, "housing": 2.5}


@dataclass
class Batch:
    """Rows to insert together, in foreign-key order."""

    respondents: list[dict[str, Any]] = field(default_factory=list)
    invites: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    first_month: date
    months: int

    def month(self, index: int) -> date:
        year, month = divmod(self.first_month.month - 1 + index, 12)
        return date(self.first_month.year + year, month + 1, 1)

    def fraction(self, index: int) -> float:
        return index / max(1, self.months - 1)


@dataclass
class Ids:
    respondent: int = 0
    invite: int = 0
    session: int = 0
    answer: int = 0
    comment: int = 0

    def next(self, name: str) -> int:
        value = getattr(self, name) + 1
        setattr(self, name, value)
        return value


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _question_effect(question_id: str) -> float:
    """A stable per-question lean, so some questions run lower than others."""
    digest = hashlib.sha256(question_id.encode()).digest()
    return (digest[0] / 255 - 0.5) * 0.8


class ActivityGenerator:
    """Turns a population and a catalogue into batches of rows."""

    def __init__(
        self,
        config: dict[str, Any],
        catalogue: dict[str, Survey],
        version_ids: dict[str, int],
        pseudonym: Any,
        seed: int,
        period: Period,
        batch_answers: int = 20_000,
    ) -> None:
        self.config = config
        self.catalogue = catalogue
        self.version_ids = version_ids
        self.pseudonym = pseudonym
        self.rng = random.Random(seed + 1)
        self.period = period
        self.batch_answers = batch_answers
        self.ids = Ids()
        self.phrases = load_yaml(COMMENTS_FILE)
        self._invite_batches: dict[tuple[int, str], str] = {}
        self.equality = EqualityAnswers(config.get("equality"), catalogue.values(), seed)

    def surveys_for(self, person: Person) -> tuple[list[Survey], Survey | None]:
        """The full check-ins and the monthly pulse this person is offered."""
        full: list[Survey] = []
        pulse: Survey | None = None
        for survey in self.catalogue.values():
            audience = survey.audience
            if person.cohort not in audience.cohorts or person.age_band not in audience.age_bands:
                continue
            if survey.id == PULSE:
                pulse = survey
            else:
                full.append(survey)
        return full, pulse

    def batches(self, people: list[Person]) -> Iterator[Batch]:
        batch = Batch()
        for person in people:
            self._person(person, batch)
            if len(batch.answers) >= self.batch_answers:
                yield batch
                batch = Batch()
        if batch.respondents or batch.answers:
            yield batch

    def _person(self, person: Person, batch: Batch) -> None:
        rid = self.ids.next("respondent")
        full, pulse = self.surveys_for(person)
        asked = self.equality.asks([*full, pulse])
        described = self.equality.describe(person) if asked else {}
        joined = self.rng.randrange(0, max(1, self.period.months // 3))
        first_seen = self._moment(self.period.month(joined))
        batch.respondents.append(
            {
                "id": rid,
                "pseudonym": self.pseudonym(person.number),
                "channel": person.channel,
                "cohort": person.cohort,
                "age_band": person.age_band,
                "placement_type": person.placement_type,
                "locality": person.locality,
                "consent_version": "1",
                "consented_at": first_seen,
                "quote_consent": person.quote_consent,
                "reminders_enabled": person.channel == "telegram",
                "reminder_every_days": 30,
                "quiet_start": "21:00",
                "quiet_end": "08:00",
                "opted_out": False,
                "blocked": False,
                "last_reminded_at": None,
                "created_at": first_seen,
                "last_active_at": first_seen,
            }
        )
        last_active = first_seen
        for month_index in range(joined, self.period.months):
            due: list[Survey] = []
            round_month = (month_index - 1) % FULL_ROUND_EVERY_MONTHS == 0
            if round_month:
                due.extend(full)
            if pulse is not None and person.channel == "telegram" and not round_month:
                due.append(pulse)
            for survey in due:
                invite_id = None
                if person.channel == "web":
                    invite_id = self._invite(batch, month_index, survey, person)
                if self.rng.random() >= self._response_rate(person, month_index):
                    continue
                when = self._moment(self.period.month(month_index))
                if invite_id is not None:
                    invite = batch.invites[-1]
                    invite["first_used_at"], invite["respondent_id"] = when, rid
                session = self._session(batch, rid, person, survey, month_index, when, described)
                last_active = max(last_active, session)
                if invite_id is not None:
                    batch.sessions[-1]["invite_id"] = invite_id
        batch.respondents[-1]["last_active_at"] = last_active

    def _invite(self, batch: Batch, month_index: int, survey: Survey, person: Person) -> int:
        label = f"{self.period.month(month_index):%Y-%m}-{survey.id}"
        invite_id = self.ids.next("invite")
        token = self.rng.getrandbits(128).to_bytes(16, "big")
        batch.invites.append(
            {
                "id": invite_id,
                "token_hash": hashlib.sha256(token).hexdigest(),
                "batch": label,
                "survey_id": survey.id,
                "cohort": person.cohort,
                "age_band": person.age_band,
                "open_link": False,
                "created_at": self._moment(self.period.month(month_index), hour=9),
                "first_used_at": None,
                "respondent_id": None,
                "device_hash": None,
            }
        )
        return invite_id

    def _response_rate(self, person: Person, month_index: int) -> float:
        base = float(self.config["response_rate"][person.age_band])
        gain = float(self.config.get("response_rate_gain_over_period", 0.0))
        rate = (base + gain * self.period.fraction(month_index)) * person.engagement
        return min(0.95, max(0.02, rate))

    def _satisfaction_odds(self, person: Person, month_index: int) -> float:
        start = float(self.config["satisfied_start"])
        end = float(self.config["satisfied_end"])
        trend = start + (end - start) * self.period.fraction(month_index)
        effects = self.config.get("placement_effect", {})
        odds = _logit(trend) + float(self.config["group_effect"].get(person.age_band, 0.0))
        odds += float(effects.get(person.placement_type, 0.0))
        odds += float(effects.get(person.locality, 0.0))
        return odds + person.latent

    def _session(
        self,
        batch: Batch,
        rid: int,
        person: Person,
        survey: Survey,
        month_index: int,
        when: datetime,
        described: Described,
    ) -> datetime:
        sid = self.ids.next("session")
        odds = self._satisfaction_odds(person, month_index) + self.rng.gauss(0, 0.3)
        is_recent = month_index == self.period.months - 1
        stop_after = None
        if self.rng.random() < float(self.config.get("partial_rate", 0.08)):
            stop_after = self.rng.randint(1, max(1, len(survey.questions) - 1))
        answers: dict[str, Any] = {}
        moment = when
        satisfied_count = kpi_count = 0
        for question in survey.questions:
            if stop_after is not None and len(answers) >= stop_after:
                break
            if question.show_if is not None and not _visible(survey, question, answers):
                continue
            # equality answers draw from their own stream, leaving the rest as it was
            equality = question.id in EQUALITY_QUESTIONS
            value: str | list[str] | None
            if equality:
                value = self.equality.answer(described, question.id)
            else:
                value = self._value(question, odds)
            if value is None:
                continue
            rng = self.equality.rng if equality else self.rng
            moment += timedelta(seconds=rng.randint(4, 40))
            answers[question.id] = value
            sob = question.is_satisfied_or_better(value) if question.kpi else None
            if sob is not None:
                kpi_count += 1
                satisfied_count += int(sob)
            stored = ",".join(value) if isinstance(value, list) else value
            aid = self.ids.next("answer")
            batch.answers.append(
                {
                    "id": aid,
                    "session_id": sid,
                    "respondent_id": rid,
                    "survey_version_id": self.version_ids[survey.id],
                    "survey_id": survey.id,
                    "question_id": question.id,
                    "value": stored,
                    "is_kpi": question.kpi,
                    "satisfied_or_better": sob,
                    "answered_at": moment,
                    "channel": person.channel,
                }
            )
            if question.type == "text":
                mood = satisfied_count / kpi_count if kpi_count else _sigmoid(odds)
                batch.answers[-1]["value"] = stored = self._comment(person, mood, month_index)
                batch.comments.append(
                    {
                        "id": self.ids.next("comment"),
                        "answer_id": aid,
                        "respondent_id": rid,
                        "survey_id": survey.id,
                        "question_id": question.id,
                        "channel": person.channel,
                        "cohort": person.cohort,
                        "age_band": person.age_band,
                        "text": stored,
                        "quote_consent": person.quote_consent,
                        "themes": None,
                        "polarity": None,
                        "subjectivity": None,
                        "analysed_at": None,
                        "text_removed_at": None,
                        "created_at": moment,
                    }
                )
        if stop_after is None:
            state, completed = "completed", moment
        else:
            state, completed = ("paused" if is_recent else "partial"), None
        visible_ids = [q.id for q in survey.questions if q.id in answers]
        batch.sessions.append(
            {
                "id": sid,
                "respondent_id": rid,
                "survey_version_id": self.version_ids[survey.id],
                "survey_id": survey.id,
                "channel": person.channel,
                "state": state,
                "current_question_id": None,
                "history": visible_ids,
                "invite_id": None,
                "started_at": when,
                "updated_at": moment,
                "completed_at": completed,
            }
        )
        return moment

    def _value(self, question: Question, odds: float) -> str | list[str] | None:
        rng = self.rng
        values = [option.value for option in question.options]
        if question.type == "text":
            return "" if rng.random() < float(self.config.get("comment_rate", 0.45)) else None
        if question.optional and rng.random() < 0.03:
            return None
        if "prefer_not_to_say" in values and rng.random() < 0.015:
            return "prefer_not_to_say"
        p = _sigmoid(odds + _question_effect(question.id))
        happy = rng.random() < p
        if question.type in ("satisfaction5", "faces5"):
            if happy:
                return "5" if rng.random() < 0.45 else "4"
            return rng.choices(["3", "2", "1"], weights=[0.55, 0.3, 0.15])[0]
        if question.type == "yes_sometimes_no":
            if happy:
                return "yes"
            return "sometimes" if rng.random() < 0.6 else "no"
        if question.type == "scale0_10":
            score = round(rng.gauss(3.2 + 6.0 * p, 1.6))
            return str(min(10, max(0, score)))
        choices = [v for v in values if v != "prefer_not_to_say"] or values
        if question.type == "multi":
            return sorted(rng.sample(choices, k=min(len(choices), rng.randint(1, 2))))
        return rng.choice(choices) if choices else None

    def _comment(self, person: Person, mood: float, month_index: int) -> str:
        themes: dict[str, Any] = self.phrases[person.cohort]
        names = list(themes)
        weights = [THEME_WEIGHT.get(name, 1.0) for name in names]
        picked = self.rng.choices(names, weights=weights, k=self.rng.choice((1, 1, 1, 2, 2, 3)))
        parts: list[str] = []
        for theme in dict.fromkeys(picked):
            negative_share = 1 - mood
            if theme == "stability":
                # Fewer complaints about changing workers as the year goes on.
                negative_share = max(0.1, negative_share - 0.3 * self.period.fraction(month_index))
            tone = "negative" if self.rng.random() < negative_share else "positive"
            options = themes[theme].get(tone) or themes[theme].get("positive")
            parts.append(self.rng.choice(options))
        text = " and ".join(parts) if self.rng.random() < 0.5 else ". ".join(parts)
        return text[0].upper() + text[1:] if self.rng.random() < 0.4 else text

    def _moment(self, month: date, hour: int | None = None) -> datetime:
        day = self.rng.randint(1, 28)
        hour = hour if hour is not None else self.rng.randint(8, 20)
        local = datetime(month.year, month.month, day, hour, self.rng.randint(0, 59), tzinfo=LONDON)
        return local.astimezone(UTC)


def _visible(survey: Survey, question: Question, answers: dict[str, Any]) -> bool:
    return any(q.id == question.id for q in survey.visible_questions(answers))
