"""The 80% "satisfied or better" measure: counts, Wilson intervals, RAG, trend and sentences.

Two rates, never confused:
- the answer-level rate: satisfied-or-better answers to KPI questions ÷ all
  counted KPI answers ("I'd rather not say" is left out and counted apart);
- the person-level rate: the share of people whose own counted KPI answers in
  the period are mostly (more than half) satisfied or better.

Everything here works on raw counts. Nothing in this module may be published
directly: `analysis.suppression` turns figures into cells a report may show.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.equality import ORDER as EQUALITY_ORDER
from analysis.equality import equality_columns, who_words
from surveys.definition import AGE_BANDS, COHORTS, DOMAINS, Question, ShowIf, Survey

__all__ = [
    "COHORT_WORDS",
    "DOMAIN_WORDS",
    "Comparison",
    "KpiCounts",
    "KpiFigure",
    "Rules",
    "compare",
    "describe",
    "kpi_figures",
    "people_figures",
    "order_key",
    "conditions",
    "shown_answers",
    "percent",
    "percent_text",
    "position",
    "rag",
    "subject_words",
    "two_proportion_test",
    "wilson_interval",
]

Z_95 = 1.959963984540054
"""The normal quantile for a two-sided 95% interval."""
SIGNIFICANCE = 0.05
_EPS = 1e-9  # 0.7 must count as "within 10 points of 80%" despite binary floats

COHORT_WORDS = {
    "child_in_care": "children in care",
    "care_leaver": "care leavers",
    "carer": "foster carers",
}
DOMAIN_WORDS = {
    "relationships": "relationships",
    "rights": "rights and having a say",
    "resilience": "school, hobbies and resilience",
    "recovery": "feelings and wellbeing",
    "home_and_care": "home and care",
    "leaving_care": "leaving care",
    "support_for_carers": "support for foster carers",
}
# Words for the optional "type of home" and "where" fields (Language that Cares:
# a home, not a placement). Unknown values fall back to their own words.
HOME_WORDS = {
    "foster_council": "living with council foster carers",
    "foster_agency": "living with agency foster carers",
    "kinship": "living with family or friends as carers",
    "residential": "living in children's homes",
    "with_parents": "living with their parents",
    "semi_independent": "living in semi-independent homes",
    "own_tenancy": "in their own tenancy",
    "supported_accommodation": "in supported accommodation",
    "staying_put": "staying put with their former foster carers",
    "staying_close": "in Staying Close homes",
    "with_family": "living with family",
    "shared_housing": "in shared housing",
    "temporary": "in temporary accommodation",
    "other": "living in other kinds of home",
}
LOCALITY_WORDS = {
    "in_area": "living in the council's area",
    "out_of_area": "living outside the council's area",
}
NOT_RECORDED = "not recorded"
_CANONICAL = {"cohort": COHORTS, "age_band": AGE_BANDS, "domain": DOMAINS, **EQUALITY_ORDER}


def order_key(dimension: str, value: str) -> tuple[int, int, str]:
    """Tables list cohorts, age bands, domains and equality answers in the catalogue's
    order, then the rest alphabetically, with "not recorded" last."""
    if value == NOT_RECORDED:
        return (2, 0, value)
    known = _CANONICAL.get(dimension, ())
    if value in known:
        return (0, known.index(value), value)
    return (1, 0, value)


@dataclass(frozen=True)
class Rules:
    """What a figure is judged against; from settings, passed in by the caller."""

    target: float = 0.80
    tolerance: float = 0.10
    threshold: int = 5


@dataclass(frozen=True)
class KpiCounts:
    """Raw counts for one cell: `n` counted answers (or people), `satisfied` of them."""

    satisfied: int
    n: int
    not_counted: int = 0
    people: int = 0

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.n if self.n else None


@dataclass(frozen=True)
class KpiFigure:
    """One cell of a breakdown, this period and the period before (raw, unsuppressed)."""

    dimensions: tuple[tuple[str, str], ...]
    current: KpiCounts
    previous: KpiCounts | None = None
    measure: str = "answers"  # "answers" | "people"

    @property
    def key(self) -> dict[str, str]:
        return dict(self.dimensions)


@dataclass(frozen=True)
class Comparison:
    """The change since the previous period, with a two-proportion z-test."""

    previous_rate: float
    difference: float
    z: float
    p_value: float
    significant: bool

    @property
    def direction(self) -> str:
        """up, down or same, judged on the whole percentages a reader sees."""
        shown = percent(self.previous_rate + self.difference) - percent(self.previous_rate)
        return "up" if shown > 0 else "down" if shown < 0 else "same"


# --------------------------------------------------------------------------- statistics


def wilson_interval(satisfied: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval: honest for small n and for rates near 0% or 100%.

    Clipped so that 0 <= low <= k/n <= high <= 1 always: in binary floats a unanimous
    cell's bound comes out a hair inside its own rate (10 of 10 gives a high of
    0.9999999999999999), which would give a chart's error bar a negative width.
    """
    if n <= 0:
        return None
    if not 0 <= satisfied <= n:
        raise ValueError(f"satisfied={satisfied} must be between 0 and n={n}")
    p = satisfied / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = min(max(0.0, centre - half), p)
    high = max(min(1.0, centre + half), p)
    return low, high


