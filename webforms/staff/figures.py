"""Where the staff pages get their figures: analysis's suppressed `Report`, for a chosen period.

Nothing here computes a rate or decides what to hide; that is `analysis.report`
and `analysis.suppression`. This module only picks the period, passes the
council's settings through, and opens a read-only connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, request

from analysis.periods import (
    Period,
    PeriodError,
    financial_year_of,
    month_of,
    parse_period,
    published,
)
from analysis.report import Report, ReportOptions, build_report
from storage.db import transaction
from storage.models import utcnow
from surveys.definition import Survey, load_catalogue
from webforms.staff.blueprint import services, sessions, web_config

PERIOD_TEXT_MAX = 40
# Years a period may fall in: anything else (year 1, 9999) holds no answers, and its
# comparisons (the period before, a year before) would step outside the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class PeriodOutOfRange(Exception):
    """A well-formed period in years Heard cannot hold (a 404, not a 500)."""


def read_period(text: str) -> Period:
    """A published period from what was typed: PeriodError says what to type instead;
    PeriodOutOfRange for a period in a year no answer can be from."""
    try:
        period = parse_period(text)
    except PeriodError:
        raise
    except (ValueError, OverflowError):  # year 0 or 10000: date() refuses
        raise PeriodOutOfRange(text) from None
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise PeriodOutOfRange(text)
    return published(period)


@dataclass(frozen=True)
class PeriodChoice:
    label: str  # what the link says: "This quarter"
    value: str  # what goes in ?period=


def today() -> date:
    return utcnow().astimezone(ZoneInfo(web_config().timezone)).date()


def _quarter(day: date) -> Period:
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def period_choices(day: date) -> list[PeriodChoice]:
    this_quarter = _quarter(day)
    return [
        PeriodChoice("This month so far", month_of(day).label),
        PeriodChoice("Last month", month_of(day).previous().label),
        PeriodChoice("This quarter so far", this_quarter.label),
        PeriodChoice("Last quarter", this_quarter.previous().label),
        PeriodChoice("This financial year so far", financial_year_of(day).label),
        PeriodChoice("Last financial year", financial_year_of(day).previous().label),
    ]


def chosen_period() -> tuple[Period, str | None]:
    """The period in ?period= (2026-10, 2026-Q3, 2026-27), or this quarter so far.

    Returns the period and, when the text could not be read, why (for the page to say).
    """
    text = (request.args.get("period") or "").strip()[:PERIOD_TEXT_MAX]
    if not text:
        return _quarter(today()), None
    try:
        return read_period(text), None
    except PeriodError as error:
        return _quarter(today()), str(error)
    except PeriodOutOfRange:
        abort(404)


def catalogue() -> dict[str, Survey]:
    """The survey catalogue the wiring loaded, or the shipped one, loaded once per app."""
    built = services().get("catalogue")
    if isinstance(built, dict):
        return built
    cached = current_app.extensions.get("heard.staff.catalogue")
    if not isinstance(cached, dict):
        cached = load_catalogue()
        current_app.extensions["heard.staff.catalogue"] = cached
    return cached


def report_options() -> ReportOptions:
    """The wiring's options (target, tolerance, threshold, the council's cohort sizes), so
    the dashboard, the CLI and scheduled reports agree; else built from the web config."""
    given = services().get("report_options")
    if isinstance(given, ReportOptions):
        return given
    config = web_config()
    extra: dict[str, Any] = {}
    council = services().get("council_name")
    if isinstance(council, str) and council:
        extra["council"] = council
    return ReportOptions(
        target=config.kpi_target,
        threshold=config.suppression_threshold,
        timezone=config.timezone,
        **extra,
    )


def report_for(period: Period) -> Report:
    """Analysis's report for `period`: every figure in it is already suppressed. Read from
    the wiring's report database (a replica if one is set), else the app's own."""
    readers = services().get("report_sessions") or sessions()
    with transaction(readers) as db:
        return build_report(
            db.connection(), period, report_options(), catalogue=catalogue(), now=utcnow()
        )
