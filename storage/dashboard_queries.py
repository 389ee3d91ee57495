"""Small reads the staff pages need that no other repository offers."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import GeneratedReport


def get_report(session: Session, report_id: int) -> GeneratedReport | None:
    """One stored report, content included, for download."""
    return session.get(GeneratedReport, report_id)
