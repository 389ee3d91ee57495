"""Reporting periods in the council's local time: months, quarters, years, financial years
(April to March, "2026-27", as councils' performance frameworks report) and ranges.

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
    "complete_months_before",
    "date_range",
    "financial_year",
    "financial_year_of",
    "last_complete_month",
    "month_of",
    "months_in",
    "parse_date",
    "parse_period",
    "parts_of",
    "published",
    "trailing_months",
]

KINDS = ("month", "quarter", "year", "financial_year", "range")
# A council's financial year starts on 1 April.
FINANCIAL_YEAR_START_MONTH = 4
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
# 2026-27, 2026/27, 2026-2027, FY2026-27, FY 2026/27: the year starting in April 2026.
_FINANCIAL_YEAR = re.compile(r"^(?:FY\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})$", re.IGNORECASE)
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
    def first_day_words(self) -> str:
        """ "1 October": the first day, as a sentence says it within its year."""
        return f"{self.start.day} {_MONTH_NAMES[self.start.month - 1]}"

    @property
    def last_day_words(self) -> str:
        """ "30 November": the last day, as "to 30 November" says it."""
        last = self.last_day
        return f"{last.day} {_MONTH_NAMES[last.month - 1]}"

    @property
    def whole(self) -> bool:
        """False for a quarter or financial year cut short (`complete_months_before`)."""
        natural = {"month": 1, "quarter": 3, "financial_year": 12}.get(self.kind)
        return natural is None or self.end == _add_months(self.start, natural)

    @property
    def label(self) -> str:
        """Short and sortable: 2026-10, 2026-Q3, 2026, or 2026-07-01..2026-08-15; a
        period cut short says where it stops: 2026-Q4 to 2026-11."""
        if not self.whole:
            return f"{self._whole_label()} to {self.last_day:%Y-%m}"
        return self._whole_label()

    def _whole_label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "financial_year":
            return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"
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
        if self.kind == "financial_year":
            return f"April {self.start.year} to March {self.start.year + 1}"
        return f"{_long_date(self.start)} to {_long_date(self.last_day)}"

    @property
    def this(self) -> str:
        """ "this quarter", as the council's sentences say it."""
        return {
            "month": "this month",
            "quarter": "this quarter",
            "year": "this year",
            "financial_year": "this financial year",
            "range": "in this period",
        }[self.kind]

    @property
    def last(self) -> str:
        """ "last quarter": how the previous period is named next to this one."""
        return {
            "month": "last month",
            "quarter": "last quarter",
            "year": "last year",
            "financial_year": "last financial year",
            "range": "the period before",
        }[self.kind]

    @property
    def same_last_year(self) -> str:
        """How `year_before()` is named next to this period: "the same quarter last year"."""
        return {
            "month": "the same month last year",
            "quarter": "the same quarter last year",
            "year": "last year",
            "financial_year": "last financial year",
            "range": "the same dates last year",
        }[self.kind]

    @property
    def report_kind(self) -> str:
        """The `reports.kind` value: monthly, quarterly, annual, financial or custom."""
        return {
            "month": "monthly",
            "quarter": "quarterly",
            "year": "annual",
            "financial_year": "financial",
            "range": "custom",
        }[self.kind]

    def previous(self) -> Period:
        """The period just before, of the same kind (a range: the same number of days)."""
        if self.kind == "month":
            return Period(_add_months(self.start, -1), self.start, "month")
        if self.kind == "quarter":
            return Period(_add_months(self.start, -3), self.start, "quarter")
        if self.kind == "year":
            return Period(date(self.start.year - 1, 1, 1), self.start, "year")
        if self.kind == "financial_year":
            return financial_year(self.start.year - 1)
        return Period(self.start - (self.end - self.start), self.start, "range")

    def year_before(self) -> Period:
        """The same period a year earlier, the comparison a council's framework asks for:
        October 2025 for October 2026, 2025-Q3 for 2026-Q3, the same dates for a range
        (29 February becomes 28 February)."""
        if self.kind in ("year", "financial_year"):
            return self.previous()
        start = _a_year_earlier(self.start)
        end = _a_year_earlier(self.end)
        return Period(start, end, self.kind)

    def utc_bounds(self, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
        """The period's first and end instants in UTC, midnight to midnight local time."""
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz

        def instant(day: date) -> datetime:
            return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)

        return instant(self.start), instant(self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _a_year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def financial_year(first_year: int) -> Period:
    """April of `first_year` to the end of March the year after."""
    return Period(
        date(first_year, FINANCIAL_YEAR_START_MONTH, 1),
        date(first_year + 1, FINANCIAL_YEAR_START_MONTH, 1),
        "financial_year",
    )


def financial_year_of(day: date) -> Period:
    return financial_year(day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1)


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
    """Read "2026-Q3", "2026-10", "2026", "2026-27" (a financial year) or
    "2026-07-01..2026-08-15"."""
    raw = text.strip()
    if match := _FINANCIAL_YEAR.match(raw):
        found = _financial_year(raw, int(match.group(1)), match.group(2))
        if found is not None:
            return found
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
        f"{raw!r} is not a period; use a month (2026-10), a quarter (2026-Q3) "
        f"or a financial year (2026-27)"
    )


