"""Invite links: single-use (or open, for events) survey links tied to a survey, never a name.

Only the SHA-256 of a token is stored, so a copy of the database cannot be
turned back into working links. A single-use link is claimed by the first
device that answers on it (never by opening it: link previews open links too),
in one conditional UPDATE, so two phones answering at the same moment cannot
both win.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import rows_changed
from storage.models import Invite, Respondent, SurveySession, utcnow

TOKEN_BYTES = 24  # 32 URL-safe characters, 192 bits
MAX_TOKEN_LENGTH = 128


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_invite(
    session: Session,
    *,
    survey_id: str,
    cohort: str,
    age_band: str,
    batch: str,
    open_link: bool = False,
    when: datetime | None = None,
) -> tuple[Invite, str]:
    """A new invite and its token; the token is returned once and never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = Invite(
        token_hash=hash_token(token),
        batch=batch,
        survey_id=survey_id,
        cohort=cohort,
        age_band=age_band,
        open_link=open_link,
        created_at=when or utcnow(),
    )
    session.add(row)
    session.flush()
    return row, token


def find_invite(session: Session, token: str) -> Invite | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return session.scalar(select(Invite).where(Invite.token_hash == hash_token(token)))


def claim_invite(
    session: Session, invite_id: int, device_hash: str, when: datetime | None = None
) -> bool:
    """Bind an unused single-use link to one device; False if someone got there first.

    The row's condition is checked by the UPDATE itself, so a caller that read the link
    as unused a moment ago still cannot claim it twice. (In an ORM session, refresh the
    Invite after a False: the session may already show this device's values.)"""
    claimed = rows_changed(
        session,
        update(Invite)
        .where(Invite.id == invite_id)
        .where(Invite.first_used_at.is_(None))
        .values(first_used_at=when or utcnow(), device_hash=device_hash),
    )
    return claimed == 1


def note_open_link_used(session: Session, invite_id: int, when: datetime | None = None) -> None:
    """An open link records when it was first used; it binds to no device."""
    session.execute(
        update(Invite)
        .where(Invite.id == invite_id)
        .where(Invite.first_used_at.is_(None))
        .values(first_used_at=when or utcnow())
    )


def close_open_links(session: Session, batch: str, when: datetime | None = None) -> int:
    """Switch off a batch's open event links; how many were open. Answers already given stay."""
    return rows_changed(
        session,
        update(Invite)
        .where(Invite.batch == batch)
        .where(Invite.open_link.is_(True))
        .where(Invite.closed_at.is_(None))
        .values(closed_at=when or utcnow()),
    )


def bind_respondent(session: Session, invite_id: int, pseudonym: str) -> None:
    """Record which respondent a single-use link created (cleared again on erasure)."""
    respondent_id = session.scalar(select(Respondent.id).where(Respondent.pseudonym == pseudonym))
    if respondent_id is not None:
        session.execute(
            update(Invite)
            .where(Invite.id == invite_id)
            .where(Invite.respondent_id.is_(None))
            .values(respondent_id=respondent_id)
        )


def latest_invite_session_state(session: Session, invite_id: int, pseudonym: str) -> str | None:
    """The state of this person's newest check-in started from this link, if any."""
    return session.scalar(
        select(SurveySession.state)
        .join(Respondent, Respondent.id == SurveySession.respondent_id)
        .where(SurveySession.invite_id == invite_id)
        .where(Respondent.pseudonym == pseudonym)
        .order_by(SurveySession.started_at.desc(), SurveySession.id.desc())
        .limit(1)
    )


def record_helped(session: Session, invite_id: int, pseudonym: str, helped: bool) -> bool:
    """Say whether a grown-up is helping with this person's newest check-in from this
    link (survey_sessions.helped); False when there is no check-in to mark."""
    found = session.scalar(
        select(SurveySession)
        .join(Respondent, Respondent.id == SurveySession.respondent_id)
        .where(SurveySession.invite_id == invite_id)
        .where(Respondent.pseudonym == pseudonym)
        .order_by(SurveySession.started_at.desc(), SurveySession.id.desc())
        .limit(1)
    )
    if found is None:
        return False
    found.helped = helped
    return True
