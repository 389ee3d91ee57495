"""Small reads the staff pages need that no other repository offers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import GeneratedReport, Invite, SurveySession


def get_report(session: Session, report_id: int) -> GeneratedReport | None:
    """One stored report, content included, for download."""
    return session.get(GeneratedReport, report_id)


def checkins_started(
    session: Session, since: datetime, until: datetime
) -> list[tuple[datetime, str]]:
    """When each check-in in [since, until) began, and how the person came: Telegram,
    the web chat, a single-use invite link or an open event link."""
    rows = session.execute(
        select(SurveySession.started_at, SurveySession.channel, Invite.open_link)
        .outerjoin(Invite, Invite.id == SurveySession.invite_id)
        .where(SurveySession.started_at >= since, SurveySession.started_at < until)
    )
    arrived: list[tuple[datetime, str]] = []
    for started, channel, open_link in rows:
        if channel == "web":
            channel = "open_link" if open_link else "invite"
        arrived.append((started, channel))
    return arrived
