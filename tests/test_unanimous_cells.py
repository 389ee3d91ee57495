"""Every cell Heard can show, from n=1 to 5,000 and every k, has an ordered interval, and
unanimous cells (100% and 0%), a cell of one and cells at the threshold render in every
report format, on the staff pages and from the scheduled report job.

A small council's first month will have a unanimous cell: in binary floats its Wilson
bound came out a hair inside its own rate and matplotlib refused the error bar.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import test_web_staff_support as support
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from test_report import CATALOGUE, Given, seed
from test_web_staff_dashboard import rows_named

import analysis.suppression as suppression
from analysis.charts import bar_chart, trend_chart
from analysis.kpi import Z_95, KpiCounts, KpiFigure, Rules, wilson_interval
from analysis.periods import parse_period
from analysis.report import build_report, render
from analysis.suppression import KpiTable, SafeKpi, Wording, publish_kpis
from heard.jobs import _scheduled_report
from heard.report_command import run_report
from heard.settings import Settings
from heard.wiring import Database
from storage import models
from storage.db import transaction
from webforms.staff.charts import Point, trend_svg

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

Q3 = parse_period("2026-Q3")
AUG = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)
MAY = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
LARGEST_N = 5_000


def ordered(k: int, n: int) -> None:
    interval = wilson_interval(k, n)
    assert interval is not None
    low, high = interval
    assert 0.0 <= low <= k / n <= high <= 1.0, (k, n, low, high)
    if k == n:
        assert high == 1.0, (k, n, high)
    if k == 0:
        assert low == 0.0, (k, n, low)


# --------------------------------------------------------------------------- the interval


def test_every_k_for_every_n_up_to_300() -> None:
    for n in range(1, 301):
        for k in range(n + 1):
            ordered(k, n)


def test_the_edges_and_the_middle_for_every_n_up_to_5000() -> None:
    """Rounding bites at k near 0 and n (and, by symmetry, at n/2): all of those, every n."""
    for n in range(1, LARGEST_N + 1):
        for k in {0, 1, 2, n // 2, n - 2, n - 1, n}:
            if 0 <= k <= n:
                ordered(k, n)


@settings(max_examples=500, deadline=None)
@given(st.integers(1, LARGEST_N).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_any_k_of_any_n_up_to_5000(counts: tuple[int, int]) -> None:
    ordered(*counts)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, LARGEST_N).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_is_still_wilson_away_from_the_edges(counts: tuple[int, int]) -> None:
    """Clipping only moves a bound by a float's width; it never changes the method."""
    k, n = counts
    p, z2 = k / n, Z_95 * Z_95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low, high = wilson_interval(k, n) or (math.nan, math.nan)
    assert low == pytest.approx(max(0.0, centre - half), abs=1e-12)
    assert high == pytest.approx(min(1.0, centre + half), abs=1e-12)


# --------------------------------------------------------------------------- the charts

WORDING = Wording("this quarter", "last quarter")
cell_counts = st.integers(1, LARGEST_N).flatmap(
    lambda n: st.tuples(st.sampled_from([0, n, 1, n - 1]) | st.integers(0, n), st.just(n))
)


def published(counts: list[tuple[int, int]], threshold: int = 5) -> list[SafeKpi]:
    """Cells as Heard publishes them: through suppression, with last period unanimous."""
    figures = [
        KpiFigure(
            (("cohort", f"group {i}"),),
            KpiCounts(k, n, 0, n),
            previous=KpiCounts(n, n, 0, n),
        )
        for i, (k, n) in enumerate(counts)
    ]
    table = KpiTable("cohort", ("cohort",), figures)
    [cells] = publish_kpis([table], Rules(threshold=threshold), WORDING)
    return cells


def draw_every_chart(cells: list[SafeKpi]) -> None:
    labels = [f"group {i}" for i in range(len(cells))]
    bar = bar_chart(labels, cells, 0.8, "By group")
    assert bar.src.startswith("data:image/svg+xml;base64,")
    months = [f"Month {i}" for i in range(len(cells))]
    trend_chart(months, {"Everyone": cells}, 0.8, "Month by month")
    trend_chart(months, {"One": cells, "Two": cells[::-1]}, 0.8, "Two lines")
    svg = trend_svg([Point(m, c) for m, c in zip(months, cells, strict=True)], 0.8, "t", "Trend")
    assert svg.startswith("<svg") and svg.endswith("</svg>")


