"""The headline counts young people (children in care and care leavers) only.

The 80% target is young people's. Foster carers' answers used to be added into the
headline, its interval, RAG, trend and comparisons, so a quarter with carers' answers
and one without compared different mixes. Carers now have their own figure, labelled
"Foster carers (not in the young people's figure)", in the dashboard, the JSON, the
CSV and the HTML report, suppressed as every figure is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import test_web_staff_support as support
from flask.testing import FlaskClient
from test_report import Given, seed

from analysis.periods import Period, parse_period
from analysis.report import CARERS_TITLE, Report, ReportOptions, build_report, to_csv, to_html
from analysis.report import to_json as report_json
from heard.settings import Settings
from heard.wiring import Database
from storage.api_tokens import add_token
from storage.db import transaction
from webforms.app import create_app
from webforms.config import WebConfig

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

Q3, Q4 = parse_period("2026-Q3"), parse_period("2026-Q4")
AUG = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)
NOV = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
AFTER = datetime(2027, 1, 20, tzinfo=UTC)  # both quarters over: each counts all its months


def young(name: str, happy: bool, when: datetime = AUG) -> Given:
    return Given(
        name, "child_in_care", "11-17", "checkin-11-17", "home_happy", "4" if happy else "2", when
    )


def leaver(name: str, happy: bool, when: datetime = AUG) -> Given:
    value = "yes" if happy else "no"
    return Given(name, "care_leaver", "16-25", "checkin-care-leaver", "feel_safe_home", value, when)


def carer(name: str, happy: bool, when: datetime = AUG) -> Given:
    value = "5" if happy else "1"
    return Given(name, "carer", "adult", "carer-feedback", "support_overall", value, when)


def people(
    make: Callable[[str, bool, datetime], Given],
    count: int,
    happy: int,
    prefix: str,
    when: datetime = AUG,
) -> list[Given]:
    return [make(f"{prefix}{i}", i < happy, when) for i in range(count)]


def report_for(database: Database, rows: list[Given], period: Period = Q3) -> Report:
    seed(database, rows)
    with database.engine.connect() as connection:
        return build_report(connection, period, ReportOptions(), now=AFTER)


def test_the_headline_is_young_peoples_rate_not_carers_mixed_in(database: Database) -> None:
    # young people 9 of 12 (75%: amber); carers 1 of 10 (10%); mixed would be 10 of 22
    rows = people(young, 8, 6, "c") + people(leaver, 4, 3, "l") + people(carer, 10, 1, "f")
    report = report_for(database, rows)
    assert (report.overall.n, report.overall.rate) == (12, pytest.approx(9 / 12))
    assert report.overall.rag == "amber"
    assert report.overall.ci_low is not None and report.overall.ci_low > 0.4
    assert report.people.n == 12
    assert "children in care and care leavers" in report.overall.sentence
    assert "all answers" not in report.overall.sentence
    carers = report.carers
    assert carers is not None and carers.title == CARERS_TITLE
    assert (carers.overall.n, carers.overall.rate) == (10, pytest.approx(0.1))
    assert carers.overall.rag == "red" and "foster carers" in carers.overall.sentence
    # the month's trend counts young people only too
    [august] = [c for c in report.monthly if c.key["month"] == "2026-08"]
    assert (august.n, august.rate) == (12, pytest.approx(0.75))
    # by who answered: young people's groups only; carers' in their own tables
    cohort = report.breakdown("cohort")
    assert cohort is not None and {c.key["cohort"] for c in cohort.cells} == {
        "child_in_care",
        "care_leaver",
    }

    data = json.loads(report_json(report))
    assert (data["overall"]["n"], data["overall"]["rate"]) == (12, 0.75)
    assert data["carers"]["title"] == CARERS_TITLE
    assert (data["carers"]["overall"]["n"], data["carers"]["overall"]["rate"]) == (10, 0.1)
    assert "children in care and care leavers" in data["methods"]["who_is_counted"]

    rows_csv = list(csv.DictReader(io.StringIO(to_csv(report))))
    [overall] = [r for r in rows_csv if r["table"] == "overall"]
    assert (overall["n"], overall["rate"]) == ("12", "0.75")
    [theirs] = [r for r in rows_csv if r["table"] == "carers_overall"]
    assert (theirs["n"], theirs["rate"]) == ("10", "0.1")
    assert not [r for r in rows_csv if r["table"] == "cohort" and r["cohort"] == "carer"]

    page = to_html(report)
    assert CARERS_TITLE.replace("'", "&#39;") in page
    assert "count <strong>children in care and care leavers</strong> only" in page


@pytest.mark.parametrize(
    ("young_count", "young_happy", "shown"),
    [
        (1, 1, None),  # n=1: hidden, carers' answers cannot lift it over the threshold
        (4, 4, None),  # one under the threshold: hidden
        (5, 0, 0.0),  # at the threshold: shown, 0%
        (5, 5, 1.0),  # 100%
        (7, 0, 0.0),
    ],
)
def test_edges_and_the_threshold_count_young_people_alone(
    database: Database, young_count: int, young_happy: int, shown: float | None
) -> None:
    rows = people(young, young_count, young_happy, "c") + people(carer, 8, 4, "f")
    report = report_for(database, rows)
    assert report.overall.rate == shown
    if shown is None:
        assert report.overall.n is None and report.overall.n_display == "fewer than 5"
        assert report.overall.rag is None
    else:
        assert report.overall.n == young_count
        assert report.overall.rag == ("green" if shown >= 0.8 else "red")
    assert report.carers is not None
    assert (report.carers.overall.n, report.carers.overall.rate) == (8, 0.5)


def test_a_carers_figure_under_the_threshold_is_hidden_and_the_headline_is_not(
    database: Database,
) -> None:
    report = report_for(database, people(young, 10, 8, "c") + people(carer, 3, 0, "f"))
    assert (report.overall.n, report.overall.rate) == (10, 0.8)
    assert report.carers is not None
    assert report.carers.overall.rate is None
    assert report.carers.overall.n_display == "fewer than 5"


def test_across_a_quarter_boundary_the_change_compares_young_people_with_young_people(
    database: Database,
) -> None:
    """Q3: young people 8 of 10 and carers 0 of 10 (mixed: 40%). Q4: young people 8 of
    10, no carers. The old headline read "up from 40%, a significant rise"."""
    rows = people(young, 10, 8, "c") + people(carer, 10, 0, "f")
    rows += people(young, 10, 8, "d", NOV)
    report = report_for(database, rows, Q4)
    assert (report.overall.n, report.overall.rate) == (10, 0.8)
    assert report.overall.previous_rate == 0.8
    assert report.overall.direction == "same" and not report.overall.significant
    last = report.comparisons[0]
    assert (last.period, last.shown, last.ours) == ("2026-Q3", "80%", "the same as")
    assert report.carers is not None
    assert report.carers.overall.n == 0
    assert report.carers.overall.previous_rate is None or report.carers.overall.rate is None


def test_a_period_with_only_carers_has_no_headline_and_shows_carers_apart(
    database: Database,
) -> None:
    report = report_for(database, people(carer, 9, 6, "f"))
    assert report.overall.n == 0 and report.overall.rate is None
    assert report.people.n == 0
    assert report.carers is not None
    assert (report.carers.overall.n, report.carers.overall.rate) == (9, pytest.approx(6 / 9))
    assert all(c.rate is None for c in report.monthly)
    to_html(report), to_csv(report), report_json(report)  # every format renders


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_dashboard_shows_carers_apart_and_filters_to_them(
    database: Database, clients: dict[str, FlaskClient]
) -> None:
    when = datetime.now(UTC)
    quarter = f"{when.year}-Q{(when.month - 1) // 3 + 1}"
    # this quarter so far: young people 9 of 12 (75%), carers 1 of 10 (10%)
    rows = people(young, 8, 6, "c", when) + people(leaver, 4, 3, "l", when)
    seed(database, rows + people(carer, 10, 1, "f", when))
    client = clients["participation"]
    page = client.get(f"/staff/dashboard?period={quarter}").get_data(as_text=True)
    tiles = page.split('id="carers"')
    assert len(tiles) == 2, "one carers' section"
    headline, carers_part = tiles
    assert "75%" in headline and "10%" not in headline.split("Against the target")[1]
    assert "Foster carers (not in the young people&#39;s figure)" in carers_part
    assert "10%" in carers_part
    assert "counts children in care and care leavers only" in page
    filtered = client.get(f"/staff/dashboard?period={quarter}&cohort=carer")
    assert filtered.status_code == 200
    body = filtered.get_data(as_text=True)
    assert "10%" in body and "No answers from this group" not in body
    leavers = client.get(f"/staff/dashboard?period={quarter}&cohort=care_leaver")
    assert "No answers from this group" not in leavers.get_data(as_text=True)


def test_the_bi_api_serves_the_young_peoples_headline_and_carers_apart(
    database: Database, settings: Settings
) -> None:
    seed(database, people(young, 8, 6, "c") + people(leaver, 4, 3, "l") + people(carer, 10, 1, "f"))
    app = create_app(database.sessions, WebConfig(secret_key=settings.secret_key))
    app.config["TESTING"] = True
    with transaction(database.sessions) as session:
        token = add_token(session, "power-bi")[1]
    response = app.test_client().get(
        "/api/v1/kpi?period=2026-Q3", headers={"Authorization": f"Bearer {token}"}
    )
    data = response.get_json()
    assert (data["overall"]["n"], data["overall"]["rate"]) == (12, 0.75)
    assert data["headline_counts"].startswith("children in care and care leavers")
    assert (data["carers"]["overall"]["n"], data["carers"]["overall"]["rate"]) == (10, 0.1)


def test_carers_running_quarter_counts_their_complete_months_while_their_month_is_small(
    database: Database,
) -> None:
    # On 6 December: carers' October and November are shown (6 each), December so far has
    # 2 carers' answers. Carers' quarter would give those 2 away (the quarter less October
    # and November), so it counts October and November, as the young people's headline does
    # on young people's own month so far (here 12 answers: shown, the quarter is whole).
    oct_, nov, dec = (
        datetime(2026, m, d, 12, 0, tzinfo=UTC) for m, d in ((10, 9), (11, 9), (12, 2))
    )
    rows = people(carer, 6, 5, "fo", oct_) + people(carer, 6, 3, "fn", nov)
    rows += people(carer, 2, 0, "fd", dec)
    for name, when in (("o", oct_), ("n", nov), ("d", dec)):
        rows += people(young, 8, 6, f"c{name}", when) + people(leaver, 4, 3, f"l{name}", when)
    seed(database, rows)
    dec_6 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    with database.engine.connect() as connection:
        report = build_report(connection, Q4, ReportOptions(), now=dec_6)
        december = build_report(connection, parse_period("2026-12"), ReportOptions(), now=dec_6)
    assert report.counted is None and report.overall.n == 36  # young people's, whole
    carers = report.carers
    assert carers is not None and carers.counted is not None
    assert (carers.overall.n, carers.overall.rate) == (12, pytest.approx(8 / 12))
    assert carers.counted.last_day.isoformat() == "2026-11-30"
    assert carers.counted_to is not None
    assert carers.counted_to.startswith("To 30 November: December so far has too few answers")
    assert "to 30 November" in carers.overall.sentence
    assert december.carers is not None and december.carers.overall.n is None  # still hidden
    assert {c.key["month"]: c.n for c in carers.monthly}["2026-12"] is None
    html = to_html(report)
    assert 'id="carers-counted-to"' in html and "this quarter to 30 November" in html
    data = json.loads(report_json(report))["carers"]
    assert (data["counted_to"], data["overall"]["n"]) == ("2026-11-30", 12)
    assert data["counted_note"] == carers.counted_to
    # who we heard from counts carers as their figures do: 12 to 30 November, not 14 (the
    # difference would be December's 2); young people over the whole quarter
    heard = {(c.key["cohort"], c.key["age_band"]): c.n for c in report.coverage}
    assert heard[("carer", "all")] == 12 and heard[("child_in_care", "all")] == 24
    assert report.coverage_counted_to == (
        "Counted as the figures above count them: foster carers to 30 November."
    )
    assert 'id="coverage-counted-to"' in html
    assert json.loads(report_json(report))["coverage"]["counted_note"] == report.coverage_counted_to

    # three more carers answer in December: December shows, and the quarter is whole again
    seed(database, people(carer, 3, 3, "fe", dec))
    with database.engine.connect() as connection:
        whole = build_report(connection, Q4, ReportOptions(), now=dec_6)
    assert whole.carers is not None and whole.carers.counted is None
    assert whole.carers.counted_to is None and whole.carers.overall.n == 17
    assert whole.coverage_counted_to is None
    assert {(c.key["cohort"], c.key["age_band"]): c.n for c in whole.coverage}[
        ("carer", "all")
    ] == 17
    assert json.loads(report_json(whole))["carers"]["counted_to"] is None