def _financial_year(raw: str, start_year: int, second: str) -> Period | None:
    """2026-27 and the like; None for what is a month after all ("2026-10"). A label such
    as 2011-12 reads as December 2011, as it always has; write 2011/12 or FY2011-12."""
    follows = (start_year + 1) % 100 if len(second) == 2 else start_year + 1
    could_be_month = len(second) == 2 and 1 <= int(second) <= 12
    month_first = could_be_month and "/" not in raw and not raw.upper().startswith("FY")
    if int(second) == follows and not month_first:
        return financial_year(start_year)
    if could_be_month and not raw.upper().startswith("FY") and "/" not in raw:
        return None
    raise PeriodError(
        f"{raw!r} is not a financial year; write the year it starts and the next, "
        f"e.g. {start_year}-{(start_year + 1) % 100:02d}"
    )


def date_range(first: date | str, last: date | str) -> Period:
    """From the first day to the last day, both included."""
    start = parse_date(first) if isinstance(first, str) else first
    final = parse_date(last) if isinstance(last, str) else last
    if final < start:
        raise PeriodError(f"the range ends ({final}) before it starts ({start}); swap the dates")
    return Period(start, final + timedelta(days=1), "range")


# Figures are published for these periods only: each lies wholly inside the next, so each
# can be planned with the shorter ones inside it fixed (docs/privacy.md).
PUBLISHED_KINDS = ("month", "quarter", "financial_year")


def published(period: Period) -> Period:
    """The period, if Heard publishes figures for it; else why not and what to ask for."""
    if period.kind in PUBLISHED_KINDS:
        return period
    if period.kind == "year":
        earlier, later = (financial_year(period.start.year + i).label for i in (-1, 0))
        return _refuse(
            f"Heard reports financial years rather than calendar years: try {earlier} or {later}"
        )
    return _refuse(
        "Heard reports whole months (2026-07), quarters (2026-Q3) and financial years "
        "(2026-27), not date ranges"
    )


def _refuse(why: str) -> Period:
    raise PeriodError(
        f"{why}. Figures for other spans could be subtracted from these to work out "
        f"numbers that are hidden because they are small."
    )


def parts_of(period: Period) -> list[Period]:
    """The periods a published period is made of: a quarter's months, a financial
    year's quarters; a month has none. A financial year cut short is made of its
    quarters up to where it stops, the last one cut short there too."""
    if period.kind == "quarter":
        return months_in(period)
    if period.kind == "financial_year":
        starts = [_add_months(period.start, 3 * i) for i in range(4)]
        return [
            Period(start, min(_add_months(start, 3), period.end), "quarter")
            for start in starts
            if start < period.end
        ]
    return []


def complete_months_before(period: Period, month: Period) -> Period | None:
    """`period` (a quarter or financial year holding `month`) cut short where `month`
    starts: its complete months only, while `month` is still running and too small to
    show. None when `month` is its first (nothing before it to count) or not inside it."""
    if period.kind not in ("quarter", "financial_year") or month.kind != "month":
        return None
    if not period.start < month.start < period.end:
        return None
    return Period(period.start, month.start, period.kind)


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
