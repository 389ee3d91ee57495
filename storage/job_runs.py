"""Recording each scheduled job's runs, and reading them back for monitoring."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import JobRun, utcnow


def record_job_run(
    session: Session, job_id: str, *, error: str | None = None, when: datetime | None = None
) -> JobRun:
    """Count one run of `job_id`; `error` is the exception's type name when it failed."""
    when = when or utcnow()
    row = session.get(JobRun, job_id)
    if row is None:
        row = JobRun(job_id=job_id[:64], runs=0, failures=0)
        session.add(row)
    row.runs = (row.runs or 0) + 1
    row.last_run_at = when
    if error is None:
        row.last_ok_at = when
    else:
        row.failures = (row.failures or 0) + 1
        row.last_error = error[:120]
    session.flush()
    return row


def job_runs(session: Session) -> list[JobRun]:
    return list(session.scalars(select(JobRun).order_by(JobRun.job_id)))
