"""Generated reports, kept so the dashboard can list past ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import GeneratedReport


def store_report(
    session: Session,
    *,
    kind: str,
    period_label: str,
    period_start: datetime,
    period_end: datetime,
    format: str,
    content: str,
    summary: dict[str, Any],
) -> GeneratedReport:
    """One report per kind, period and format: regenerating replaces the old one."""
    row = session.scalar(
        select(GeneratedReport)
        .where(GeneratedReport.kind == kind)
        .where(GeneratedReport.period_label == period_label)
        .where(GeneratedReport.format == format)
    )
    if row is None:
        row = GeneratedReport(kind=kind, period_label=period_label, format=format)
        session.add(row)
    row.period_start, row.period_end = period_start, period_end
    row.content, row.summary = content, summary
    session.flush()
    return row


def stored_reports(session: Session, limit: int = 100) -> list[GeneratedReport]:
    return list(
        session.scalars(
            select(GeneratedReport).order_by(GeneratedReport.created_at.desc()).limit(limit)
        )
    )


def report_exists(session: Session, *, kind: str, period_label: str) -> bool:
    return (
        session.scalar(
            select(GeneratedReport.id)
            .where(GeneratedReport.kind == kind)
            .where(GeneratedReport.period_label == period_label)
            .limit(1)
        )
        is not None
    )