def two_proportion_test(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z-test; returns (z, two-sided p) for rate 1 minus rate 2."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both samples need at least one answer")
    pooled = (k1 + k2) / (n1 + n2)
    spread = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if spread <= 0:  # both 0% or both 100%: no difference to test
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / math.sqrt(spread)
    return z, math.erfc(abs(z) / math.sqrt(2))


def rag(rate: float | None, target: float, tolerance: float) -> str | None:
    """green at or above target; amber within `tolerance` below it; red below that."""
    if rate is None:
        return None
    if rate >= target - _EPS:
        return "green"
    if rate >= target - tolerance - _EPS:
        return "amber"
    return "red"


def position(interval: tuple[float, float] | None, target: float) -> str | None:
    """ "clearly above" or "clearly below" when the whole interval is on one side."""
    if interval is None:
        return None
    low, high = interval
    if low > target + _EPS:
        return "clearly above"
    if high < target - _EPS:
        return "clearly below"
    return "not clearly different"


def compare(current: KpiCounts, previous: KpiCounts | None) -> Comparison | None:
    """The change from `previous` to `current`, or None when either has no answers."""
    if previous is None or not previous.n or not current.n:
        return None
    z, p = two_proportion_test(current.satisfied, current.n, previous.satisfied, previous.n)
    previous_rate = previous.satisfied / previous.n
    return Comparison(
        previous_rate=previous_rate,
        difference=current.satisfied / current.n - previous_rate,
        z=z,
        p_value=p,
        significant=p < SIGNIFICANCE,
    )


def percent(rate: float) -> int:
    """Whole percent, halves rounded up (0.785 → 79), as people expect."""
    return math.floor(rate * 100 + 0.5 + _EPS)


# --------------------------------------------------------------------------- aggregation

Key = tuple[str, ...]


def _group_ids(frame: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, list[Key]]:
    """A group number for every row and the key of each group, from integer codes.

    Works on categorical codes with numpy rather than grouping strings, which keeps a
    million answers and a dozen breakdowns to well under a second. Missing values
    become their own group, named "not recorded", rather than being dropped.
    """
    if not by:
        return np.zeros(len(frame), dtype=np.int64), [()]
    codes: list[np.ndarray] = []
    labels: list[list[str]] = []
    for name in by:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            found = column.cat.codes.to_numpy().astype(np.int64)
            names = [str(c) for c in column.cat.categories]
        else:
            found, uniques = pd.factorize(column, use_na_sentinel=True)
            found = found.astype(np.int64)
            names = [str(u) for u in uniques]
        codes.append(np.where(found < 0, len(names), found))
        labels.append([*names, NOT_RECORDED])
    shape = tuple(len(names) for names in labels)
    combined = np.ravel_multi_index(tuple(codes), shape) if len(frame) else np.array([], int)
    ids, unique = pd.factorize(combined)  # hashing: no sort of a million rows
    keys = [
        tuple(labels[d][int(i)] for d, i in enumerate(np.unravel_index(int(u), shape)))
        for u in unique
    ]
    return ids.astype(np.int64), keys


