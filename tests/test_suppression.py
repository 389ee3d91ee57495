"""Small-number suppression: primary, secondary, linked cells, and that it can't be skipped."""

from __future__ import annotations

import pytest

from analysis.kpi import KpiCounts, KpiFigure, Rules
from analysis.suppression import (
    KpiTable,
    RawStat,
    SafeKpi,
    SafeStat,
    Wording,
    count_text,
    hide_small,
    publish_kpis,
    publish_stats,
)

WORDING = Wording("this quarter", "last quarter")


def figure(cohort: str, satisfied: int, n: int, people: int | None = None, **extra) -> KpiFigure:
    counts = KpiCounts(satisfied, n, extra.pop("not_counted", 0), n if people is None else people)
    return KpiFigure((("cohort", cohort),), counts, extra.pop("previous", None))


# --------------------------------------------------------------------------- the rule


def test_primary_hides_counts_under_the_threshold_only():
    assert hide_small([5, 4, 1, 0], [], 5) == [None, "primary", "primary", None]


def test_secondary_hides_the_next_smallest_when_one_cell_is_hidden():
    # 20 + 3 + 12 = 35 shown as a total: 3 could be worked out, so 12 goes too.
    assert hide_small([20, 3, 12], [[0, 1, 2]], 5) == [None, "primary", "secondary"]


def test_no_secondary_when_two_cells_are_already_hidden():
    assert hide_small([20, 3, 2, 12], [[0, 1, 2, 3]], 5) == [None, "primary", "primary", None]


def test_secondary_skips_empty_cells():
    assert hide_small([0, 3, 9, 30], [[0, 1, 2, 3]], 5) == [None, "primary", "secondary", None]


def test_secondary_repeats_across_overlapping_groups():
    # a 2 × 2 table: rows (0, 1), (2, 3); columns (0, 2), (1, 3)
    status = hide_small([3, 50, 40, 60], [[0, 1], [2, 3], [0, 2], [1, 3]], 5)
    assert status == ["primary", "secondary", "secondary", "secondary"]


def test_links_hide_the_same_people_in_another_table():
    status = hide_small([3, 30, 30], [[0, 1]], 5, links=[None, "carers", "carers"])
    assert status == ["primary", "secondary", "secondary"]


def test_a_hidden_total_whose_parts_are_all_shown_loses_a_part_too():
    # cells 0 and 1 add up to cell 2; cell 2 is hidden (next to the small cell 3), so
    # showing 0 and 1 would give it back by addition: the smaller part goes.
    status = hide_small([10, 12, 22, 3, 30], [[0, 1], [2, 3, 4]], 5, totals=[2, None])
    assert status == ["secondary", None, "secondary", "primary", None]


def test_a_twin_is_hidden_at_once_so_it_does_not_push_out_another_cell():
    # Hiding cell 1 hides its twins 3 and 5 (the same figure in other tables). The second
    # group then already has two hidden cells (2 and 3): cell 4 stays shown. Linking
    # twins only after all groups were looked at hid cell 4 for nothing.
    status = hide_small(
        [3, 10, 3, 10, 20, 10], [[0, 1], [2, 3, 4]], 5, links=[None, "a", None, "a", None, "a"]
    )
    assert status == ["primary", "secondary", "primary", "secondary", None, "secondary"]


def test_a_cell_pinned_by_a_combination_of_sums_is_protected():
    # x+y, y+z and x+z are each shown (cells 3, 4, 5): every sum has two hidden parts, but
    # the three together give x, y and z. One more figure is hidden so that none can be.
    status = hide_small([2, 3, 4, 5, 7, 6], [[0, 1], [1, 2], [0, 2]], 5, totals=[3, 4, 5])
    assert status[:3] == ["primary"] * 3
    assert any(status[3:]), "one of the sums must be hidden too"
    hidden = [i for i, s in enumerate(status) if s]
    sums = [(0, 1, 3), (1, 2, 4), (0, 2, 5)]  # two parts, then their total
    matrix = [
        [1 if i in (a, b) else -1 if i == total else 0 for i in hidden] for a, b, total in sums
    ]
    assert not any(_determined(matrix, k) for k in range(len(hidden)))


def _determined(matrix: list[list[int]], column: int) -> bool:
    """Whether the equations (rows over the hidden cells) fix the value of one of them:
    the rank goes up by one when the unit vector of that cell is added."""
    import numpy as np

    rows = np.array(matrix, dtype=float)
    unit = np.zeros((1, rows.shape[1]))
    unit[0, column] = 1
    return np.linalg.matrix_rank(np.vstack([rows, unit])) == np.linalg.matrix_rank(rows)


