"""`heard scheduler`: safeguarding alert notices, scheduled reports, reminders and nightly
maintenance.

Only the leader (PostgreSQL advisory lock, or the SQLite lease row) runs jobs, so
starting two schedulers never runs a job twice. Jobs live in a SQLAlchemy job
store; a run missed while the machine was off is kept and, coalesced, runs once
when the scheduler comes back.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from heard.settings import Settings
from heard.wiring import Database, open_database
from storage.db import transaction
from storage.job_runs import record_job_run
from storage.leader import LeaderLock

log = logging.getLogger("heard.scheduler")
MISFIRE_GRACE = 14 * 24 * 3600  # a report missed while the server was off still runs
JOB_TABLE = "apscheduler_jobs"
# Often enough that an alert's email reaches the relay well within a minute of the alert.
ALERT_SWEEP_SECONDS = 15
# Jobs of earlier versions, removed from a stored job store: the bot-only alert sweeps,
# replaced by "alert-notices".
RETIRED_JOBS = ("staff-alerts", "alert-escalation")


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str
    trigger: BaseTrigger
    name: str


def job_specs(settings: Settings) -> list[JobSpec]:
    tz = settings.tz
    specs = [
        JobSpec(
            "monthly-report",
            "heard.jobs:monthly_report",
            CronTrigger(day=1, hour=7, minute=0, timezone=tz),
            "Monthly satisfied-or-better report (1st of the month, 07:00)",
        ),
        JobSpec(
            "quarterly-report",
            "heard.jobs:quarterly_report",
            CronTrigger(month="1,4,7,10", day=1, hour=7, minute=30, timezone=tz),
            "Quarterly report (first day of each quarter, 07:30)",
        ),
        JobSpec(
            "financial-year-report",
            "heard.jobs:financial_year_report",
            CronTrigger(month=4, day=1, hour=8, minute=0, timezone=tz),
            "Financial-year report, April to March (1 April, 08:00)",
        ),
        JobSpec(
            "nightly-maintenance",
            "heard.jobs:nightly_maintenance",
            CronTrigger(hour=2, minute=30, timezone=tz),
            "Retention, idle check-ins and comment annotation (02:30)",
        ),
        JobSpec(
            "annotate-comments",
            "heard.jobs:annotate_comments",
            IntervalTrigger(minutes=10, timezone=tz),
            "Themes and sentiment for new comments (every 10 minutes)",
        ),
    ]
    specs.append(
        JobSpec(
            "alert-notices",
            "heard.jobs:send_alert_notices",
            IntervalTrigger(seconds=ALERT_SWEEP_SECONDS, timezone=tz),
            f"Safeguarding alert notices by email and Telegram, and escalations "
            f"(every {ALERT_SWEEP_SECONDS} seconds)",
        )
    )
    if settings.telegram_token:
        specs.append(
            JobSpec(
                "reminders",
                "heard.jobs:send_reminders",
                IntervalTrigger(minutes=15, timezone=tz),
                "Check-in reminders outside quiet hours (every 15 minutes)",
            )
        )
    if settings.notify_enabled:
        specs.append(
            JobSpec(
                "web-reminders",
                "heard.jobs:send_web_reminders",
                IntervalTrigger(minutes=15, timezone=tz),
                "Texts and emails with a fresh check-in link through GOV.UK Notify, outside "
                "quiet hours (every 15 minutes)",
            )
        )
    return specs


class _StoppableScheduler(BackgroundScheduler):
    """APScheduler 3 that never marks a due job as run while it is shutting down.

    `shutdown()` stops the executors and then wakes the main loop, which looks for due
    jobs once more: each is refused by the stopped executor but still moved on to its
    next run time, so a report due as the scheduler stops was lost for good. Checked
    under the job-store lock that `shutdown()` also takes, so it cannot slip between.
    """

    def _process_jobs(self) -> float | None:
        with self._jobstores_lock:
            if self.state == STATE_STOPPED:
                return None  # the due jobs stay due, for the next leader
            return super()._process_jobs()


def build_scheduler(settings: Settings, database: Database) -> BackgroundScheduler:
    return _StoppableScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=database.engine, tablename=JOB_TABLE)},
        timezone=settings.tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )


def install_jobs(scheduler: BackgroundScheduler, settings: Settings) -> None:
    """Add jobs that are missing; keep stored ones, so their missed run times survive."""
    kwargs: dict[str, Any] = {"data_dir": str(settings.data_dir.resolve())}
    for retired in RETIRED_JOBS:
        if scheduler.get_job(retired) is not None:
            scheduler.remove_job(retired)
    for spec in job_specs(settings):
        existing = scheduler.get_job(spec.id)
        if existing is not None and str(existing.trigger) == str(spec.trigger):
            continue
        if existing is not None:
            scheduler.remove_job(spec.id)
        scheduler.add_job(spec.func, spec.trigger, id=spec.id, name=spec.name, kwargs=kwargs)


class SchedulerRunner:
    """Waits to become leader, runs the jobs while leader, stops cleanly."""

    def __init__(self, settings: Settings, database: Database, poll_seconds: float = 20.0) -> None:
        self.settings = settings
        self.database = database
        self.poll_seconds = poll_seconds
        holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lock = LeaderLock(database.engine, holder)
        self.scheduler: BackgroundScheduler | None = None
        self.stop_event = threading.Event()

    def step(self) -> bool:
        """One look at the lock: start when we lead, stand down when we lose it."""
        leading = self.lock.try_acquire()
        if leading and self.scheduler is None:
            scheduler = build_scheduler(self.settings, self.database)
            scheduler.add_listener(self._record_run, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
            scheduler.start(paused=True)
            install_jobs(scheduler, self.settings)
            scheduler.resume()
            self.scheduler = scheduler
            log.info("this scheduler leads; %d jobs", len(scheduler.get_jobs()))
        elif not leading and self.scheduler is not None:
            log.warning("lost the scheduler lock; standing down")
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        return leading

    def _record_run(self, event: JobExecutionEvent) -> None:
        """Each run counted in `job_runs` (for /metrics and `heard doctor`); a failure to
        count it is logged, never allowed to stop the scheduler."""
        error = type(event.exception).__name__ if event.exception is not None else None
        try:
            with transaction(self.database.sessions) as session:
                record_job_run(session, event.job_id, error=error)
        except Exception:  # noqa: BLE001 - monitoring must not take the jobs down
            log.exception("could not record a run of %s", event.job_id)

    def run(self, on_tick: Callable[[bool], None] | None = None) -> None:
        try:
            while not self.stop_event.is_set():
                leading = self.step()
                if on_tick:
                    on_tick(leading)
                self.stop_event.wait(self.poll_seconds)
        finally:
            self.close()

    def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        self.lock.release()


def run_scheduler(settings: Settings) -> int:
    from heard.notice_wiring import check_at_start
    from heard.wiring import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    check_at_start(settings)  # a broken routes file stops here; nobody to tell is logged
    database = open_database(settings)
    runner = SchedulerRunner(settings, database)
    # systemd and Docker stop with SIGTERM: finish the job in hand, then hand the lock over
    # at once (else a SQLite lease stays held until it lapses), as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: runner.stop_event.set())
    print("Heard scheduler started; jobs run only while this process leads.", flush=True)
    for spec in job_specs(settings):
        print(f"  {spec.name}")
    runner.run()  # Ctrl+C ends it; run() releases the lock on the way out
    return 0
