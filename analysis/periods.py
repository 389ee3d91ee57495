"""Reporting periods in the council's local time: months, quarters, years and ranges.

A period is a half-open range of local calendar days [start, end). Reports say
"this quarter" and compare with "last quarter", so every period knows its
previous one and how to describe itself; queries get its UTC bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "Period",
    "PeriodError",
    "date_range",
    "last_complete_month",
    "month_of",
    "months_in",
    "parse_date",
    "parse_period",
    "trailing_months",
]

KINDS = ("month", "quarter", "year", "range")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|_to_)\s*(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """A period the person typed cannot be read; str(error) says what to type."""


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, 1)


def _long_date(day: date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


@dataclass(frozen=True, order=True)
class Period:
    """Local days [start, end); `kind` decides its label, wording and previous period."""

    start: date
    end: date
    kind: str = "range"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PeriodError(f"unknown kind of period {self.kind!r}")
        if self.end <= self.start:
            raise PeriodError("a period must end after it starts")

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        """Short and sortable: 2026-10, 2026-Q3, 2026, or 2026-07-01..2026-08-15."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start.isoformat()}..{self.last_day.isoformat()}"

    @property
    def slug(self) -> str:
        """The label made safe for a file name."""
        return self.label.replace("..", "_to_")

    @property
    def title(self) -> str:
        """How a reader names it: "October 2026", "July to September 2026"."""
        if self.kind == "month":
            return f"{_MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        if self.kind == "quarter":
            first = _MONTH_NAMES[self.start.month - 1]
            last = _MONTH_NAMES[self.last_day.month - 1]
            return f"{first} to {last} {self.start.year}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{_long_date(self.start)} to {_long_date(self.last_day)}"

    @property
    def this(self) -> str:
        """ "this quarter", as the council's sentences say it."""
        return {
            "month": "this month",
            "quarter": "this quarter",
            "year": "this year",
            "range": "in this period",
        }[self.kind]

    @property
    def last(self) -> str:
        """ "last quarter": how the previous period is named next to this one."""
        return {
            "month": "last month",
            "quarter": "last quarter",
            "year": "last year",
            "range": "the period before",
        }[self.kind]

    @property
    def report_kind(self) -> str:
        """The `reports.kind` value: monthly, quarterly, annual or custom."""
        return {"month": "monthly", "quarter": "quarterly", "year": "annual", "range": "custom"}[
            self.kind
        ]

    def previous(self) -> Period:
        """The period just before, of the same kind (a range: the same number of days)."""
        if self.kind == "month":
            return Period(_add_months(self.start, -1), self.start, "month")
        if self.kind == "quarter":
            return Period(_add_months(self.start, -3), self.start, "quarter")
        if self.kind == "year":
            return Period(date(self.start.year - 1, 1, 1), self.start, "year")
        return Period(self.start - (self.end - self.start), self.start, "range")

    def utc_bounds(self, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
        """The period's first and end instants in UTC, midnight to midnight local time."""
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz

        def instant(day: date) -> datetime:
            return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)

        return instant(self.start), instant(self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    return Period(first, _add_months(first, 1), "month")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-07-01"
        ) from None


def parse_period(text: str) -> Period:
    """Read "2026-Q3", "2026-10", "2026" or "2026-07-01..2026-08-15"."""
    raw = text.strip()
    if match := _YEAR.match(raw):
        year = int(match.group(1))
        return Period(date(year, 1, 1), date(year + 1, 1, 1), "year")
    if match := _QUARTER.match(raw):
        first = date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)
        return Period(first, _add_months(first, 3), "quarter")
    if match := _MONTH.match(raw):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"{raw!r} has no month {month}; use 01 to 12, e.g. 2026-10")
        return month_of(date(int(match.group(1)), month, 1))
    if match := _RANGE.match(raw):
        return date_range(match.group(1), match.group(2))
    raise PeriodError(
        f"{raw!r} is not a period; use a quarter (2026-Q3), a month (2026-10), a year (2026) "
        f"or --from YYYY-MM-DD --to YYYY-MM-DD"
    )


def date_range(first: date | str, last: date | str) -> Period:
    """From the first day to the last day, both included."""
    start = parse_date(first) if isinstance(first, str) else first
    final = parse_date(last) if isinstance(last, str) else last
    if final < start:
        raise PeriodError(f"the range ends ({final}) before it starts ({start}); swap the dates")
    return Period(start, final + timedelta(days=1), "range")


def last_complete_month(today: date) -> Period:
    """The default report: the most recent month that has fully ended."""
    return month_of(today).previous()


def months_in(period: Period) -> list[Period]:
    """The calendar months that overlap `period`, oldest first."""
    months: list[Period] = []
    month = month_of(period.start)
    while month.start < period.end:
        months.append(month)
        month = Period(month.end, _add_months(month.end, 1), "month")
    return months


def trailing_months(period: Period, count: int) -> list[Period]:
    """`count` calendar months ending with the one holding the period's last day."""
    last = month_of(period.last_day)
    first = Period(_add_months(last.start, -(count - 1)), last.end, "range")
    return months_in(first)