def test_few_people_behind_many_answers_is_primary():
    assert hide_small([40], [], 5, also_small=[True]) == ["primary"]


def test_count_text_uses_the_threshold():
    assert count_text(3, 5) == "fewer than 5"
    assert count_text(7, 10) == "fewer than 10"
    assert count_text(0, 5) == "0"
    assert count_text(12345, 5) == "12,345"


# --------------------------------------------------------------------------- KPI cells


def test_published_cells_hide_numbers_and_rates():
    table = KpiTable(
        "cohort",
        ("cohort",),
        [figure("child_in_care", 16, 20), figure("care_leaver", 2, 3), figure("carer", 9, 12)],
    )
    [[cic, leaver, carer]] = publish_kpis([table], Rules(), WORDING)
    assert cic.n == 20 and cic.rate == pytest.approx(0.8) and cic.rag == "green"
    assert leaver.suppressed == "primary"
    assert (leaver.n, leaver.rate, leaver.ci_low, leaver.rag) == (None, None, None, None)
    assert leaver.n_display == "fewer than 5"
    assert "Fewer than 5 answers came from care leavers this quarter" in leaver.sentence
    assert "%" not in leaver.sentence
    assert carer.suppressed == "secondary"
    assert carer.n_display == "hidden"
    assert carer.rate is None and "%" not in carer.sentence


def test_threshold_comes_from_the_rules():
    table = KpiTable("cohort", ("cohort",), [figure("carer", 6, 8)])
    [[cell]] = publish_kpis([table], Rules(threshold=10), WORDING)
    assert cell.n_display == "fewer than 10"
    assert "Fewer than 10" in cell.sentence


def test_few_people_hides_the_cell_even_with_many_answers():
    table = KpiTable("cohort", ("cohort",), [figure("carer", 30, 40, people=3)])
    [[cell]] = publish_kpis([table], Rules(), WORDING)
    assert cell.suppressed == "primary"
    assert cell.n_display == "fewer than 5 people"
    assert cell.rate is None
    assert cell.sentence.startswith("Fewer than 5 foster carers answered this quarter")


def test_few_people_sentence_names_people_plainly():
    table = KpiTable("overall", (), [KpiFigure((), KpiCounts(30, 40, 0, 2), None)])
    [[cell]] = publish_kpis([table], Rules(), WORDING)
    assert cell.sentence == "Fewer than 5 people answered this quarter, so no percentage is shown."


def test_small_rather_not_say_count_is_hidden():
    table = KpiTable("overall", (), [figure("carer", 30, 40, not_counted=2)])
    [[cell]] = publish_kpis([table], Rules(), WORDING)
    assert cell.rate == pytest.approx(0.75)
    assert cell.not_counted is None and cell.not_counted_display == "fewer than 5"


def test_no_comparison_with_a_previous_cell_that_was_hidden():
    shown = figure("child_in_care", 40, 50, previous=KpiCounts(2, 3, 0, 3))
    [[cell]] = publish_kpis([KpiTable("cohort", ("cohort",), [shown])], Rules(), WORDING)
    assert cell.rate == pytest.approx(0.8)
    assert cell.previous_rate is None and cell.direction is None
    assert "last quarter" not in cell.sentence


def test_comparison_when_both_periods_are_shown():
    shown = figure("child_in_care", 40, 50, previous=KpiCounts(30, 50, 0, 50))
    [[cell]] = publish_kpis([KpiTable("cohort", ("cohort",), [shown])], Rules(), WORDING)
    assert cell.previous_rate == pytest.approx(0.6)
    assert cell.direction == "up" and cell.significant is True
    assert "up from 60% last quarter, a significant rise" in cell.sentence


def test_identical_cells_in_two_tables_are_hidden_together():
    cohorts = KpiTable(
        "cohort", ("cohort",), [figure("child_in_care", 80, 100), figure("carer", 2, 4)]
    )
    ages = KpiTable(
        "age_band",
        ("age_band",),
        [
            KpiFigure((("age_band", "11-17"),), KpiCounts(80, 100, 0, 100)),
            KpiFigure((("age_band", "adult"),), KpiCounts(2, 4, 0, 4)),
        ],
    )
    [[_, carer], [eleven, adult]] = publish_kpis([cohorts, ages], Rules(), WORDING)
    assert carer.suppressed == adult.suppressed == "primary"
    assert eleven.suppressed == "secondary"


