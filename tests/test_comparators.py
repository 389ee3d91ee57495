"""Comparators: the previous period and the same period last year, always, and the
council's own figures from a checked file; financial years through the whole report."""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import test_web_staff_support as staff_support
from test_report import CATALOGUE, Given, seed

from analysis.comparators import COMPARATORS_FILE, load_comparators
from analysis.periods import parse_period
from analysis.report import ReportOptions, build_report, render
from heard.report_command import run_report
from heard.settings import Settings
from heard.wiring import Database
from storage.datafiles import DataFileError

fast_hashing = staff_support.fast_hashing  # a fixture
ENTRY = "  - name: X\n    value: 78\n    period: 2025-26\n    source: S\n    date: 2026-05-14\n"

GOOD = """\
comparators:
  - name: Statistical neighbours (average)
    value: 78
    period: 2025-26
    source: Regional benchmarking return
    date: 2026-05-14
  - name: England
    value: "82.5%"
    period: "2025"
    source: A national survey
    date: 2026-01-30
    note: asked of 11 to 17 year olds only
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "comparators.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_invents_no_numbers() -> None:
    assert load_comparators() == ()
    assert load_comparators(COMPARATORS_FILE) == ()


def test_a_councils_file_is_read_with_sources_and_dates(tmp_path: Path) -> None:
    first, second = load_comparators(_write(tmp_path, GOOD))
    assert (first.name, first.rate, first.period) == (
        "Statistical neighbours (average)",
        0.78,
        "2025-26",
    )
    assert first.published.isoformat() == "2026-05-14" and first.source
    assert second.rate == pytest.approx(0.825) and second.period == "2025"
    assert second.note == "asked of 11 to 17 year olds only"


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        (
            "  - name: X\n    value: 78\n    period: 2025-26\n    date: 2026-05-14\n",
            "'source' is missing",
        ),
        ("  - name: X\n    value: 78\n    period: 2025-26\n    source: S\n", "'date' is missing"),
        (
            ENTRY.replace("value: 78", "value: 178"),
            "0 to 100",
        ),
        (
            ENTRY.replace("value: 78", "value: lots"),
            "0 to 100",
        ),
        (
            ENTRY.replace("2026-05-14", "14/05/2026"),
            "'date'",
        ),
        (
            ENTRY + "    colour: red\n",
            "unknown key 'colour'",
        ),
        (
            "  - value: 78\n    period: 2025-26\n    source: S\n    date: 2026-05-14\n",
            "'name' is missing",
        ),
        ("  - just a line\n", "expected"),
    ],
)
def test_mistakes_name_the_file_the_entry_and_the_fix(
    tmp_path: Path, entry: str, says: str
) -> None:
    path = _write(tmp_path, "comparators:\n" + entry)
    with pytest.raises(DataFileError) as error:
        load_comparators(path)
    message = str(error.value)
    assert says in message and "comparators.yaml" in message and "comparators[1]" in message


def test_a_file_that_is_not_a_list_says_so(tmp_path: Path) -> None:
    with pytest.raises(DataFileError):
        load_comparators(_write(tmp_path, "comparators: 78\n"))
    with pytest.raises(DataFileError):
        load_comparators(_write(tmp_path, "neighbours: []\n"))


def _answers(prefix: str, when: datetime, satisfied: int, total: int) -> list[Given]:
    return [
        Given(
            f"{prefix}{i}",
            "child_in_care",
            "11-17",
            "checkin-11-17",
            "home_happy",
            "5" if i < satisfied else "1",
            when,
        )
        for i in range(total)
    ]


AUG_2026 = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)
MAY_2026 = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
AUG_2025 = datetime(2025, 8, 10, 12, 0, tzinfo=UTC)


def _report(database: Database, period: str, comparators_file: Path | None = None):  # type: ignore[no-untyped-def]
    options = ReportOptions(
        comparators=load_comparators(comparators_file) if comparators_file else ()
    )
    with database.engine.connect() as connection:
        return build_report(connection, parse_period(period), options, catalogue=CATALOGUE)


def test_the_report_compares_with_last_quarter_last_year_and_the_councils_figures(
    database: Database, tmp_path: Path
) -> None:
    seed(
        database,
        _answers("now", AUG_2026, 8, 10)  # 80% this quarter
        + _answers("before", MAY_2026, 6, 10)  # 60% last quarter
        + _answers("lastyear", AUG_2025, 9, 10),  # 90% the same quarter last year
    )
    report = _report(database, "2026-Q3", _write(tmp_path, GOOD))
    rows = {row.name: row for row in report.comparisons}
    assert list(rows) == [
        "Last quarter",
        "The same quarter last year",
        "Statistical neighbours (average)",
        "England",
    ]
    assert (rows["Last quarter"].period, rows["Last quarter"].shown) == ("2026-Q2", "60%")
    assert rows["Last quarter"].ours == "above"
    last_year = rows["The same quarter last year"]
    assert (last_year.period, last_year.shown, last_year.ours) == ("2025-Q3", "90%", "below")
    assert rows["Statistical neighbours (average)"].ours == "above"  # 80 against 78
    assert rows["England"].ours == "below" and "2026-01-30" in rows["England"].source
    assert report.year_on_year is not None and report.year_on_year.previous_rate == 0.9
    assert "the same quarter last year" in report.year_on_year.sentence
    html = render(report, "html")
    assert "compared with" in html and "Statistical neighbours (average)" in html
    assert "Regional benchmarking return" in html
    data = json.loads(render(report, "json"))
    assert [row["shown"] for row in data["comparisons"]] == ["60%", "90%", "78%", "83%"]
    assert data["overall_year_on_year"]["previous_rate"] == 0.9
    table = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    yearly = [row for row in table if row["table"] == "overall_year_on_year"]
    assert len(yearly) == 1 and float(yearly[0]["previous_rate"]) == 0.9


def test_another_periods_figure_below_the_threshold_is_not_shown(database: Database) -> None:
    seed(
        database,
        _answers("now", AUG_2026, 10, 10)  # 100% this quarter
        + _answers("lastyear", AUG_2025, 4, 4),  # four answers last year: hidden
    )
    report = _report(database, "2026-Q3")
    rows = {row.name: row for row in report.comparisons}
    assert rows["The same quarter last year"].rate is None
    assert rows["The same quarter last year"].shown.startswith("not shown")
    assert rows["The same quarter last year"].ours is None
    assert rows["Last quarter"].rate is None  # no answers at all
    for fmt in ("html", "json", "csv"):
        rendered = render(report, fmt)
        assert "100%" in rendered or "1.0" in rendered
        assert "4 answers" not in rendered


def test_with_no_answers_anywhere_the_comparisons_say_so(database: Database) -> None:
    report = _report(database, "2026-27")
    # a year's previous period is the year before: one row, not the same row twice
    assert [(row.name, row.rate) for row in report.comparisons] == [("Last financial year", None)]
    for fmt in ("html", "json", "csv"):
        assert render(report, fmt)


def test_a_financial_year_report_counts_april_to_march_in_local_time(database: Database) -> None:
    just_inside = datetime(2027, 3, 31, 22, 30, tzinfo=UTC)  # 23:30 BST on 31 March
    just_outside = datetime(2027, 3, 31, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 April
    before_start = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 April 2026
    seed(
        database,
        _answers("a", just_inside, 3, 3)
        + _answers("b", just_outside, 0, 3)
        + _answers("c", before_start, 2, 2),
    )
    report = _report(database, "2026-27")
    assert report.period.title == "April 2026 to March 2027"
    assert report.overall.n == 5 and report.overall.rate == 1.0


def test_heard_report_takes_a_financial_year(settings: Settings, tmp_path: Path) -> None:
    args = argparse.Namespace(period="2026-27", format="html", out=str(tmp_path))
    assert run_report(args, settings) == 0
    written = tmp_path / "heard-report-2026-27.html"
    assert written.is_file()
    assert "April 2026 to March 2027" in written.read_text(encoding="utf-8")
    own = settings.data_dir / "comparators.yaml"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(GOOD, encoding="utf-8")
    assert run_report(args, settings) == 0
    assert "Regional benchmarking return" in written.read_text(encoding="utf-8")


def test_the_dashboard_shows_the_comparisons_and_offers_financial_years(
    database: Database, settings: Settings, fast_hashing: None
) -> None:
    from test_web_staff_support import EMAILS, PASSWORD, login

    from storage.db import transaction
    from storage.staff import add_staff
    from webforms.app import create_app
    from webforms.config import WebConfig
    from webforms.staff.passwords import hash_password

    seed(database, _answers("now", AUG_2026, 8, 10) + _answers("lastyear", AUG_2025, 9, 10))
    with transaction(database.sessions) as session:
        add_staff(
            session,
            email=EMAILS["participation"],
            password_hash=hash_password(PASSWORD),
            role="participation",
        )
    app = create_app(database.sessions, WebConfig(secret_key=settings.secret_key))
    app.config["TESTING"] = True
    client = app.test_client()
    assert login(client, EMAILS["participation"]).status_code == 302
    page = client.get("/staff/dashboard?period=2026-Q3").get_data(as_text=True)
    assert "The same quarter last year" in page and "2025-Q3" in page and "90%" in page
    assert "This financial year so far" in page and "Last financial year" in page
    year = client.get("/staff/dashboard?period=2026-27").get_data(as_text=True)
    assert "April 2026 to March 2027" in year
