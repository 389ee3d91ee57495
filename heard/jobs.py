"""The scheduled jobs. Each opens its own database from settings, so it can run in any
process, and each is idempotent, so a job run twice changes nothing the second time."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from analysis.annotate import annotate_pending
from heard.notice_wiring import outbox
from heard.settings import Settings, load_settings
from heard.wiring import open_database
from notices.sweep import FailureLog, SweepResult, sweep
from storage.db import transaction
from storage.models import utcnow
from storage.retention import apply_retention
from storage.surveys import close_idle_sessions
from storage.updates import prune_processed

log = logging.getLogger("heard.jobs")


def job_settings(data_dir: str | None) -> Settings:
    return load_settings(data_dir=Path(data_dir) if data_dir else None)


def nightly_maintenance(data_dir: str | None = None) -> dict[str, int]:
    """Retention, idle check-ins closed as partial, and any comments left unannotated."""
    settings = job_settings(data_dir)
    database = open_database(settings, upgrade_schema=False)
    try:
        now = utcnow()
        with transaction(database.sessions) as session:
            counts = apply_retention(
                session,
                now - timedelta(days=30 * settings.retention_months),
                timezone=settings.timezone,
            )
            counts["idle_closed"] = close_idle_sessions(
                session, now - timedelta(days=settings.session_idle_days)
            )
            counts["update_ids_pruned"] = prune_processed(session, now - timedelta(days=30))
        counts["annotated"] = annotate_pending(
            database.sessions, with_encoder=settings.theme_encoder
        )
        log.info("nightly maintenance: %s", counts)
        return counts
    finally:
        database.close()


def annotate_comments(data_dir: str | None = None) -> int:
    """Themes and sentiment for new comments, so the dashboard is never far behind."""
    settings = job_settings(data_dir)
    database = open_database(settings, upgrade_schema=False)
    try:
        return annotate_pending(database.sessions, with_encoder=settings.theme_encoder)
    finally:
        database.close()


def previous_month(today: date) -> str:
    first = today.replace(day=1) - timedelta(days=1)
    return f"{first:%Y-%m}"


def previous_quarter(today: date) -> str:
    quarter = (today.month - 1) // 3
    year = today.year if quarter else today.year - 1
    return f"{year}-Q{quarter if quarter else 4}"


def _scheduled_report(data_dir: str | None, label: str) -> bool:
    """Write the report for `label` in every format, unless it was already written."""
    from analysis.periods import parse_period
    from heard.report_command import write_reports
    from storage.audit import audit
    from storage.reports import report_exists

    settings = job_settings(data_dir)
    database = open_database(settings, upgrade_schema=False)
    try:
        period = parse_period(label)
        with transaction(database.sessions) as session:
            if report_exists(session, kind=period.report_kind, period_label=period.label):
                log.info("report for %s already written; nothing to do", label)
                return False
        reports = settings.data_dir / "reports"
        write_reports(database, settings, period, ("html", "json", "csv"), reports)
        with transaction(database.sessions) as session:
            audit(session, "scheduler", "report", target=period.label)
        log.info("report for %s written", label)
        return True
    finally:
        database.close()


def monthly_report(data_dir: str | None = None) -> bool:
    settings = job_settings(data_dir)
    return _scheduled_report(data_dir, previous_month(utcnow().astimezone(settings.tz).date()))


def quarterly_report(data_dir: str | None = None) -> bool:
    settings = job_settings(data_dir)
    return _scheduled_report(data_dir, previous_quarter(utcnow().astimezone(settings.tz).date()))


def previous_financial_year(today: date) -> str:
    """The last financial year (April to March) that has fully ended."""
    from analysis.periods import financial_year_of

    return financial_year_of(today).previous().label


def financial_year_report(data_dir: str | None = None) -> bool:
    settings = job_settings(data_dir)
    today = utcnow().astimezone(settings.tz).date()
    return _scheduled_report(data_dir, previous_financial_year(today))


def send_reminders(data_dir: str | None = None) -> object:
    """Check-in reminders by Telegram, outside quiet hours, never a second unanswered nudge."""
    from heard.bot_command import reminders_job

    return reminders_job(data_dir)


def send_web_reminders(data_dir: str | None = None) -> object:
    """Texts and emails through GOV.UK Notify: a fresh single-use link for each person on
    the web who asked for one, outside quiet hours, once per round (notices.web_reminders)."""
    from heard.notify_wiring import run_web_reminders

    settings = job_settings(data_dir)
    database = open_database(settings, upgrade_schema=False)
    try:
        return run_web_reminders(settings, database)
    finally:
        database.close()


_FAILURES = FailureLog()  # one per process, so a failing relay is one line, not one a sweep


def send_alert_notices(data_dir: str | None = None) -> SweepResult:
    """Tell each alert's route by email and Telegram, and escalate what waits too long:
    every notice once, never the child's words (notices.sweep). Runs every 15 seconds."""
    settings = job_settings(data_dir)
    database = open_database(settings, upgrade_schema=False)
    try:
        result = sweep(database.sessions, outbox(settings), failures=_FAILURES)
        if result.notices or result.escalations:
            log.info("alert notices: %d sent, %d escalated", result.notices, result.escalations)
        return result
    finally:
        database.close()