@settings(max_examples=20, deadline=None)
@given(st.lists(cell_counts, min_size=1, max_size=6), st.sampled_from([1, 5, 10]))
def test_charts_draw_any_cells_heard_can_show(counts: list[tuple[int, int]], threshold: int):
    draw_every_chart(published(counts, threshold))


def test_charts_draw_unanimous_cells_one_answer_and_the_threshold() -> None:
    cells = published([(10, 10), (0, 10), (5, 5), (0, 5), (1, 1), (4, 4), (5000, 5000)])
    shown = [(c.ci_low, c.rate, c.ci_high) for c in cells if c.rate is not None]
    assert {rate for _, rate, _ in shown} == {0.0, 1.0}
    assert all(
        low is not None and high is not None and low <= rate <= high for low, rate, high in shown
    )
    assert [c.rate is None for c in cells][4:6] == [True, True]  # n=1 and n=4: hidden
    draw_every_chart(cells)


def test_charts_never_trust_an_interval_to_be_ordered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The charts stand on their own: an interval a float's width inside its rate (as
    the unclipped Wilson formula gives for 10 of 10) still draws."""

    def unclipped(k: int, n: int) -> tuple[float, float]:
        low, high = wilson_interval(k, n) or (0.0, 1.0)
        return (low + 1e-16 if k == 0 else low), (high - 1e-16 if k == n else high)

    monkeypatch.setattr(suppression, "wilson_interval", unclipped)
    cells = published([(10, 10), (0, 10), (7, 10)])
    assert cells[0].ci_high is not None and cells[0].ci_high < 1.0  # the bad interval is there
    draw_every_chart(cells)


# --------------------------------------------------------------------------- every output


@dataclass(frozen=True)
class Scenario:
    """Children in care answer "how happy at home" and foster carers "support overall"."""

    name: str
    children: tuple[int, int]  # (satisfied, answers) in August
    carers: tuple[int, int]
    earlier: tuple[int, int] = (0, 0)  # children in May: last quarter


SCENARIOS = [
    Scenario("everyone satisfied, last quarter too", (10, 10), (5, 5), (6, 6)),
    Scenario("nobody satisfied", (0, 7), (0, 6), (0, 6)),  # n where 0% once gave low > 0
    Scenario("100% beside 0%", (10, 10), (0, 5)),
    Scenario("one answer", (1, 1), (0, 0)),
    Scenario("exactly at the threshold", (5, 5), (0, 0)),
]


def _value(survey: str, question: str, happy: bool) -> str:
    options = CATALOGUE[survey].question(question).options
    return next(o.value for o in options if o.counts and o.satisfied_or_better == happy)


def answers(scenario: Scenario) -> list[Given]:
    rows: list[Given] = []
    groups = (
        ("c", "child_in_care", "11-17", "checkin-11-17", "home_happy", scenario.children, AUG),
        ("e", "child_in_care", "11-17", "checkin-11-17", "home_happy", scenario.earlier, MAY),
        ("f", "carer", "adult", "carer-feedback", "support_overall", scenario.carers, AUG),
    )
    for prefix, cohort, band, survey, question, (satisfied, n), when in groups:
        for i in range(n):
            value = _value(survey, question, i < satisfied)
            rows.append(Given(f"{prefix}{i}", cohort, band, survey, question, value, when))
    return rows


def rate(scenario: Scenario) -> float | None:
    """The headline: young people's answers only (foster carers' are apart)."""
    satisfied, n = scenario.children
    return satisfied / n if n >= 5 else None


def shown_cells(data: dict) -> list[dict]:
    """The headline and every breakdown cell that shows a rate."""
    every = [data["overall"], *(c for b in data["breakdowns"] for c in b["cells"])]
    return [c for c in every if c.get("rate") is not None]


def check_json(text: str, scenario: Scenario) -> None:
    data = json.loads(text)
    expected = rate(scenario)
    assert data["overall"]["rate"] == (None if expected is None else round(expected, 4))
    for cell in shown_cells(data):
        assert 0 <= cell["ci_low"] <= cell["rate"] <= cell["ci_high"] <= 1, cell
        assert (cell["ci_high"] == 1.0) == (cell["rate"] == 1.0), cell
        assert (cell["ci_low"] == 0.0) == (cell["rate"] == 0.0), cell
    [cohorts] = [b for b in data["breakdowns"] if b["name"] == "cohort"]
    [carers] = [b for b in data["carers"]["breakdowns"] if b["name"] == "cohort"]
    found = {c["cohort"]: c["rate"] for c in (*cohorts["cells"], *carers["cells"])}
    for cohort, (satisfied, n) in (
        ("child_in_care", scenario.children),
        ("carer", scenario.carers),
    ):
        if n >= 5:
            assert found[cohort] == satisfied / n, (cohort, found)
    satisfied, n = scenario.carers
    theirs = data["carers"]["overall"]["rate"]
    assert theirs == (round(satisfied / n, 4) if n >= 5 else None)


def check_html(text: str, scenario: Scenario) -> None:
    assert text.startswith("<!DOCTYPE html>") or "<html" in text[:200]
    expected = rate(scenario)
    if expected in (0.0, 1.0):
        assert f"{round(expected * 100)}%" in text
    assert text.count("data:image/svg+xml;base64,") >= 2


@pytest.fixture(params=SCENARIOS, ids=[s.name for s in SCENARIOS])
def scenario(request: pytest.FixtureRequest, database: Database) -> Scenario:
    chosen: Scenario = request.param
    seed(database, answers(chosen))
    return chosen


def test_every_report_format_renders(database: Database, scenario: Scenario) -> None:
    with database.engine.connect() as connection:
        report = build_report(connection, Q3, now=datetime(2026, 10, 2, tzinfo=UTC))
    check_json(render(report, "json"), scenario)
    check_html(render(report, "html"), scenario)
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    overall = next(r for r in rows if r["table"] == "overall")
    expected = rate(scenario)
    assert overall["rate"] == ("" if expected is None else str(round(expected, 4)))


def test_heard_report_and_the_scheduled_job_write_every_format(
    database: Database,
    settings: Settings,
    scenario: Scenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = argparse.Namespace(period="2026-Q3", format="html", out=str(tmp_path / "cli"))
    assert run_report(args, settings) == 0
    check_html((tmp_path / "cli" / "heard-report-2026-Q3.html").read_text(), scenario)
    with transaction(database.sessions) as session:
        session.execute(delete(models.GeneratedReport))
    # The job reads its settings from the environment, as the scheduler's process does.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_DATABASE_URL", settings.database_url)
    assert _scheduled_report(str(settings.data_dir), "2026-Q3") is True
    with transaction(database.sessions) as session:
        stored = {
            r.format: r.content
            for r in session.scalars(select(models.GeneratedReport)).all()
            if r.period_label == "2026-Q3"
        }
    assert set(stored) == {"html", "json", "csv"}
    check_html(stored["html"], scenario)
    check_json(stored["json"], scenario)


@pytest.fixture
def staff(clients: dict[str, FlaskClient], scenario: Scenario) -> Iterator[FlaskClient]:
    yield clients["participation"]


def test_the_dashboard_and_report_pages_render(staff: FlaskClient, scenario: Scenario) -> None:
    page = staff.get("/staff/dashboard?period=2026-Q3")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<svg class="chart chart-wide"' in html
    children = rows_named(html, "Children in care")
    satisfied, n = scenario.children
    if n >= 5 and children:
        assert children[0]["Actual"] == f"{round(100 * satisfied / n)}%", children[0]
        low, high = children[0]["95% interval"].split("–")
        assert int(low.rstrip("%")) <= round(100 * satisfied / n) <= int(high.rstrip("%"))
    for fmt in ("html", "csv"):
        download = staff.get(f"/staff/reports/now?period=2026-Q3&format={fmt}")
        assert download.status_code == 200, fmt
    check_html(staff.get("/staff/reports/now?period=2026-Q3").get_data(as_text=True), scenario)
    assert staff.get("/staff/themes?period=2026-Q3").status_code == 200
