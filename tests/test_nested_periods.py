"""One plan per period, shortest first: a month's hidden cells stay hidden in every view,
a quarter hides what would give a month away, and nothing published changes later."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report import CATALOGUE, Given, seed

from analysis.periods import PeriodError, parse_period, parts_of, published
from analysis.report import Report, ReportOptions, build_report
from analysis.suppression import SECONDARY, SafeKpi, _pinned, hide_small
from heard.wiring import Database

JUL = datetime(2026, 7, 10, 12, 0, tzinfo=UTC)
AUG = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)
SEP = datetime(2026, 9, 10, 12, 0, tzinfo=UTC)
OCT = datetime(2026, 10, 10, 12, 0, tzinfo=UTC)


def _answers(prefix: str, when: datetime, cohort: str, count: int) -> list[Given]:
    survey, question, band = {
        "child_in_care": ("checkin-11-17", "home_happy", "11-17"),
        "care_leaver": ("checkin-care-leaver", "feel_safe_home", "16-25"),
        "carer": ("carer-feedback", "support_overall", "adult"),
    }[cohort]
    value = "yes" if survey == "checkin-care-leaver" else "5"
    return [
        Given(f"{prefix}{i}", cohort, band, survey, question, value, when) for i in range(count)
    ]


def _third_quarter() -> list[Given]:
    """Care leavers: 3 in July (hidden on its own), 8 in August, 9 in September; children
    in care: 12, 10 and 11."""
    return (
        _answers("lj", JUL, "care_leaver", 3)
        + _answers("la", AUG, "care_leaver", 8)
        + _answers("ls", SEP, "care_leaver", 9)
        + _answers("cj", JUL, "child_in_care", 12)
        + _answers("ca", AUG, "child_in_care", 10)
        + _answers("cs", SEP, "child_in_care", 11)
    )


def _report(database: Database, label: str) -> Report:
    with database.engine.connect() as connection:
        return build_report(connection, parse_period(label), ReportOptions(), catalogue=CATALOGUE)


def _cohort(report: Report, cohort: str) -> SafeKpi:
    table = report.table(("cohort",))
    assert table is not None
    [cell] = [c for c in table.cells if c.key["cohort"] == cohort]
    return cell


def _month(report: Report, month: str, cohort: str) -> SafeKpi:
    [cell] = [c for c in report.monthly_by_cohort if c.key == {"month": month, "cohort": cohort}]
    return cell


# --------------------------------------------------------------------------- periods


def test_only_months_quarters_and_financial_years_are_published() -> None:
    for label in ("2026-07", "2026-Q3", "2026-27"):
        assert published(parse_period(label)).label == label
    with pytest.raises(PeriodError, match="2025-26 or 2026-27"):
        published(parse_period("2026"))
    with pytest.raises(PeriodError, match="not date ranges"):
        published(parse_period("2026-07-01..2026-07-31"))
    quarters = [p.label for p in parts_of(parse_period("2026-27"))]
    assert quarters == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert [p.label for p in parts_of(parse_period("2026-Q3"))] == ["2026-07", "2026-08", "2026-09"]
    assert parts_of(parse_period("2026-07")) == []


# --------------------------------------------------------------------------- the rule


def test_a_quarter_hides_a_group_whose_one_hidden_month_it_would_give_away(
    database: Database,
) -> None:
    """Care leavers: 3 in July (hidden), 8 in August, 9 in September. The quarter's 20
    minus August and September would be July's 3, so the quarter hides care leavers."""
    seed(database, _third_quarter())
    july, quarter = _report(database, "2026-07"), _report(database, "2026-Q3")
    assert _cohort(july, "care_leaver").suppressed == "primary"
    leavers = _cohort(quarter, "care_leaver")
    assert leavers.suppressed == SECONDARY and leavers.rate is None
    assert "cannot be worked out" in leavers.sentence
    # the months in the quarter's own chart are the months' own cells
    for month, report in (("2026-07", july), ("2026-08", _report(database, "2026-08"))):
        own = _cohort(report, "care_leaver")
        shown = _month(quarter, month, "care_leaver")
        assert (shown.suppressed, shown.n, shown.rate) == (own.suppressed, own.n, own.rate)


def test_a_quarter_whose_months_are_all_shown_is_shown(database: Database) -> None:
    seed(
        database,
        _answers("a", JUL, "child_in_care", 6)
        + _answers("b", AUG, "child_in_care", 7)
        + _answers("c", SEP, "child_in_care", 8),
    )
    quarter = _report(database, "2026-Q3")
    assert (quarter.overall.n, quarter.overall.suppressed) == (21, None)
    assert _cohort(quarter, "child_in_care").n == 21


def test_a_small_quarter_made_of_small_months_is_hidden_as_small(database: Database) -> None:
    seed(database, _answers("a", JUL, "care_leaver", 2) + _answers("b", AUG, "care_leaver", 2))
    quarter = _report(database, "2026-Q3")
    assert quarter.overall.suppressed == "primary"
    assert quarter.overall.n_display.startswith("fewer than 5")


