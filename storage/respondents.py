"""Respondents: finding, profiling, exporting and erasing one person's data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.audit import forget_person
from storage.db import rows_changed
from storage.models import (
    Answer,
    Comment,
    Invite,
    Respondent,
    SafeguardingAlert,
    SurveySession,
    WebContactDelivery,
    utcnow,
)
from storage.offer_queries import erase_offer_queries, offer_queries_by
from storage.web_contacts import contact_of, erase_web_contacts


def find_respondent(session: Session, pseudonym: str) -> Respondent | None:
    return session.scalar(select(Respondent).where(Respondent.pseudonym == pseudonym))


def get_or_create_respondent(session: Session, pseudonym: str, channel: str) -> Respondent:
    respondent = find_respondent(session, pseudonym)
    if respondent is None:
        # No reminders until the person chooses them (see reminders_unchosen).
        respondent = Respondent(pseudonym=pseudonym, channel=channel, reminders_enabled=False)
        session.add(respondent)
        session.flush()
    return respondent


def reminders_unchosen(respondent: Respondent) -> bool:
    """Never asked for reminders nor said no to them: off, and theirs to choose.
    (Choosing "no" sets opted_out, so it reads differently from never choosing.)"""
    return not respondent.reminders_enabled and not respondent.opted_out


def completed_check_ins(session: Session, respondent_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(SurveySession.id))
            .where(SurveySession.respondent_id == respondent_id)
            .where(SurveySession.state == "completed")
        )
        or 0
    )


def set_profile(
    session: Session,
    respondent: Respondent,
    *,
    cohort: str | None = None,
    age_band: str | None = None,
    consent_version: str | None = None,
    quote_consent: bool | None = None,
    when: datetime | None = None,
) -> Respondent:
    if cohort is not None:
        respondent.cohort = cohort
    if age_band is not None:
        respondent.age_band = age_band
    if consent_version is not None:
        respondent.consent_version = consent_version
        respondent.consented_at = when or utcnow()
    if quote_consent is not None:
        respondent.quote_consent = quote_consent
    respondent.last_active_at = when or utcnow()
    session.flush()
    return respondent


def export_respondent(
    session: Session, respondent: Respondent, *, offer_asker: str | None = None
) -> dict[str, Any]:
    """Everything Heard holds about one person, for /mydata and subject access.
    `offer_asker` is their keyed tag on local-offer questions (People.offer_asker)."""
    sessions = session.scalars(
        select(SurveySession)
        .where(SurveySession.respondent_id == respondent.id)
        .order_by(SurveySession.started_at)
    ).all()
    answers = session.scalars(
        select(Answer).where(Answer.respondent_id == respondent.id).order_by(Answer.answered_at)
    ).all()
    comments = session.scalars(
        select(Comment).where(Comment.respondent_id == respondent.id).order_by(Comment.created_at)
    ).all()
    alerts = session.scalar(
        select(SafeguardingAlert.id)
        .where(SafeguardingAlert.pseudonym == respondent.pseudonym)
        .limit(1)
    )
    questions = offer_queries_by(session, offer_asker) if offer_asker else []
    numbers = {s.id: number for number, s in enumerate(sessions, start=1)}
    return {
        "about_you": {
            "who": respondent.cohort,
            "age_band": respondent.age_band,
            "channel": respondent.channel,
            "consent_version": respondent.consent_version,
            "consented_at": _iso(respondent.consented_at),
            "happy_to_be_quoted": respondent.quote_consent,
            "reminders": {
                "on": respondent.reminders_enabled and not respondent.opted_out,
                "every_days": respondent.reminder_every_days,
                "quiet_hours": f"{respondent.quiet_start}-{respondent.quiet_end}",
            },
            "first_seen": _iso(respondent.created_at),
        },
        "check_ins": [
            {
                "survey": s.survey_id,
                "state": s.state,
                "started": _iso(s.started_at),
                "finished": _iso(s.completed_at),
                "helped": s.helped,  # a grown-up was helping (None: not asked)
            }
            for s in sessions
        ],
        "answers": [
            {
                "survey": a.survey_id,
                "question": a.question_id,
                "answer": a.value,
                "when": _iso(a.answered_at),
                "check_in": numbers.get(a.session_id),  # its place in check_ins, from 1
            }
            for a in answers
        ],
        "comments": [
            {"text": c.text, "themes": c.themes or [], "when": _iso(c.created_at)}
            for c in comments
            if c.text is not None
        ],
        "offer_questions": [{"text": q.text, "when": _iso(q.created_at)} for q in questions],
        "texts_and_emails": _contact_held(session, respondent.id),
        "safeguarding_records_kept": alerts is not None,
    }


def _contact_held(session: Session, respondent_id: int) -> dict[str, Any] | None:
    """The contact kept for texts or emails: what kind, when and how they agreed, the
    language its messages go in, and how many messages went. The number or address stays
    sealed: the my-data page shows it masked, and `heard export` is read by staff."""
    contact = contact_of(session, respondent_id)
    if contact is None:
        return None
    sent = session.scalar(
        select(func.count(WebContactDelivery.id)).where(
            WebContactDelivery.contact_id == contact.id, WebContactDelivery.state == "sent"
        )
    )
    return {
        "kind": "text messages" if contact.kind == "sms" else "emails",
        "agreed": _iso(contact.consent_at),
        "how": contact.consent_how.replace("_", " "),
        "language": contact.language or "en",  # which Notify template their messages use
        "messages_sent": int(sent or 0),
    }


def erase_respondent(
    session: Session, respondent: Respondent, *, offer_asker: str | None = None
) -> dict[str, int]:
    """Remove every row about a person (and their local-offer questions, by their keyed
    tag). Safeguarding alerts stay, by law, for their retention time; published aggregate
    reports are not rewritten; audit entries stay but no longer name them."""
    rid = respondent.id
    counts: dict[str, int] = {}
    if offer_asker:
        counts["offer_queries"] = erase_offer_queries(session, offer_asker)
    counts["web_contacts"] = erase_web_contacts(session, rid)  # before invites are unbound
    counts["comments"] = rows_changed(session, delete(Comment).where(Comment.respondent_id == rid))
    counts["answers"] = rows_changed(session, delete(Answer).where(Answer.respondent_id == rid))
    counts["sessions"] = rows_changed(
        session, delete(SurveySession).where(SurveySession.respondent_id == rid)
    )
    session.execute(
        update(Invite)
        .where(Invite.respondent_id == rid)
        .values(respondent_id=None, device_hash=None)
    )
    # A lead's message no longer waits for their reply: what they type after erasing
    # is a new message (still read for safety), not words added to a kept alert.
    session.execute(
        update(SafeguardingAlert)
        .where(SafeguardingAlert.pseudonym == respondent.pseudonym)
        .values(lead_messaged_at=None)
    )
    forget_person(session, respondent.pseudonym)
    session.execute(delete(Respondent).where(Respondent.id == rid))
    counts["respondents"] = 1
    session.flush()
    return counts


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
