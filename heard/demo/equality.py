"""How the demo's people describe themselves in the equality questions.

Each person who is asked (11-17s and care leavers, in the catalogue) is drawn once,
from the `equality:` block of population.yaml: their sex, disability, ethnic group and
whether they came to the UK alone, and for each question whether they answer it,
would rather not say, or always skip it. They give that same answer at every check-in
that asks, skipping it now and then, so their latest answer (what reports go by) never
contradicts an earlier one.

The draws come from a stream of their own, seeded from the demo's seed, so the rest of
the demo (who answers when, and how satisfied they are) does not move with them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any

from heard.demo.population import POPULATION_FILE, Person
from storage.datafiles import DataFileError
from surveys.definition import EQUALITY_QUESTIONS, Survey
from surveys.scales import PREFER_NOT_TO_SAY

Described = Mapping[str, str | None]
"""A person's answer to each equality question; None: they always skip it."""

_AGES = ("under_16", "16_and_over")
_ETHNICITY = ("came_alone", "others")


def _weights(block: Any, item: str) -> dict[str, float]:
    if not isinstance(block, Mapping) or not block:
        raise DataFileError(
            POPULATION_FILE, "expected shares by answer", item=item, fix="write {answer: share}"
        )
    try:
        weights = {str(key): float(value) for key, value in block.items()}
    except (TypeError, ValueError):
        raise DataFileError(
            POPULATION_FILE, "every share must be a number", item=item, fix="write {answer: share}"
        ) from None
    if any(w < 0 for w in weights.values()) or not sum(weights.values()):
        raise DataFileError(POPULATION_FILE, "shares must be 0 or more, and not all 0", item=item)
    return weights


def _shares(block: Any, age: str) -> dict[str, float]:
    """The chance of having come to the UK alone, by sex."""
    item = f"equality.came_to_uk_alone.{age}"
    if not isinstance(block, Mapping):
        raise DataFileError(POPULATION_FILE, "expected shares by sex", item=item)
    try:
        shares = {str(key): float(value) for key, value in block.items()}
    except (TypeError, ValueError):
        raise DataFileError(POPULATION_FILE, "every share must be a number", item=item) from None
    if any(not 0 <= share <= 1 for share in shares.values()):
        raise DataFileError(POPULATION_FILE, "each share must be between 0 and 1", item=item)
    return shares


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class EqualityAnswers:
    """Draws each person's description once, then their answer at each check-in."""

    def __init__(
        self, config: Mapping[str, Any] | None, surveys: Iterable[Survey], seed: int
    ) -> None:
        """`config` is population.yaml's `equality:` block; without one nobody answers."""
        self.rng = random.Random(f"heard-demo-equality:{seed}")
        self.enabled = config is not None
        block: Mapping[str, Any] = config or {
            "sex": {"boy_or_man": 1},
            "disability": {"no": 1},
            "ethnicity": {group: {"white": 1} for group in _ETHNICITY},
        }
        self.sex = _weights(block.get("sex"), "equality.sex")
        self.disability = _weights(block.get("disability"), "equality.disability")
        came = block.get("came_to_uk_alone") or {}
        self.came_alone = {age: _shares(came.get(age) or {}, age) for age in _AGES}
        ethnicity = block.get("ethnicity") or {}
        self.ethnicity = {
            group: _weights(ethnicity.get(group), f"equality.ethnicity.{group}")
            for group in _ETHNICITY
        }
        self.rather_not_say = self._share(block, "rather_not_say")
        self.never_answer = self._share(block, "never_answer")
        self.skip = self._share(block, "skip")
        if self.enabled:
            self._check(surveys)

    @staticmethod
    def _share(block: Mapping[str, Any], name: str) -> float:
        try:
            share = float(block.get(name, 0.0))
        except (TypeError, ValueError):
            share = -1.0
        if not 0 <= share <= 1:
            raise DataFileError(
                POPULATION_FILE, "must be a share between 0 and 1", item=f"equality.{name}"
            )
        return share

    def _check(self, surveys: Iterable[Survey]) -> None:
        """Every answer the block names must be one the catalogue offers."""
        offered: dict[str, set[str]] = {}
        for survey in surveys:
            for question in survey.questions:
                if question.id in EQUALITY_QUESTIONS:
                    offered.setdefault(question.id, set()).update(
                        option.value for option in question.options
                    )
        named = {
            "sex": set(self.sex).union(*self.came_alone.values()),
            "disability": set(self.disability),
            "ethnicity": set().union(*self.ethnicity.values()),
            "came_to_uk_alone": {"yes", "no"},
        }
        for name, values in named.items():
            unknown = sorted(values - offered.get(name, values))
            if unknown:
                raise DataFileError(
                    POPULATION_FILE,
                    f"{', '.join(unknown)}: not an answer the catalogue offers",
                    item=f"equality.{name}",
                    fix=f"use {', '.join(sorted(offered[name]))}",
                )

    def asks(self, surveys: Iterable[Survey | None]) -> bool:
        """Whether any of these surveys asks an equality question."""
        return self.enabled and any(
            question.id in EQUALITY_QUESTIONS
            for survey in surveys
            if survey is not None
            for question in survey.questions
        )

    def describe(self, person: Person) -> dict[str, str | None]:
        """How this person answers each equality question, every time they answer it."""
        rng = self.rng
        sex = _pick(rng, self.sex)
        shares = self.came_alone["16_and_over" if person.age >= 16 else "under_16"]
        came_alone = rng.random() < shares.get(sex, 0.0)
        truth = {
            "sex": sex,
            "disability": _pick(rng, self.disability),
            "ethnicity": _pick(rng, self.ethnicity["came_alone" if came_alone else "others"]),
            "came_to_uk_alone": "yes" if came_alone else "no",
        }
        described: dict[str, str | None] = {}
        for name in EQUALITY_QUESTIONS:
            roll = rng.random()
            if roll < self.rather_not_say:
                described[name] = PREFER_NOT_TO_SAY
            elif roll < self.rather_not_say + self.never_answer:
                described[name] = None
            else:
                described[name] = truth[name]
        return described

    def answer(self, described: Described, question_id: str) -> str | None:
        """Their answer at one check-in; None when they skip it this time."""
        value = described.get(question_id)
        if value is None or self.rng.random() < self.skip:
            return None
        return value
