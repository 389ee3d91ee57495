"""`heard report`: write the satisfied-or-better report to a file and keep it for the dashboard.

`write_reports` is also what the scheduler calls for the monthly and quarterly
reports, so a scheduled report and a typed one are the same file.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from analysis.comparators import Comparator, load_comparators
from analysis.indicators import CohortSizes, load_cohort_sizes
from analysis.periods import Period, PeriodError, last_complete_month, parse_period, published
from analysis.report import FORMATS, Report, ReportOptions, build_report, render
from heard.errors import CommandError
from heard.settings import Settings
from heard.wiring import Database, open_database
from storage.db import transaction
from storage.private_files import write_private_text
from storage.reports import store_report

COHORT_SIZES_NAME = "cohort_sizes.yaml"
COMPARATORS_NAME = "comparators.yaml"


@dataclass(frozen=True)
class WrittenReport:
    report: Report
    path: Path | None
    format: str


def cohort_sizes_for(settings: Settings) -> CohortSizes:
    """The council's own cohort sizes if it put a file in its data folder, else the demo's."""
    own = settings.data_dir / COHORT_SIZES_NAME
    return load_cohort_sizes(own if own.is_file() else None)


def comparators_for(settings: Settings) -> tuple[Comparator, ...]:
    """The council's comparators if it put a file in its data folder, else none."""
    own = settings.data_dir / COMPARATORS_NAME
    return load_comparators(own if own.is_file() else None)


def report_options(settings: Settings) -> ReportOptions:
    """Target, tolerance, threshold, time zone and comparators as the council set them."""
    return ReportOptions(
        target=settings.kpi_target,
        tolerance=settings.kpi_tolerance,
        threshold=settings.suppression_threshold,
        timezone=settings.timezone,
        cohort_sizes=cohort_sizes_for(settings),
        comparators=comparators_for(settings),
        # imported and demo answers are the council's own; "unknown" keeps old rows counted
        trusted_arrivals=(*settings.trusted_channels, "import", "demo", "unknown"),
    )


def period_from_args(args: argparse.Namespace, settings: Settings) -> Period:
    """--period (a month, quarter or financial year), by default the last complete month."""
    period_text = getattr(args, "period", None)
    try:
        if period_text:
            return published(parse_period(period_text))
    except PeriodError as exc:
        raise CommandError(str(exc)) from None
    return last_complete_month(datetime.now(settings.tz).date())


def write_report(
    database: Database,
    settings: Settings,
    period: Period,
    format: str = "html",
    out_dir: Path | None = None,
) -> WrittenReport:
    """Build, render, store in `reports` (replacing the same period and format) and, with
    `out_dir`, write the file there."""
    return write_reports(database, settings, period, (format,), out_dir)[0]


def write_reports(
    database: Database,
    settings: Settings,
    period: Period,
    formats: Sequence[str],
    out_dir: Path | None = None,
) -> list[WrittenReport]:
    """One build, read from the report database (the replica, if set), rendered in each
    format and stored on the primary: building is the costly part."""
    for format in formats:
        if format not in FORMATS:
            raise CommandError(f"--format must be one of {', '.join(FORMATS)}")
    with database.reports.connect() as connection:
        report = build_report(connection, period, report_options(settings))
    start, end = period.utc_bounds(settings.tz)
    written = []
    for format in formats:
        content = render(report, format)
        with transaction(database.sessions) as session:
            store_report(
                session,
                kind=period.report_kind,
                period_label=period.label,
                period_start=start,
                period_end=end,
                format=format,
                content=content,
                summary=report.summary(),
            )
        path = None
        if out_dir is not None:
            path = write_private_text(out_dir / f"heard-report-{period.slug}.{format}", content)
        written.append(WrittenReport(report, path, format))
    return written


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    period = period_from_args(args, settings)
    out_dir = Path(args.out) if getattr(args, "out", None) else settings.data_dir / "reports"
    database = open_database(settings)
    try:
        written = write_report(database, settings, period, args.format or "html", out_dir)
    finally:
        database.close()
    overall = written.report.overall
    print(f"Report for {period.title} ({period.label}) written to {written.path}")
    print(f"  {overall.sentence}")
    carers = written.report.carers
    if carers is not None and carers.overall.n != 0:
        print(f"  Foster carers (not in the young people's figure): {carers.overall.sentence}")
    print("  Stored for the dashboard's list of reports.")
    return 0