def test_an_ended_periods_figures_do_not_change_when_later_answers_arrive(
    database: Database,
) -> None:
    seed(
        database,
        _answers("lj", JUL, "care_leaver", 3)
        + _answers("la", AUG, "care_leaver", 8)
        + _answers("cj", JUL, "child_in_care", 12)
        + _answers("ca", AUG, "child_in_care", 10),
    )

    def statuses(label: str) -> dict[object, object]:
        report = _report(database, label)
        cells = [report.overall, *(c for b in report.breakdowns for c in b.cells)]
        return {(c.measure, c.dimensions): (c.suppressed, c.n) for c in cells}

    july, quarter = statuses("2026-07"), statuses("2026-Q3")
    seed(database, _answers("ls", SEP, "care_leaver", 2) + _answers("lo", OCT, "care_leaver", 40))
    assert statuses("2026-07") == july
    later = statuses("2026-Q3")
    # September's answers change the quarter that holds them, and nothing before it
    assert later != quarter
    assert statuses("2026-07") == july


def test_last_periods_rate_is_shown_only_where_last_periods_own_plan_showed_it(
    database: Database,
) -> None:
    seed(
        database,
        _third_quarter()
        + _answers("lo", OCT, "care_leaver", 9)
        + _answers("co", OCT, "child_in_care", 11)
        + [g for m in (JUL, AUG, SEP, OCT) for g in _answers(f"f{m.month}", m, "carer", 6)],
    )
    q3, q4 = _report(database, "2026-Q3"), _report(database, "2026-Q4")
    # Q3 hides care leavers, and children in care beside them: the young people's
    # headline minus one would give the other away. Foster carers are not in that
    # headline: their own figures, planned apart, hide nothing.
    assert [_cohort(q3, c).suppressed for c in ("care_leaver", "carer", "child_in_care")] == [
        SECONDARY,
        None,
        SECONDARY,
    ]
    for cohort in ("care_leaver", "child_in_care"):
        cell = _cohort(q4, cohort)
        assert cell.n is not None and cell.previous_rate is None and cell.change is None
    carers = _cohort(q4, "carer")
    assert carers.previous_rate == 1.0 and carers.direction == "same"


# --------------------------------------------------------------------------- the planner


def test_fixed_cells_keep_their_status_and_the_total_is_hidden_instead() -> None:
    # months 0-2 fixed (3 hidden, 8 and 9 shown); the quarter (3) is this plan's
    status = hide_small(
        [3, 8, 9, 20], [[0, 1, 2]], 5, totals=[3], preset={0: "primary", 1: None, 2: None}
    )
    assert status == ["primary", None, None, SECONDARY]


def test_a_cell_given_away_through_fixed_cells_is_protected_further_out() -> None:
    """Months 0-2 are fixed (0 hidden, 1 and 2 shown); the quarter's cells 3 (leavers)
    and 4 (children) add up to its total 5. Hiding the quarter's leavers alone would
    leave it as total minus children; so children are hidden too."""
    status = hide_small(
        [3, 8, 9, 20, 30, 50],
        [[0, 1, 2], [3, 4]],
        5,
        totals=[3, 5],
        preset={0: "primary", 1: None, 2: None},
    )
    assert status[:3] == ["primary", None, None]
    assert status[3] == SECONDARY and status[4] == SECONDARY and status[5] is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=4),
        min_size=1,
        max_size=12,
    ),
    st.lists(st.sampled_from([1.0, -1.0]), min_size=4, max_size=4),
)
def test_exact_elimination_agrees_with_a_singular_value_decomposition(
    shapes: list[list[int]], signs: list[float]
) -> None:
    rows = [{cell: signs[k % 4] for k, cell in enumerate(sorted(set(s)))} for s in shapes]
    cells = sorted({c for r in rows for c in r})
    matrix = np.zeros((len(rows), len(cells)))
    for i, row in enumerate(rows):
        for cell, value in row.items():
            matrix[i, cells.index(cell)] = value
    _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    basis = vt[singular > 1e-8]
    weight = (basis**2).sum(axis=0)
    expected = [cell for cell, w in zip(cells, weight, strict=True) if w > 1 - 1e-6]
    assert _pinned(rows) == expected


def test_equality_groups_start_at_quarters_and_are_protected_there(database: Database) -> None:
    """Too small to show month by month, so a month's report has no table by sex; the
    quarter's is its own, with its small group and one more hidden beside it."""
    from test_equality import _people

    seed(database, _people())
    month, quarter = _report(database, "2026-08"), _report(database, "2026-Q3")
    assert month.table(("sex",)) is None and month.overall.n == 38
    by_sex = quarter.table(("sex",))
    assert by_sex is not None
    hidden = {c.key["sex"]: c.suppressed for c in by_sex.cells if c.suppressed}
    assert hidden.get("another_way") == "primary" and list(hidden.values()).count(SECONDARY) == 1
    assert quarter.overall.n == 38 and quarter.overall.suppressed is None