def test_zero_answers_is_shown_as_none_not_suppressed():
    [[cell]] = publish_kpis([KpiTable("overall", (), [figure("x", 0, 0)])], Rules(), WORDING)
    assert cell.n == 0 and cell.suppressed is None and cell.rate is None
    assert cell.sentence.startswith("No answers")


def test_n_below_threshold_in_a_single_cohort():
    [[overall], [only]] = publish_kpis(
        [
            KpiTable("overall", (), [KpiFigure((), KpiCounts(3, 4, 0, 4))]),
            KpiTable("cohort", ("cohort",), [figure("care_leaver", 3, 4)]),
        ],
        Rules(),
        WORDING,
    )
    assert overall.suppressed == only.suppressed == "primary"
    assert overall.rate is None and only.rate is None


# --------------------------------------------------------------------------- other figures


def test_publish_stats_hides_values_of_small_cells():
    rows = [
        RawStat((("theme", "friendship"),), 12, {"share": 0.4}),
        RawStat((("theme", "money"),), 2, {"share": 0.07}),
    ]
    friendship, money = publish_stats(rows, 5)
    assert friendship.value("share") == 0.4 and friendship.n_display == "12"
    assert money.value("share") is None and money.n is None and money.n_display == "fewer than 5"


def test_publish_stats_secondary_within_groups():
    rows = [RawStat((("s", str(i)),), n, {"v": 1.0}) for i, n in enumerate([3, 8, 30])]
    small, next_smallest, big = publish_stats(rows, 5, [[0, 1, 2]])
    assert (small.suppressed, next_smallest.suppressed, big.suppressed) == (
        "primary",
        "secondary",
        None,
    )
    assert next_smallest.value("v") is None


# --------------------------------------------------------------------------- can't be skipped


def test_safe_cells_cannot_be_made_outside_suppression():
    with pytest.raises(TypeError):
        SafeStat(dimensions=(), n=3, n_display="3", values=(), suppressed=None)
    [[cell]] = publish_kpis([KpiTable("overall", (), [figure("x", 1, 10)])], Rules(), WORDING)
    fields = {name: getattr(cell, name) for name in cell.__dataclass_fields__ if name != "seal"}
    with pytest.raises(TypeError):
        SafeKpi(**fields)


def test_secondary_prefers_a_cell_that_hides_nothing_elsewhere():
    # sizes 3 (small), 6 (its twin is shown in another table), 16: hiding the 16 protects
    # the 3 just as well without spreading to the other table.
    status = hide_small([3, 6, 16, 6], [[0, 1, 2]], 5, links=[None, "twin", None, "twin"])
    assert status == ["primary", None, "secondary", None]


def test_a_lone_hidden_cell_in_a_two_way_table_cannot_be_worked_out_from_the_overall() -> None:
    """Found in review: with only rows and columns as groups, a care-leaver cell that
    is alone in its row and column was hidden, but overall minus the shown cells gave it."""

    from analysis.report import _table

    def cell(cohort: str, band: str, n: int) -> KpiFigure:
        return KpiFigure((("cohort", cohort), ("age_band", band)), KpiCounts(n - 1, n))

    figures = [
        cell("child_in_care", "8-11", 30),
        cell("child_in_care", "11-17", 24),
        cell("care_leaver", "16-25", 3),
    ]
    groups = _table("cohort_age_band", ("cohort", "age_band"), figures).cell_groups()
    status = hide_small([f.current.n for f in figures], groups, 5)
    assert status[2] == "primary"
    assert sum(1 for s in status if s) >= 2, "overall minus the shown cells would reveal it"


def test_zeros_beside_the_one_hidden_cell_are_hidden_too() -> None:
    """A feeling split of 0%, 0% and "fewer than 5" would say every comment was negative:
    hiding one of the zeros leaves nobody able to tell which feeling the few had."""
    assert hide_small([0, 0, 3], [[0, 1, 2]], 5) == ["secondary", None, "primary"]
    assert hide_small([0, 3], [[0, 1]], 5) == ["secondary", "primary"]
    # with a shown count to hide instead, that is hidden and the zero stays
    assert hide_small([0, 3, 9], [[0, 1, 2]], 5) == [None, "primary", "secondary"]
    # nothing hidden: zeros are shown as they are
    assert hide_small([0, 7, 9], [[0, 1, 2]], 5) == [None, None, None]
