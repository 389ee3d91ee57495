"""The satisfied-or-better measure against small fixtures worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.kpi import (
    KpiCounts,
    Rules,
    compare,
    describe,
    kpi_figures,
    people_figures,
    percent,
    percent_text,
    position,
    rag,
    two_proportion_test,
    wilson_interval,
)


def answers(rows: list[tuple[int, str, str, int]]) -> pd.DataFrame:
    """(respondent, cohort, age_band, outcome) rows; outcome 1 satisfied, 0 not, -1 left out."""
    frame = pd.DataFrame(rows, columns=["respondent_id", "cohort", "age_band", "outcome"])
    frame["outcome"] = frame["outcome"].astype("int8")
    frame["cohort"] = frame["cohort"].astype("category")
    frame["age_band"] = frame["age_band"].astype("category")
    return frame


# --------------------------------------------------------------------------- Wilson


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # By hand: p=.5, z²=3.8415 → centre .5, half-width 0.2634.
        (5, 10, 0.2366, 0.7634),
        # All satisfied: lower bound n/(n+z²) = 10/13.8415.
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_interval_matches_published_values(k: int, n: int, low: float, high: float):
    got = wilson_interval(k, n)
    assert got is not None
    assert got[0] == pytest.approx(low, abs=5e-5)
    assert got[1] == pytest.approx(high, abs=5e-5)


def test_wilson_interval_with_no_answers_is_none():
    assert wilson_interval(0, 0) is None


def test_wilson_interval_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(6, 5)


# --------------------------------------------------------------------------- RAG


@pytest.mark.parametrize(
    ("rate", "band"),
    [
        (1.0, "green"),
        (0.8, "green"),
        (4 / 5, "green"),
        (0.7999, "amber"),
        (7 / 10, "amber"),  # exactly 10 points below: within tolerance despite binary floats
        (0.6999, "red"),
        (0.0, "red"),
        (None, None),
    ],
)
def test_rag_bands(rate: float | None, band: str | None):
    assert rag(rate, 0.8, 0.1) == band


def test_rag_tolerance_is_configurable():
    assert rag(0.76, 0.8, 0.05) == "amber"
    assert rag(0.74, 0.8, 0.05) == "red"


def test_position_against_target():
    assert position((0.81, 0.9), 0.8) == "clearly above"
    assert position((0.6, 0.79), 0.8) == "clearly below"
    assert position((0.75, 0.85), 0.8) == "not clearly different"
    assert position(None, 0.8) is None


# --------------------------------------------------------------------------- trend


def test_two_proportion_test_by_hand():
    # 78/100 vs 70/100: pooled .74, se = sqrt(.74 × .26 × .02) = .062032, z = .08/.062032.
    z, p = two_proportion_test(78, 100, 70, 100)
    assert z == pytest.approx(1.28965, abs=1e-4)
    assert p == pytest.approx(0.19717, abs=1e-4)
    # 90/100 vs 70/100: pooled .8, se = .056569, z = 3.5355, p = .000407.
    z, p = two_proportion_test(90, 100, 70, 100)
    assert z == pytest.approx(3.53553, abs=1e-4)
    assert p == pytest.approx(0.000407, abs=1e-5)


def test_two_proportion_test_when_both_are_all_satisfied():
    assert two_proportion_test(10, 10, 20, 20) == (0.0, 1.0)


def test_compare_marks_significance_and_direction():
    up = compare(KpiCounts(90, 100), KpiCounts(70, 100))
    assert up is not None and up.significant and up.direction == "up"
    assert up.previous_rate == pytest.approx(0.7)
    assert up.difference == pytest.approx(0.2)
    flat = compare(KpiCounts(78, 100), KpiCounts(70, 100))
    assert flat is not None and not flat.significant and flat.direction == "up"
    same = compare(KpiCounts(781, 1000), KpiCounts(78, 100))
    assert same is not None and same.direction == "same"
    assert compare(KpiCounts(5, 10), KpiCounts(0, 0)) is None
    assert compare(KpiCounts(5, 10), None) is None


# --------------------------------------------------------------------------- counting


FIXTURE = [
    # person 1: child in care 11-17, 3 satisfied of 4 counted, 1 "rather not say"
    (1, "child_in_care", "11-17", 1),
    (1, "child_in_care", "11-17", 1),
    (1, "child_in_care", "11-17", 1),
    (1, "child_in_care", "11-17", 0),
    (1, "child_in_care", "11-17", -1),
    # person 2: child in care 11-17, 1 of 2 (exactly half: not "mostly")
    (2, "child_in_care", "11-17", 1),
    (2, "child_in_care", "11-17", 0),
    # person 3: care leaver, 0 of 1
    (3, "care_leaver", "16-25", 0),
    # person 4: care leaver, only "rather not say": not counted at all
    (4, "care_leaver", "16-25", -1),
    (4, "care_leaver", "16-25", -1),
]


def test_answer_level_rate_by_hand():
    [overall] = kpi_figures(answers(FIXTURE))
    # satisfied 4 (3 + 1), counted 7 (4 + 2 + 1), left out 3; people with counted answers: 3
    assert overall.current == KpiCounts(satisfied=4, n=7, not_counted=3, people=3)
    assert overall.current.rate == pytest.approx(4 / 7)


def test_answer_level_rate_by_cohort():
    figures = {f.key["cohort"]: f.current for f in kpi_figures(answers(FIXTURE), by=["cohort"])}
    assert figures["child_in_care"] == KpiCounts(4, 6, 1, 2)
    assert figures["care_leaver"] == KpiCounts(0, 1, 2, 1)
    ordered = [f.key["cohort"] for f in kpi_figures(answers(FIXTURE), by=["cohort"])]
    assert ordered == ["child_in_care", "care_leaver"]  # catalogue order, not alphabetical


def test_person_level_rate_by_hand():
    [people] = people_figures(answers(FIXTURE))
    # person 1: 3/4 > half → yes; person 2: 1/2 → no; person 3: 0/1 → no; person 4: no counted
    assert people.current.satisfied == 1
    assert people.current.n == 3
    assert people.measure == "people"


def test_previous_period_is_attached_per_cell():
    now = answers([(1, "child_in_care", "8-11", 1), (2, "carer", "adult", 0)])
    before = answers([(1, "child_in_care", "8-11", 0)])
    figures = {f.key["cohort"]: f for f in kpi_figures(now, before, ["cohort"])}
    assert figures["child_in_care"].previous == KpiCounts(0, 1, 0, 1)
    assert figures["carer"].previous == KpiCounts(0, 0)


def test_zero_answers_gives_one_empty_overall_figure():
    [overall] = kpi_figures(answers([]))
    assert overall.current == KpiCounts(0, 0, 0, 0)
    assert overall.current.rate is None
    assert kpi_figures(answers([]), by=["cohort"]) == []
    [people] = people_figures(answers([]))
    assert people.current.n == 0


def test_all_satisfied():
    [overall] = kpi_figures(answers([(i, "carer", "adult", 1) for i in range(12)]))
    assert overall.current.rate == 1.0
    interval = wilson_interval(overall.current.satisfied, overall.current.n)
    assert interval is not None and interval[1] == 1.0
    assert interval[0] == pytest.approx(12 / (12 + 1.959963984540054**2))


def test_single_cohort_breakdown_equals_overall():
    rows = [(i, "care_leaver", "16-25", i % 2) for i in range(9)]
    [overall] = kpi_figures(answers(rows))
    [cohort] = kpi_figures(answers(rows), by=["cohort"])
    assert overall.current == cohort.current


def test_missing_group_values_are_named_not_dropped():
    frame = answers([(1, "child_in_care", "11-17", 1)])
    frame["placement_type"] = pd.Series([None], dtype="object")
    [figure] = kpi_figures(frame, by=["placement_type"])
    assert figure.key["placement_type"] == "not recorded"


# --------------------------------------------------------------------------- words


def test_percent_rounds_halves_up():
    assert percent(0.785) == 79
    assert percent(0.784) == 78
    assert percent(2 / 3) == 67


def test_percent_text_never_shows_a_rate_under_target_as_the_target():
    assert percent_text(0.7995, 0.8) == "79.9%"
    assert percent_text(0.78, 0.8) == "78%"
    assert percent_text(0.8, 0.8) == "80%"


def test_sentence_in_the_councils_style():
    counts = KpiCounts(satisfied=78, n=100, people=40)
    interval = wilson_interval(78, 100)
    assert interval is not None
    rules = Rules()
    text = describe(
        key={"cohort": "child_in_care", "age_band": "11-17", "domain": "home_and_care"},
        counts=counts,
        interval=interval,
        band=rag(0.78, rules.target, rules.tolerance),
        where=position(interval, rules.target),
        change=compare(counts, KpiCounts(74, 100)),
        rules=rules,
        when="this quarter",
        last="last quarter",
        measure="answers",
    )
    low, high = (percent(v) for v in interval)
    assert (low, high) == (69, 85)
    assert text == (
        "78% of answers from children in care aged 11-17 about home and care were satisfied "
        "or better this quarter (n=100, 69%-85%), just short of the 80% target and up from "
        "74% last quarter (not a significant change)."
    )


def test_sentence_for_people_says_people_and_red_says_some_distance():
    counts = KpiCounts(satisfied=30, n=50, people=50)
    interval = wilson_interval(30, 50)
    assert interval is not None
    text = describe(
        key={"cohort": "care_leaver"},
        counts=counts,
        interval=interval,
        band="red",
        where=position(interval, 0.8),
        change=compare(counts, KpiCounts(45, 50)),
        rules=Rules(),
        when="this month",
        last="last month",
        measure="people",
    )
    assert text.startswith("60% of care leavers who answered were mostly satisfied or better")
    assert "(n=50 people, " in text
    assert "some distance short of the 80% target" in text
    assert "down from 90% last month, a significant fall" in text
    assert not math.isnan(interval[0])
