"""Equality breakdowns: sex, disability, ethnicity and coming to the UK alone.

The catalogue asks young people aged 11 and over these questions, always optional,
always with "I'd rather not say" (`surveys.definition.EQUALITY_QUESTIONS`). Each
answer to the measure carries how its person described themselves by the end of
that answer's month (`as_described`), so the measure can be broken down by it.
Someone who skipped the question (or was never asked: carers, children under 11) is
"Not answered", and "I'd rather not say" is its own category, so the categories
always add up to the total, as suppression needs. The answers are never part of the
measure and, being choices, never quoted.

These words are what the tables and sentences say; the stored values are the
catalogue's, the same in every survey.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from surveys.definition import EQUALITY_QUESTIONS
from surveys.scales import PREFER_NOT_TO_SAY

__all__ = [
    "EQUALITY_QUESTIONS",
    "NOT_ANSWERED",
    "ORDER",
    "equality_columns",
    "as_described",
    "value_label",
    "who_words",
]

NOT_ANSWERED = "not_answered"
"""The category of people with no answer to an equality question (skipped, or not asked)."""

# Table words for each answer, in the order tables list them.
_LABELS: dict[str, dict[str, str]] = {
    "sex": {
        "girl_or_woman": "Girls and women",
        "boy_or_man": "Boys and men",
        "another_way": "Describe themselves in another way",
    },
    "disability": {
        "yes": "Disabled or with a long-term health condition",
        "no": "No disability or long-term health condition",
        "not_sure": "Not sure",
    },
    # The ONS harmonised top-level groups: the 19 detailed ones would be too small to show.
    "ethnicity": {
        "asian": "Asian or Asian British",
        "black": "Black, Black British, Caribbean or African",
        "mixed": "Mixed or multiple ethnic groups",
        "white": "White",
        "other": "Other ethnic group",
    },
    "came_to_uk_alone": {
        "yes": "Came to the UK alone",
        "no": "Did not come to the UK alone",
    },
}
_SHARED = {PREFER_NOT_TO_SAY: "Rather not say", NOT_ANSWERED: "Not answered"}

# Sentence words: "answers from people ..." (analysis.kpi's sentences).
_WHO: dict[str, dict[str, str]] = {
    "sex": {
        "girl_or_woman": "who describe themselves as a girl or woman",
        "boy_or_man": "who describe themselves as a boy or man",
        "another_way": "who describe themselves in another way",
        PREFER_NOT_TO_SAY: "who would rather not say if they are a girl, a boy or another way",
        NOT_ANSWERED: "who did not answer the question about sex",
    },
    "disability": {
        "yes": "with a disability or long-term health condition",
        "no": "without a disability or long-term health condition",
        "not_sure": "not sure if they have a disability or long-term health condition",
        PREFER_NOT_TO_SAY: "who would rather not say if they have a disability",
        NOT_ANSWERED: "who did not answer the question about disability",
    },
    "ethnicity": {
        "asian": "who describe their ethnic group as Asian or Asian British",
        "black": "who describe their ethnic group as Black, Black British, Caribbean or African",
        "mixed": "who describe their ethnic group as mixed or multiple",
        "white": "who describe their ethnic group as White",
        "other": "who describe their ethnic group as another group",
        PREFER_NOT_TO_SAY: "who would rather not say their ethnic group",
        NOT_ANSWERED: "who did not answer the question about ethnic group",
    },
    "came_to_uk_alone": {
        "yes": "who came to the UK alone, without a parent or carer",
        "no": "who did not come to the UK alone",
        PREFER_NOT_TO_SAY: "who would rather not say if they came to the UK alone",
        NOT_ANSWERED: "who did not answer whether they came to the UK alone",
    },
}

ORDER: dict[str, tuple[str, ...]] = {
    name: (*_LABELS[name], PREFER_NOT_TO_SAY, NOT_ANSWERED) for name in EQUALITY_QUESTIONS
}
"""Each breakdown's categories in reading order: the answers, then the two left over."""


def value_label(dimension: str, value: str) -> str:
    """How a table shows one category: "Girls and women", "Rather not say"."""
    words = _LABELS.get(dimension, {}).get(value) or _SHARED.get(value)
    return words or value.replace("_", " ").capitalize()


def who_words(dimension: str, value: str) -> str:
    """How a sentence says who a category's people are, after "people"."""
    words = _WHO.get(dimension, {}).get(value)
    return words or f"whose answer about {dimension.replace('_', ' ')} was {value}"


def as_described(
    respondents: pd.Series, month_ends: pd.Series, answers: pd.DataFrame
) -> dict[str, pd.Categorical]:
    """For each answer (its respondent and the end of its local month), how the person
    described themselves by then: their latest answer to each equality question given
    before the end of that month (the check-in's own included), else "Not answered".

    Tied to the answer's month, not to the period being reported, so an answer falls in
    the same category in a month, its quarter and its financial year, and an ended
    month never moves. A question nobody in `answers` has answered stays empty, so
    reports leave it out. `answers` is storage's `answers_to`, oldest first.
    """
    left = pd.DataFrame(
        {
            "row": np.arange(len(respondents)),
            "respondent_id": respondents.to_numpy(dtype="int64"),
            # `.array`, not `.to_numpy()`: an aware column's numpy form is objects, which
            # an empty frame keeps as objects and merge_asof then refuses (a period with
            # no answers, e.g. one far ahead, gave a 500)
            "month_end": month_ends.astype("datetime64[ns, UTC]").array,
        }
    ).sort_values("month_end", kind="stable")
    found: dict[str, pd.Categorical] = {}
    for name in EQUALITY_QUESTIONS:
        mine = answers[answers["question_id"] == name][["respondent_id", "answered_at", "value"]]
        if mine.empty:
            found[name] = pd.Categorical([None] * len(left), categories=list(ORDER[name]))
            continue
        matched = pd.merge_asof(
            left,
            mine.assign(
                value=mine["value"].astype("object"),
                answered_at=mine["answered_at"].astype("datetime64[ns, UTC]"),
            ).sort_values("answered_at", kind="stable"),
            left_on="month_end",
            right_on="answered_at",
            by="respondent_id",
            allow_exact_matches=False,
        ).sort_values("row")
        values = matched["value"].fillna(NOT_ANSWERED).to_numpy()
        extra = sorted(set(values) - set(ORDER[name]))
        found[name] = pd.Categorical(values, categories=[*ORDER[name], *extra])
    return found


def equality_columns(key: Mapping[str, str]) -> list[tuple[str, str]]:
    """The equality dimensions of a cell's key, in catalogue order."""
    return [(name, key[name]) for name in EQUALITY_QUESTIONS if name in key]
