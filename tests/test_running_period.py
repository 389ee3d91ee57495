"""A quarter or financial year still running, whose current month so far is small.

Found walking the demo on 6 December: full October and November, then three December
answers. December's headline is rightly hidden (fewer than 5); but the quarter minus
October and November would have given December away, so the quarter's headline was hidden
too, then the financial year's, and "last quarter" was said to have no data. Now a running
period counts its complete months until the current month has enough to show, and says so;
other periods' headlines are shown as their own plans show them, or why not in words.

`leaks` plays the attacker over every figure the reports and the dashboard show: each is
a sum of month-level unknowns, each table adds up where the data says it does, and a hidden
figure is given away when its sum lies in the span of the known ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from random import Random

import numpy as np
import pytest
import test_web_staff_support as staff_support
from flask import Flask
from flask.testing import FlaskClient
from test_report import Given, seed

from analysis.periods import Period, months_in, parse_period
from analysis.report import Report, ReportOptions, build_report, to_html
from analysis.suppression import SafeKpi
from heard.settings import Settings
from heard.wiring import Database
from storage.db import transaction
from storage.staff import add_staff
from webforms.app import create_app
from webforms.config import WebConfig
from webforms.staff.filters import AGE_BAND_CHOICES, COHORT_CHOICES, Filter, dashboard_figures
from webforms.staff.passwords import hash_password

fast_hashing = staff_support.fast_hashing

THRESHOLD = 5
OPTIONS = ReportOptions(threshold=THRESHOLD, timezone="Europe/London")
YOUNG = ("child_in_care", "11-17", "checkin-11-17", "home_happy", ("1", "2", "4", "5"))
CARERS = ("carer", "adult", "carer-feedback", "support_overall", ("1", "2", "4", "5"))
LEAVERS = ("care_leaver", "16-25", "checkin-care-leaver", "feel_safe_home", ("no", "yes"))


def _month_labels(first: str, last: str) -> list[str]:
    span = Period(parse_period(first).start, parse_period(last).end, "range")
    return [m.label for m in months_in(span)]


def council(
    months: Iterable[str],
    small: dict[str, int],
    *,
    satisfied: float | None = None,
    seed_: int = 7,
    carers: dict[str, int] | None = None,
) -> list[Given]:
    """Each month of `months`: 9 young people and 6 care leavers (a few in residential
    homes, a small group to protect); each month in `small`: that many young people only;
    each month in `carers`: that many foster carers. `satisfied`: the share answering
    satisfied or better (None: at random)."""
    rng = Random(seed_)
    answers: list[Given] = []

    def answer(month: str, who: tuple, i: int, day: int) -> None:
        cohort, band, survey, question, values = who
        good, bad = values[len(values) // 2 :], values[: len(values) // 2]
        if satisfied is None:
            value = rng.choice(values)
        else:
            value = rng.choice(good if rng.random() < satisfied else bad)
        when = datetime(int(month[:4]), int(month[5:]), day, 12, 0, tzinfo=UTC)
        home = "residential" if rng.random() < 0.15 else "foster"
        person = f"{month}-{cohort}-{i}"
        answers.append(Given(person, cohort, band, survey, question, value, when, home))

    for month in months:
        for i in range(9):
            answer(month, YOUNG, i, rng.randint(1, 28))
        for i in range(6):
            answer(month, LEAVERS, i, rng.randint(1, 28))
    for month, count in small.items():
        for i in range(count):
            answer(month, YOUNG, 100 + i, 2 + i % 3)
    for month, count in (carers or {}).items():
        for i in range(count):
            answer(month, CARERS, 200 + i, 2 + i % 3)
    return answers


def report(database: Database, period: str, today: date, threshold: int = THRESHOLD) -> Report:
    now = datetime(today.year, today.month, today.day, 12, 0, tzinfo=UTC)
    options = ReportOptions(threshold=threshold, timezone="Europe/London")
    with database.engine.connect() as connection:
        return build_report(connection, parse_period(period), options, now=now)


# --------------------------------------------------------------------------- the attacker


FAMILY = ("family", "foster carers")  # in the key of every carers' figure


@dataclass(frozen=True)
class Figure:
    view: str
    months: tuple[str, ...]  # the months the figure adds up
    key: frozenset[tuple[str, str]]
    n: int | None
    satisfied: int | None


def _kpi_cells(report: Report) -> Iterator[SafeKpi]:
    yield report.overall
    if report.year_on_year is not None:
        yield report.year_on_year
    for extra in (report.by_arrival, report.by_language, report.by_help):
        if extra is not None:
            yield from extra.cells
    for table in (*report.breakdowns, *report.within):
        yield from table.cells
    yield from report.monthly
    yield from report.monthly_by_cohort
    for chosen in _filters():
        figures = dashboard_figures(report, chosen)
        if figures.overall is not None:
            yield figures.overall
        yield from figures.monthly
        for section in figures.sections:
            yield from section.cells


def _filters() -> list[Filter]:
    chosen = [Filter(cohort=c) for c, _ in COHORT_CHOICES]
    chosen += [Filter(age_band=b) for b, _ in AGE_BAND_CHOICES]
    return chosen


def _carers_cells(report: Report) -> Iterator[SafeKpi]:
    carers = report.carers
    if carers is None:
        return
    yield carers.overall
    if carers.year_on_year is not None:
        yield carers.year_on_year
    for table in (*carers.breakdowns, *carers.within):
        yield from table.cells
    yield from carers.monthly
    yield from carers.monthly_by_cohort


def figures_of(report: Report) -> list[Figure]:
    """Every answers figure a report (and the dashboard's views of it) shows, with the
    months it really counts: a running period cut short counts fewer. Foster carers'
    figures are a family of their own (FAMILY in their key), cut short on their own."""
    found = []
    carers_span = (report.carers and report.carers.counted) or report.period
    for cells, carers_own in ((_kpi_cells(report), False), (_carers_cells(report), True)):
        for cell in cells:
            if cell.measure != "answers":
                continue
            key = dict(cell.dimensions)
            month = key.pop("month", None)
            # the dashboard's views of carers alone (or adults: carers) show carers' cells
            theirs = carers_own or key.get("cohort") == "carer" or key.get("age_band") == "adult"
            family = (FAMILY,) if theirs else ()
            span = carers_span if theirs else report.counted or report.period
            months = (month,) if month else tuple(m.label for m in months_in(span))
            n = cell.n
            satisfied = None if n is None or cell.rate is None else round(cell.rate * n)
            satisfied = 0 if n == 0 else satisfied
            where = frozenset((*key.items(), *family))
            found.append(Figure(report.period.label, months, where, n, satisfied))
    return found


def truth_of(database: Database, months: Iterable[str], today: date) -> dict:
    """Every month's true counts, from the same report with nothing small (threshold 1)."""
    truth: dict[tuple[str, frozenset[tuple[str, str]]], tuple[int, int]] = {}
    for month in months:
        for figure in figures_of(report(database, month, today, threshold=1)):
            if figure.months == (month,):
                assert figure.n is not None and figure.satisfied is not None
                truth[(month, figure.key)] = (figure.n, figure.satisfied)
    return truth


def leaks(shown: list[Figure], truth: dict) -> list[str]:
    """Hidden figures that the shown ones, with every sum true of the data, pin down."""
    cells = sorted(truth, key=lambda c: (c[0], sorted(c[1])))
    place = {c: i for i, c in enumerate(cells)}
    found: list[str] = []
    for measure in (0, 1):
        rows: list[np.ndarray] = []
        # figures the attacker knows, and that the reading is right
        for f in shown:
            value = (f.n, f.satisfied)[measure]
            if value is None or any((m, f.key) not in place for m in f.months):
                continue
            assert value == sum(truth[(m, f.key)][measure] for m in f.months), f
            row = np.zeros(len(cells))
            row[[place[(m, f.key)] for m in f.months]] = 1
            rows.append(row)
        # a table's cells add up to the table without one of its dimensions, where true
        by_parent: dict[tuple, list] = {}
        for month, key in cells:
            for pair in key - {FAMILY}:
                parent = key - {pair}
                by_parent.setdefault((month, parent, pair[0], key - {pair}), []).append(key)
        for (month, parent, _, _), children in by_parent.items():
            if (month, parent) not in place:
                continue
            total = sum(truth[(month, c)][measure] for c in children)
            if total != truth[(month, parent)][measure]:
                continue
            row = np.zeros(len(cells))
            row[place[(month, parent)]] = -1
            row[[place[(month, c)] for c in children]] = 1
            rows.append(row)
        matrix = np.array(rows)
        _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        basis = vt[singular > 1e-9 * max(1.0, singular.max(initial=0.0))]
        for f in shown:
            if (f.n, f.satisfied)[measure] is not None:
                continue
            if any((m, f.key) not in place for m in f.months):
                continue
            vector = np.zeros(len(cells))
            vector[[place[(m, f.key)] for m in f.months]] = 1
            if not any(truth[(m, f.key)][measure] for m in f.months):
                continue
            if np.linalg.norm(vector - basis.T @ (basis @ vector)) < 1e-6:
                value = sum(truth[(m, f.key)][measure] for m in f.months)
                found.append(
                    f"{'n' if measure == 0 else 'satisfied'}={value} of {dict(f.key)} "
                    f"over {'+'.join(f.months)}, hidden in {f.view}"
                )
    return sorted(set(found))


def every_view(database: Database, periods: Iterable[str], today: date) -> list[Figure]:
    return [f for period in periods for f in figures_of(report(database, period, today))]


# --------------------------------------------------------------------------- the tests

DEC_6 = date(2026, 12, 6)
DEMO_PERIODS = _month_labels("2026-04", "2026-12") + ["2026-Q2", "2026-Q3", "2026-Q4", "2026-27"]


def test_a_small_december_so_far_leaves_the_quarter_and_year_headlines_shown(
    database: Database,
) -> None:
    seed(database, council(_month_labels("2026-04", "2026-11"), {"2026-12": 3}))
    q4 = report(database, "2026-Q4", DEC_6)
    october, november = (report(database, m, DEC_6).overall for m in ("2026-10", "2026-11"))
    assert october.n is not None and november.n is not None
    # the quarter counts October and November, with n and interval, and says why
    assert q4.overall.suppressed is None
    assert q4.overall.n == october.n + november.n
    assert q4.overall.ci_low is not None and q4.overall.ci_high is not None
    assert q4.counted is not None and q4.counted.last_day == date(2026, 11, 30)
    assert q4.counted_to is not None
    assert q4.counted_to.startswith("To 30 November: December so far has too few answers")
    assert "this quarter to 30 November" in q4.overall.sentence
    # who we heard from counts to 30 November too: 9 a month, not December's 3 more
    heard = {(c.key["cohort"], c.key["age_band"]): c.n for c in q4.coverage}
    assert heard[("child_in_care", "all")] == 18
    assert q4.coverage_counted_to == (
        "Counted as the figures above count them: children in care and care leavers to 30 November."
    )
    # and the report's tables say so in their captions
    html = to_html(q4)
    assert "Satisfied or better, October to December 2026 to 30 November: target" in html
    breakdowns = html.split('id="breakdowns"', 1)[1].split("</section>", 1)[0]
    captions = re.findall(r"<caption[^>]*>([^<]*)</caption>", breakdowns)
    assert captions and all(c.endswith("October to December 2026 to 30 November") for c in captions)
    # the financial year too
    year = report(database, "2026-27", DEC_6)
    assert year.overall.suppressed is None and year.overall.ci_low is not None
    assert year.counted_to is not None and year.counted_to.startswith("To 30 November")
    # December itself stays hidden, on its own page and in the quarter's chart
    december = report(database, "2026-12", DEC_6)
    assert december.overall.suppressed == "primary" and december.overall.n is None
    assert december.counted_to is None
    chart = {c.key["month"]: c for c in q4.monthly}
    assert chart["2026-12"].n is None
    # the breakdowns count what the headline counts: nothing from December
    assert q4.by_arrival is not None
    assert sum(c.n or 0 for c in q4.by_arrival.cells) == q4.overall.n
    # last quarter and last month are shown as their own reports show them
    q3 = report(database, "2026-Q3", DEC_6).overall
    assert q4.comparisons[0].period == "2026-Q3" and q3.rate is not None
    assert q4.comparisons[0].rate == q3.rate
    assert q4.comparisons[0].shown.endswith("%")
    assert december.comparisons[0].period == "2026-11"
    assert december.comparisons[0].rate == november.rate
    # and no arithmetic across every figure shown recovers December or any hidden cell
    shown = every_view(database, DEMO_PERIODS, DEC_6)
    truth = truth_of(database, _month_labels("2026-03", "2026-12"), DEC_6)
    assert truth[("2026-12", frozenset())][0] == 3
    assert not leaks(shown, truth)


@pytest.mark.parametrize(
    ("december", "cut"), [(0, False), (1, True), (THRESHOLD - 1, True), (THRESHOLD, False)]
)
def test_december_joins_the_quarter_once_it_reaches_the_threshold(
    database: Database, december: int, cut: bool
) -> None:
    seed(database, council(["2026-10", "2026-11"], {"2026-12": december} if december else {}))
    q4 = report(database, "2026-Q4", DEC_6)
    months = {c.key["month"]: c for c in q4.monthly}
    assert (q4.counted_to is not None) is cut
    assert q4.overall.suppressed is None
    expected = months["2026-10"].n + months["2026-11"].n  # type: ignore[operator]
    assert q4.overall.n == expected + (0 if cut else december)
    assert (months["2026-12"].n is None) is (0 < december < THRESHOLD)
    shown = every_view(database, ["2026-10", "2026-11", "2026-12", "2026-Q4", "2026-27"], DEC_6)
    assert not leaks(shown, truth_of(database, ["2026-10", "2026-11", "2026-12"], DEC_6))


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_a_cut_quarter_at_0_and_100_percent_still_shows_its_interval(
    database: Database, share: float
) -> None:
    seed(database, council(["2026-10", "2026-11"], {"2026-12": 2}, satisfied=share))
    q4 = report(database, "2026-Q4", DEC_6)
    assert q4.overall.rate == share and q4.counted_to is not None
    assert q4.overall.ci_low is not None and q4.overall.ci_high is not None
    assert q4.overall.ci_low <= share <= q4.overall.ci_high
    shown = every_view(database, ["2026-10", "2026-11", "2026-12", "2026-Q4", "2026-27"], DEC_6)
    assert not leaks(shown, truth_of(database, ["2026-10", "2026-11", "2026-12"], DEC_6))


def test_across_the_year_boundary(database: Database) -> None:
    """A small March so far: the financial year counts to 28 February. A small April so
    far, the first month of a new year and quarter: nothing complete to count, so those
    headlines are April's (hidden), and last financial year is shown whole beside them."""
    seed(database, council(_month_labels("2026-12", "2027-02"), {"2027-03": 2, "2027-04": 3}))
    march_5 = date(2027, 3, 5)
    year = report(database, "2026-27", march_5)
    assert year.overall.suppressed is None and year.counted_to is not None
    assert year.counted_to.startswith("To 28 February: March so far")
    quarter = report(database, "2027-Q1", march_5)
    assert quarter.overall.suppressed is None and quarter.counted is not None
    assert quarter.counted.last_day == date(2027, 2, 28)
    periods = ["2026-12", "2027-01", "2027-02", "2027-03", "2026-Q4", "2027-Q1", "2026-27"]
    months = ["2026-12", "2027-01", "2027-02", "2027-03"]
    assert not leaks(every_view(database, periods, march_5), truth_of(database, months, march_5))

    april_3 = date(2027, 4, 3)
    new_year = report(database, "2027-28", april_3)
    assert new_year.counted_to is None and new_year.overall.n is None
    ended = report(database, "2026-27", april_3)
    assert ended.counted_to is None  # ended: every month counts, March's two as well
    row = new_year.comparisons[0]
    assert row.period == "2026-27"
    assert row.rate == ended.overall.rate or ended.overall.rate is None
    if ended.overall.rate is None:
        assert "no answers" not in row.shown
    periods = ["2027-03", "2027-04", "2027-Q1", "2027-Q2", "2026-27", "2027-28"]
    months = ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04"]
    assert not leaks(every_view(database, periods, april_3), truth_of(database, months, april_3))


def test_a_comparator_hidden_to_protect_another_figure_does_not_say_there_was_none(
    database: Database,
) -> None:
    """An ended quarter with a month of 3: the quarter is hidden to protect that month
    (secondary), so the next quarter's "last quarter" says it was hidden, not that there
    were too few answers or none."""
    seed(database, council(["2026-07", "2026-08"], {"2026-09": 3, "2026-10": 0}))
    seed(database, council(["2026-10", "2026-11"], {}, seed_=8))
    q3 = report(database, "2026-Q3", DEC_6)
    assert q3.overall.suppressed == "secondary"
    q4 = report(database, "2026-Q4", DEC_6)
    row = q4.comparisons[0]
    assert row.period == "2026-Q3" and row.rate is None
    assert "fewer answers than the threshold, or none" not in row.shown
    assert "no answers" not in row.shown and "hidden" in row.shown


@pytest.fixture
def app(database: Database, settings: Settings, fast_hashing: None) -> Flask:
    config = WebConfig(
        secret_key=settings.secret_key,
        suppression_threshold=THRESHOLD,
        timezone="Europe/London",
    )
    app = create_app(database.sessions, config)
    app.config["TESTING"] = True
    return app


def participation_on_6_december(
    app: Flask, database: Database, monkeypatch: pytest.MonkeyPatch
) -> FlaskClient:
    """A participation officer signed in, late on 6 December."""
    monkeypatch.setattr(
        "webforms.staff.figures.utcnow", lambda: datetime(2026, 12, 6, 23, 41, tzinfo=UTC)
    )
    with transaction(database.sessions) as session:
        add_staff(
            session,
            email=staff_support.EMAILS["participation"],
            password_hash=hash_password(staff_support.PASSWORD),
            role="participation",
        )
    staff = app.test_client()
    assert staff_support.login(staff, staff_support.EMAILS["participation"]).status_code == 302
    return staff


def test_the_dashboard_says_what_the_quarter_counts(
    app: Flask, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    carers = {"2026-10": 6, "2026-11": 6, "2026-12": 1}
    seed(database, council(_month_labels("2026-07", "2026-11"), {"2026-12": 3}, carers=carers))
    staff = participation_on_6_december(app, database, monkeypatch)
    page = staff.get("/staff/dashboard").get_data(as_text=True)
    assert "To 30 November: December so far has too few answers to show" in page
    assert "this quarter to 30 November" in page
    assert "October to December 2026 to 30 November" in page  # the breakdowns' captions
    assert "fewer answers than the threshold, or none" not in page
    # foster carers' own figures, cut short on their own month so far, say so beside them
    carers_part = page.split('id="carers"')[1]
    assert 'id="carers-counted-to"' in carers_part and "To 30 November" in carers_part
    year = staff.get("/staff/dashboard?period=2026-27").get_data(as_text=True)
    assert "To 30 November: December so far has too few answers to show" in year
    december = staff.get("/staff/dashboard?period=2026-12").get_data(as_text=True)
    assert "To 30 November" not in december
    assert "fewer answers than the threshold, or none" not in december


def test_carers_small_december_leaves_their_quarter_shown_and_gives_nothing_away(
    database: Database,
) -> None:
    # Young people's December is large (shown, their quarter whole); foster carers'
    # December so far is 2: carers' quarter and year count their complete months.
    months = _month_labels("2026-04", "2026-12")
    carers = {m: 6 for m in months[:-1]} | {"2026-12": 2}
    seed(database, council(months, {}, carers=carers))
    q4 = report(database, "2026-Q4", DEC_6)
    assert q4.counted is None and q4.carers is not None
    assert q4.carers.counted is not None and q4.carers.counted.last_day == date(2026, 11, 30)
    assert q4.carers.overall.n == 12 and q4.carers.overall.ci_low is not None
    year = report(database, "2026-27", DEC_6).carers
    assert year is not None and year.overall.n == 6 * 8
    shown = every_view(database, DEMO_PERIODS, DEC_6)
    truth = truth_of(database, _month_labels("2026-03", "2026-12"), DEC_6)
    assert truth[("2026-12", frozenset({FAMILY}))][0] == 2
    assert not leaks(shown, truth)


def test_a_view_of_foster_carers_says_what_their_quarter_counts(
    app: Flask, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Young people's December is large (their quarter is whole); carers' December so far
    # is 1, so carers' quarter counts October and November, and only carers' views say so.
    months = _month_labels("2026-10", "2026-12")
    carers = {"2026-10": 6, "2026-11": 6, "2026-12": 1}
    seed(database, council(months, {}, carers=carers))
    staff = participation_on_6_december(app, database, monkeypatch)
    everyone = staff.get("/staff/dashboard").get_data(as_text=True)
    top, carers_part = everyone.split('id="carers"')
    assert 'id="counted-to"' not in top
    assert "To 30 November: December so far has too few answers" in carers_part
    for view in ("cohort=carer", "age_band=adult"):
        page = staff.get(f"/staff/dashboard?{view}").get_data(as_text=True)
        assert 'id="counted-to"' in page, view
        assert "To 30 November: December so far has too few answers" in page, view
        assert "this quarter to 30 November" in page, view
        # the breakdowns' captions say the span they count too
        assert "October to December 2026 to 30 November" in page, view
    young = staff.get("/staff/dashboard?cohort=child_in_care").get_data(as_text=True)
    assert "To 30 November" not in young and "2026 to 30 November" not in young


def test_carers_with_none_to_30_november_are_not_said_to_have_none_this_quarter(
    app: Flask, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found walking the demo: carers answer in January and July only, so on 6 December
    # with 3 carers' answers so far the page said "No answers from foster carers in
    # October to December 2026" under a notice that December has fewer than 5.
    seed(database, council(_month_labels("2026-10", "2026-12"), {}, carers={"2026-12": 3}))
    staff = participation_on_6_december(app, database, monkeypatch)
    carers_part = staff.get("/staff/dashboard").get_data(as_text=True).split('id="carers"')[1]
    assert "December so far has too few answers from foster carers to show" in carers_part
    assert "No answers from foster carers between 1 October and 30 November." in carers_part
    assert "in October to December 2026" not in carers_part.split("</section>")[0]
    theirs = staff.get("/staff/dashboard?cohort=carer").get_data(as_text=True)
    assert "No answers from this group between 1 October and 30 November." in theirs
    assert "no answers between 1 October and 30 November." in theirs  # the headline sentence


def test_carers_other_figures_count_the_months_their_kpi_counts(database: Database) -> None:
    # Young people's December is large, so the quarter's tables count it; foster carers'
    # December so far is 2, so carers' KPI counts to 30 November. Their domain and
    # question rows must count to 30 November too: beside the KPI, a whole-quarter
    # "Support for foster carers" row would give December's 2 away by subtraction.
    months = _month_labels("2026-04", "2026-12")
    carers = {m: 6 for m in months[:-1]} | {"2026-12": 2}
    seed(database, council(months, {}, carers=carers))
    q4 = report(database, "2026-Q4", DEC_6)
    assert q4.counted is None and q4.carers is not None and q4.carers.counted is not None
    rows = [
        row
        for table in (q4.domains, q4.questions)
        for row in table
        if row.key.get("cohort") == "carer" and row.n is not None
    ]
    assert rows, "carers' rows are shown, not hidden for December's few"
    assert all(row.n == 12 for row in rows), [(row.key, row.n) for row in rows]
    # young people's rows still count December
    young = [row for row in q4.domains if row.key.get("cohort") == "child_in_care"]
    assert any(row.n == 9 * 3 for row in young if row.n is not None)
