"""Reporting periods: parsing, previous periods and local-time boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from analysis.periods import (
    Period,
    PeriodError,
    date_range,
    financial_year_of,
    last_complete_month,
    months_in,
    parse_period,
    trailing_months,
)


@pytest.mark.parametrize(
    ("text", "start", "end", "kind", "label"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 10, 1), "quarter", "2026-Q3"),
        ("2026q4", date(2026, 10, 1), date(2027, 1, 1), "quarter", "2026-Q4"),
        ("2026-10", date(2026, 10, 1), date(2026, 11, 1), "month", "2026-10"),
        ("2026-2", date(2026, 2, 1), date(2026, 3, 1), "month", "2026-02"),
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "year", "2026"),
        ("2026-27", date(2026, 4, 1), date(2027, 4, 1), "financial_year", "2026-27"),
        ("2026/27", date(2026, 4, 1), date(2027, 4, 1), "financial_year", "2026-27"),
        ("FY2026-27", date(2026, 4, 1), date(2027, 4, 1), "financial_year", "2026-27"),
        ("fy 2026 / 27", date(2026, 4, 1), date(2027, 4, 1), "financial_year", "2026-27"),
        ("2026-2027", date(2026, 4, 1), date(2027, 4, 1), "financial_year", "2026-27"),
        ("2099-00", date(2099, 4, 1), date(2100, 4, 1), "financial_year", "2099-00"),
        (
            "2026-07-01..2026-08-15",
            date(2026, 7, 1),
            date(2026, 8, 16),
            "range",
            "2026-07-01..2026-08-15",
        ),
    ],
)
def test_parse_period(text: str, start: date, end: date, kind: str, label: str):
    period = parse_period(text)
    assert (period.start, period.end, period.kind, period.label) == (start, end, kind, label)
    assert parse_period(period.label) == period


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-Q5",
        "Q3",
        "last month",
        "2026-07-01..2026-06-01",
        "2026-28",
        "2026-2028",
        "FY2026-28",
        "2026/13",
    ],
)
def test_bad_periods_say_what_to_type(text: str):
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert str(error.value)


def test_previous_periods():
    assert parse_period("2026-01").previous() == parse_period("2025-12")
    assert parse_period("2026-Q1").previous() == parse_period("2025-Q4")
    assert parse_period("2026").previous() == parse_period("2025")
    span = date_range("2026-07-01", "2026-07-10")
    assert span.previous() == date_range("2026-06-21", "2026-06-30")


def test_financial_years_run_april_to_march_across_the_calendar_year() -> None:
    year = parse_period("2026-27")
    assert year.title == "April 2026 to March 2027"
    assert (year.this, year.last, year.report_kind) == (
        "this financial year",
        "last financial year",
        "financial",
    )
    assert year.previous() == parse_period("2025-26") == year.year_before()
    assert year.contains(date(2027, 3, 31)) and not year.contains(date(2027, 4, 1))
    assert year.contains(date(2026, 4, 1)) and not year.contains(date(2026, 3, 31))
    assert len(months_in(year)) == 12 and months_in(year)[0].label == "2026-04"
    assert financial_year_of(date(2027, 3, 31)) == year == financial_year_of(date(2026, 4, 1))
    assert financial_year_of(date(2026, 3, 31)).label == "2025-26"
    # December 2011 is a month, as it always was; the financial year is written 2011/12
    assert parse_period("2011-12").kind == "month"
    assert parse_period("2011/12").kind == "financial_year"


def test_the_same_period_a_year_before() -> None:
    assert parse_period("2026-10").year_before() == parse_period("2025-10")
    assert parse_period("2026-Q3").year_before() == parse_period("2025-Q3")
    assert parse_period("2026").year_before() == parse_period("2025")
    leap = date_range("2024-02-29", "2024-03-05")
    assert leap.year_before() == date_range("2023-02-28", "2023-03-05")


def test_words():
    quarter = parse_period("2026-Q3")
    assert quarter.title == "July to September 2026"
    assert (quarter.this, quarter.last) == ("this quarter", "last quarter")
    assert parse_period("2026-10").title == "October 2026"
    assert date_range("2026-07-01", "2026-08-15").title == "1 July 2026 to 15 August 2026"
    assert date_range("2026-07-01", "2026-08-15").slug == "2026-07-01_to_2026-08-15"
    assert quarter.report_kind == "quarterly"


def test_utc_bounds_follow_london_summer_time():
    start, end = parse_period("2026-07").utc_bounds("Europe/London")
    assert start == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)  # BST: midnight is 23:00 UTC
    assert end == datetime(2026, 7, 31, 23, 0, tzinfo=UTC)
    start, end = parse_period("2026-01").utc_bounds("Europe/London")
    assert start == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    # March 2026: starts in GMT, ends in BST (clocks change on 29 March)
    start, end = parse_period("2026-03").utc_bounds("Europe/London")
    assert (start.hour, end.hour) == (0, 23)


def test_last_complete_month():
    assert last_complete_month(date(2026, 11, 23)) == parse_period("2026-10")
    assert last_complete_month(date(2026, 1, 1)) == parse_period("2025-12")


def test_month_lists():
    assert [m.label for m in months_in(parse_period("2026-Q3"))] == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]
    assert [m.label for m in months_in(date_range("2026-07-20", "2026-08-02"))] == [
        "2026-07",
        "2026-08",
    ]
    months = trailing_months(parse_period("2026-Q3"), 18)
    assert len(months) == 18
    assert (months[0].label, months[-1].label) == ("2025-04", "2026-09")


def test_a_period_must_end_after_it_starts():
    with pytest.raises(PeriodError):
        Period(date(2026, 1, 2), date(2026, 1, 1))
