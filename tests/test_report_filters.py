"""The dashboard's filtered views (one cohort, one age band, or both) disclose nothing new.

A filtered view is a slice of tables `build_report` suppresses together with the
unfiltered ones. These tests check that from the outside, as someone with every
view in front of them would: for every table of the report and of every filtered
view, each cell of a coarser table is the sum of the finer table's cells that
match it, so an attacker has one linear equation per such cell. No hidden figure
may be pinned down by those equations, whatever combination of views is used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from analysis.periods import Period, months_in, parse_period
from analysis.report import Report, build_report
from analysis.suppression import SafeKpi
from heard.demo.build import build_demo
from heard.wiring import Database
from webforms.staff.filters import AGE_BAND_WORDS, COHORT_CHOICES, Filter, dashboard_figures

Table = tuple[str, tuple[str, ...], Sequence[SafeKpi]]


def published_tables(report: Report) -> list[Table]:
    """Every KPI table anyone can see, on the dashboard (any filter) or in a download."""
    tables: list[Table] = [
        ("answers", (), (report.overall,)),
        ("people", (), (report.people,)),
        ("answers", ("month",), report.monthly),
        ("answers", ("month", "cohort"), report.monthly_by_cohort),
    ]
    for table in (*report.breakdowns, *report.people_breakdowns, *report.within):
        tables.append((table.measure, table.dimensions, table.cells))
    return tables


def sums_between_tables(tables: list[Table], period: Period) -> list[tuple[SafeKpi, list[SafeKpi]]]:
    """(total, parts): each cell of a table is the sum of the cells of any finer table of
    the same measure that agree with it (over the period's months, if it has no month)."""
    inside = {month.label for month in months_in(period)}
    relations = []
    for measure, coarse, totals in tables:
        for other, fine, cells in tables:
            if other != measure or not set(coarse) < set(fine):
                continue
            if "month" in fine and "month" not in coarse:
                cells = [c for c in cells if c.key["month"] in inside]
            for total in totals:
                parts = [c for c in cells if all(c.key[d] == total.key[d] for d in coarse)]
                relations.append((total, parts))
    return relations


def solvable_hidden_cells(report: Report, period: Period) -> list[SafeKpi]:
    """Hidden cells whose value the sums pin down (their unit vector is in the row space)."""
    tables = published_tables(report)
    hidden = [c for _, _, cells in tables for c in cells if c.suppressed]
    column = {id(cell): k for k, cell in enumerate(hidden)}
    rows = []
    for total, parts in sums_between_tables(tables, period):
        row = np.zeros(len(hidden))
        for part in parts:
            if part.suppressed:
                row[column[id(part)]] += 1
        if total.suppressed:
            row[column[id(total)]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return []
    _, singular, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    row_space = vt[singular > 1e-8]  # an orthonormal basis of what the sums can tell
    length = (row_space**2).sum(axis=0)  # of each hidden cell's unit vector, projected
    return [cell for cell, seen in zip(hidden, length, strict=True) if seen > 1 - 1e-6]


@pytest.fixture(params=[1, 2, 3])
def council(request: pytest.FixtureRequest, database: Database) -> Database:
    """A small synthetic council: many small groups, so plenty is hidden."""
    build_demo(database, b"k" * 32, seed=request.param, scale=0.05)
    return database


@pytest.mark.parametrize("label", ["2026-Q2", "2026-09", "2025-26"])
def test_no_hidden_figure_can_be_worked_out_from_all_the_views_together(
    council: Database, label: str
) -> None:
    period = parse_period(label)
    with council.engine.connect() as connection:
        report = build_report(connection, period)
    hidden = [c for _, _, cells in published_tables(report) for c in cells if c.suppressed]
    assert len(hidden) > 20, "the council should be small enough to hide plenty"
    assert report.within, "the filtered views' tables are part of the report"
    given_away = solvable_hidden_cells(report, period)
    assert not given_away, [(c.measure, c.dimensions, c.suppressed) for c in given_away]


def test_a_filtered_view_shows_the_very_cells_the_tables_for_everyone_show(
    council: Database,
) -> None:
    period = parse_period("2026-Q2")
    with council.engine.connect() as connection:
        report = build_report(connection, period)
    by_both = report.table(("cohort", "age_band"))
    by_cohort = report.table(("cohort",))
    assert by_both is not None and by_cohort is not None
    shown = 0
    for cohort, _ in COHORT_CHOICES:
        figures = dashboard_figures(report, Filter(cohort))
        [same] = [c for c in by_cohort.cells if c.key["cohort"] == cohort]
        assert figures.overall is same
        for band in AGE_BAND_WORDS:
            both = dashboard_figures(report, Filter(cohort, band))
            matching = [c for c in by_both.cells if c.key == {"cohort": cohort, "age_band": band}]
            assert both.overall is (matching[0] if matching else None)
            shown += bool(matching)
            for cell in both.cells:
                assert cell.key["cohort"] == cohort and cell.key["age_band"] == band
    assert shown >= 3


def test_the_filtered_tables_are_not_in_the_downloads(council: Database) -> None:
    """The files keep their shape; the filtered views' cross-tables stay on the dashboard."""
    from analysis.report import to_dict

    with council.engine.connect() as connection:
        report = build_report(connection, parse_period("2026-Q2"))
    names = {table["name"] for table in to_dict(report)["breakdowns"]}
    assert names.isdisjoint(table.name for table in report.within)
