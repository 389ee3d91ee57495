"""The scheduler: a missed report runs once when it comes back, even with two schedulers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from heard.jobs import previous_month, previous_quarter
from heard.scheduling import JOB_TABLE, build_scheduler, install_jobs, job_specs
from heard.settings import load_settings
from heard.wiring import open_database
from storage import models
from storage.audit import audit_entries
from storage.db import transaction


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    env["HEARD_DATA_DIR"] = str(data)
    return env


def _set_next_run(database, job_id: str, when: datetime) -> None:  # type: ignore[no-untyped-def]
    """Edit the stored job with no scheduler running, as if the machine had been off."""
    store = SQLAlchemyJobStore(engine=database.engine, tablename=JOB_TABLE)
    store.start(BackgroundScheduler(), "default")
    job = store.lookup_job(job_id)
    job._modify(next_run_time=when)
    store.update_job(job)


def _install(settings, database) -> None:  # type: ignore[no-untyped-def]
    scheduler = build_scheduler(settings, database)
    scheduler.start(paused=True)
    install_jobs(scheduler, settings)
    scheduler.shutdown()


def test_periods_for_scheduled_reports() -> None:
    assert previous_month(datetime(2026, 11, 1).date()) == "2026-10"
    assert previous_month(datetime(2026, 1, 1).date()) == "2025-12"
    assert previous_quarter(datetime(2026, 10, 1).date()) == "2026-Q3"
    assert previous_quarter(datetime(2026, 1, 1).date()) == "2025-Q4"


def test_jobs_are_kept_across_restarts_with_their_missed_run(tmp_path: Path) -> None:
    settings = load_settings(environ={"HEARD_DATA_DIR": str(tmp_path)}, env_file=None)
    database = open_database(settings)
    _install(settings, database)
    missed = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    _set_next_run(database, "monthly-report", missed)
    second = build_scheduler(settings, database)
    second.start(paused=True)
    install_jobs(second, settings)
    ids = {job.id for job in second.get_jobs()}
    assert ids == {spec.id for spec in job_specs(settings)}
    assert second.get_job("monthly-report").next_run_time == missed  # not reset by the restart
    second.pause()
    second.shutdown(wait=False)
    database.close()


@pytest.mark.slow
def test_missed_monthly_report_runs_once_with_two_schedulers(tmp_path: Path) -> None:
    settings = load_settings(environ={"HEARD_DATA_DIR": str(tmp_path)}, env_file=None)
    database = open_database(settings)
    _install(settings, database)
    # The machine was off when the report fell due:
    _set_next_run(database, "monthly-report", datetime.now(UTC) - timedelta(days=2))
    command = [sys.executable, "-m", "heard.cli", "scheduler"]
    processes = [
        subprocess.Popen(
            command, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with transaction(database.sessions) as session:
                if audit_entries(session, "report"):
                    break
            time.sleep(0.5)
        time.sleep(3)  # give a second run every chance to (wrongly) happen
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    with transaction(database.sessions) as session:
        runs = audit_entries(session, "report")
        formats = set(session.scalars(select(models.GeneratedReport.format)))
    assert len(runs) == 1, [p.stderr.read() if p.stderr else "" for p in processes]
    assert runs[0].target == previous_month(datetime.now(settings.tz).date())
    assert formats == {"html", "json", "csv"}
    database.close()