def _people_per_group(ids: np.ndarray, respondents: np.ndarray, groups: int) -> np.ndarray:
    """How many different people are in each group."""
    if not len(ids):
        return np.zeros(groups, dtype=np.int64)
    span = int(respondents.max()) + 1
    pairs = pd.unique(ids * span + respondents)
    return np.bincount(pairs // span, minlength=groups)


def _count(values: np.ndarray, ids: np.ndarray, groups: int) -> np.ndarray:
    return np.bincount(ids, weights=values, minlength=groups).astype(np.int64)


def _answer_counts(frame: pd.DataFrame, by: Sequence[str]) -> dict[Key, KpiCounts]:
    """satisfied, n, not_counted and people per group of `by` (no `by`: one group)."""
    ids, keys = _group_ids(frame, by)
    outcome = frame["outcome"].to_numpy()
    counted = outcome >= 0
    groups = len(keys)
    satisfied = _count(outcome == 1, ids, groups)
    n = _count(counted, ids, groups)
    aside = _count(~counted, ids, groups)
    respondents = frame["respondent_id"].to_numpy().astype(np.int64)
    people = _people_per_group(ids[counted], respondents[counted], groups)
    return {
        key: KpiCounts(int(satisfied[g]), int(n[g]), int(aside[g]), int(people[g]))
        for g, key in enumerate(keys)
    }


def _people_counts(frame: pd.DataFrame, by: Sequence[str]) -> dict[Key, KpiCounts]:
    """Per group: people with counted answers, and those whose answers are mostly
    (more than half) satisfied or better."""
    ids, keys = _group_ids(frame, by)
    outcome = frame["outcome"].to_numpy()
    counted = outcome >= 0
    groups = len(keys)
    if not counted.any():
        return {key: KpiCounts(0, 0) for key in keys}
    respondents = frame["respondent_id"].to_numpy().astype(np.int64)[counted]
    span = int(respondents.max()) + 1
    person, pairs = pd.factorize(ids[counted] * span + respondents)
    satisfied = np.bincount(person, weights=outcome[counted] == 1)
    answered = np.bincount(person)
    mostly = 2 * satisfied > answered
    group_of_person = pairs // span
    n = np.bincount(group_of_person, minlength=groups)
    yes = np.bincount(group_of_person, weights=mostly, minlength=groups).astype(np.int64)
    return {key: KpiCounts(int(yes[g]), int(n[g]), 0, int(n[g])) for g, key in enumerate(keys)}


def _figures(
    current: dict[Key, KpiCounts],
    previous: dict[Key, KpiCounts] | None,
    by: Sequence[str],
    measure: str,
) -> list[KpiFigure]:
    ordered = sorted(
        current, key=lambda k: tuple(order_key(d, v) for d, v in zip(by, k, strict=True))
    )
    return [
        KpiFigure(
            dimensions=tuple(zip(by, key, strict=True)),
            current=current[key],
            previous=previous.get(key, KpiCounts(0, 0)) if previous is not None else None,
            measure=measure,
        )
        for key in ordered
    ]


def kpi_figures(
    current: pd.DataFrame, previous: pd.DataFrame | None = None, by: Sequence[str] = ()
) -> list[KpiFigure]:
    """The answer-level rate per group of `by` (columns of the KPI answers frame).

    With no `by`, one overall figure, even when there are no answers at all.
    """
    before = _answer_counts(previous, by) if previous is not None else None
    return _figures(_answer_counts(current, by), before, by, "answers")


def people_figures(
    current: pd.DataFrame, previous: pd.DataFrame | None = None, by: Sequence[str] = ()
) -> list[KpiFigure]:
    """The person-level rate: n is people, `satisfied` those mostly satisfied or better."""
    before = _people_counts(previous, by) if previous is not None else None
    return _figures(_people_counts(current, by), before, by, "people")


# --------------------------------------------------------------------------- show_if

Condition = tuple[ShowIf, Question]
"""One rule a follow-up question needs met, and the earlier question it looks at."""


def conditions(catalogue: Mapping[str, Survey]) -> dict[tuple[str, str], list[Condition]]:
    """Every follow-up question's rules, (survey, question) → the rules along its chain.

    A question is shown only if its rule is met and the question its rule looks at is
    shown too (`Survey.visible_questions`), so a follow-up of a follow-up needs both.
    """
    found: dict[tuple[str, str], list[Condition]] = {}
    for survey in catalogue.values():
        for question in survey.questions:
            chain: list[Condition] = []
            rule = question.show_if
            while rule is not None:
                source = survey.question(rule.question)
                chain.append((rule, source))
                rule = source.show_if
            if chain:
                found[(survey.id, question.id)] = chain
    return found


def _stored_answer(question: Question, stored: str) -> str | list[str]:
    """A stored value as the rules read it (the engine stores a multi answer as "a,b")."""
    return [part for part in stored.split(",") if part] if question.type == "multi" else stored


def shown_answers(
    frame: pd.DataFrame, earlier: pd.DataFrame, catalogue: Mapping[str, Survey]
) -> pd.DataFrame:
    """The rows of `frame` (answers with session_id, survey_id, question_id) whose
    question was still showing, by the answers in `earlier` its `show_if` looks at.

    A person who changed an earlier answer so that a follow-up is hidden could no
    longer see it; an answer left on it (stored before Heard removed such answers, or
    imported) is not theirs to count. Rules come from `catalogue`, as domains do.
    """
    keep = np.ones(len(frame), dtype=bool)
    if not len(frame):
        return frame
    sessions = frame["session_id"].to_numpy()
    for (survey_id, question_id), chain in conditions(catalogue).items():
        rows = (
            (frame["survey_id"] == survey_id) & (frame["question_id"] == question_id)
        ).to_numpy()
        if not rows.any():
            continue
        shown = np.ones(int(rows.sum()), dtype=bool)
        for rule, source in chain:
            given = earlier[
                (earlier["survey_id"] == survey_id) & (earlier["question_id"] == source.id)
            ]
            values = given.set_index("session_id")["value"].reindex(sessions[rows])
            met = {v: rule.is_met(_stored_answer(source, v)) for v in values.dropna().unique()}
            # A session with no answer to the source question did not meet the rule.
            shown &= np.fromiter((met.get(v, False) for v in values), dtype=bool, count=len(values))
        keep[rows] = shown
    return frame if keep.all() else frame[keep].reset_index(drop=True)


# --------------------------------------------------------------------------- words


def _home_words(value: str) -> str:
    return HOME_WORDS.get(value, f"whose type of home is {value.replace('_', ' ')}")


def _who(key: Mapping[str, str]) -> str:
    """Who answered, in plain words; empty when the cell is about everyone."""
    cohort, band = key.get("cohort"), key.get("age_band")
    who = ""
    if cohort and cohort != NOT_RECORDED:
        who = COHORT_WORDS.get(cohort, cohort.replace("_", " "))
    elif band == "adult":
        who, band = "adults", None
    if band and band not in (NOT_RECORDED, "adult"):
        who = f"{who or 'people'} aged {band}"
    extras = []
    if key.get("placement_type") and key["placement_type"] != NOT_RECORDED:
        extras.append(_home_words(key["placement_type"]))
    locality = key.get("locality")
    if locality and locality != NOT_RECORDED:
        extras.append(LOCALITY_WORDS.get(locality, f"in {locality.replace('_', ' ')}"))
    extras += [who_words(name, v) for name, v in equality_columns(key) if v != NOT_RECORDED]
    if extras:
        who = " ".join([who or "people", *extras])
    return who


def _about(key: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """What the answers were about, with a leading space; empty for all KPI questions."""
    about = ""
    if "domain" in key:
        about = f" about {DOMAIN_WORDS.get(key['domain'], key['domain'].replace('_', ' '))}"
    if "question_id" in key:
        question = labels.get(f"question:{key.get('survey_id', '')}/{key['question_id']}")
        about = f" to “{question}”" if question else f" to question {key['question_id']}"
    elif "survey_id" in key:
        survey = labels.get(f"survey:{key['survey_id']}", key["survey_id"])
        about += f" in the “{survey}” survey"
    return about


def people_words(key: Mapping[str, str]) -> str:
    """Who answered, as people to count: "foster carers", "people aged 11-17", "people"."""
    return _who(key) or "people"


def about_words(key: Mapping[str, str], labels: Mapping[str, str] | None = None) -> str:
    """What the answers were about, with a leading space: " about home and care"."""
    return _about(key, labels or {})


def subject_words(key: Mapping[str, str], labels: Mapping[str, str] | None = None) -> str:
    """Who and what a cell is about, e.g. "children in care aged 11-17 about home and care".

    `labels` maps "survey:ID" and "question:SURVEY/ID" to the words to use.
    """
    return f"{_who(key) or 'everyone'}{_about(key, labels or {})}"


def percent_text(rate: float, target: float | None = None) -> str:
    """ "78%"; one decimal when whole percent would hide that a rate is under the target
    (79.8% is "just short of 80%", and must not read as 80%)."""
    if target is not None and rate < target - _EPS and percent(rate) >= percent(target):
        return f"{math.floor(rate * 1000 + _EPS) / 10:.1f}%"
    return f"{percent(rate)}%"


def _target_words(band: str | None, target: float) -> str:
    goal = f"the {percent(target)}% target"
    return {
        "green": f"meeting {goal}",
        "amber": f"just short of {goal}",
        "red": f"some distance short of {goal}",
    }.get(band or "", goal)


def _change_words(change: Comparison | None, last: str) -> str:
    if change is None:
        return ""
    before = percent(change.previous_rate)
    if change.direction == "same":
        return f", the same as {last} ({before}%)"
    verb = "up" if change.direction == "up" else "down"
    if change.significant:
        word = "rise" if verb == "up" else "fall"
        return f" and {verb} from {before}% {last}, a significant {word}"
    return f" and {verb} from {before}% {last} (not a significant change)"


def describe(
    *,
    key: Mapping[str, str],
    counts: KpiCounts,
    interval: tuple[float, float],
    band: str | None,
    where: str | None,
    change: Comparison | None,
    rules: Rules,
    when: str,
    last: str,
    measure: str,
    labels: Mapping[str, str] | None = None,
) -> str:
    """One sentence in the council's style, for a cell that may be published.

    "78% of answers from children in care aged 11-17 about home and care were
    satisfied or better this quarter (n=143, 71%-84%), just short of the 80%
    target and up from 74% last quarter (not a significant change)."
    """
    rate = counts.satisfied / counts.n
    low, high = (percent(v) for v in interval)
    who, about = _who(key), _about(key, labels or {})
    shown = percent_text(rate, rules.target)
    if measure == "people":
        start = f"{shown} of {who or 'people'}{about} who answered were mostly satisfied or better"
        size = f"n={counts.n:,} people"
    else:
        source = f"answers from {who}" if who else "all answers"
        start = f"{shown} of {source}{about} were satisfied or better"
        size = f"n={counts.n:,}"
    target = _target_words(band, rules.target)
    if where == "clearly above":
        target = f"clearly above the {percent(rules.target)}% target"
    return f"{start} {when} ({size}, {low}%-{high}%), {target}{_change_words(change, last)}."
