"""Heard's tables as typed SQLAlchemy 2 models.

Privacy by design shapes them: a respondent is a keyed hash and an age band,
never a name or a date of birth; raw free text lives only in comments and
safeguarding alerts, so retention and erasure have few places to look.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC without a zone on every backend; always hands back aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Heard stores only timezone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


COHORTS = ("child_in_care", "care_leaver", "carer")
AGE_BANDS = ("4-7", "8-11", "11-17", "16-25", "adult")
CHANNELS = ("telegram", "web", "webchat", "import", "demo")
SESSION_STATES = ("active", "paused", "completed", "partial")
ALERT_STATUSES = ("new", "acknowledged", "actioned", "closed")
STAFF_ROLES = ("participation", "safeguarding", "admin")


class Respondent(Base):
    __tablename__ = "respondents"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    cohort: Mapped[str | None] = mapped_column(String(16))
    age_band: Mapped[str | None] = mapped_column(String(8))
    placement_type: Mapped[str | None] = mapped_column(String(32))
    locality: Mapped[str | None] = mapped_column(String(32))
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consented_at: Mapped[datetime | None]
    quote_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    reminder_every_days: Mapped[int] = mapped_column(Integer, default=30)
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    last_reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The language they chose to talk in (surveys.languages code); None: not chosen (0013).
    language: Mapped[str | None] = mapped_column(String(8), default=None)

    sessions: Mapped[list[SurveySession]] = relationship(back_populates="respondent")

    __table_args__ = (Index("ix_respondents_cohort_band", "cohort", "age_band"),)


class SurveyVersion(Base):
    """One immutable version of a survey: answers point here, never at the YAML file."""

    __tablename__ = "survey_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("survey_id", "version"),)


class SurveySession(Base):
    __tablename__ = "survey_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"))
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    survey_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="active")
    current_question_id: Mapped[str | None] = mapped_column(String(64))
    history: Mapped[list[Any]] = mapped_column(default=list)
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    # "A grown-up is helping me answer" on the web's first page (migration 0016): True
    # ticked, False not, None never asked (the bot, and check-ins before it).
    helped: Mapped[bool | None] = mapped_column(Boolean)

    respondent: Mapped[Respondent] = relationship(back_populates="sessions")
    answers: Mapped[list[Answer]] = relationship(back_populates="session")

    __table_args__ = (
        Index("ix_sessions_respondent_state", "respondent_id", "state"),
        Index("ix_sessions_survey_started", "survey_id", "started_at"),
    )


class Answer(Base):
    """One question answered. Re-answering after `back` updates the same row."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("survey_sessions.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"))
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    survey_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    is_kpi: Mapped[bool] = mapped_column(Boolean, default=False)
    satisfied_or_better: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))
    # The language the question was shown and answered in (surveys.languages code).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    session: Mapped[SurveySession] = relationship(back_populates="answers")

    __table_args__ = (
        UniqueConstraint("session_id", "question_id"),
        Index("ix_answers_survey_time", "survey_id", "answered_at"),
        Index("ix_answers_respondent", "respondent_id"),
        Index("ix_answers_kpi_time", "is_kpi", "answered_at"),
    )


class Comment(Base):
    """Free text. The raw words go after the retention period; annotations stay."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"))
    survey_id: Mapped[str | None] = mapped_column(String(64))
    question_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    cohort: Mapped[str | None] = mapped_column(String(16))
    age_band: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str | None] = mapped_column(Text)
    quote_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    themes: Mapped[list[Any] | None] = mapped_column(JSON)
    polarity: Mapped[float | None] = mapped_column(Float)
    subjectivity: Mapped[float | None] = mapped_column(Float)
    analysed_at: Mapped[datetime | None]
    text_removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_comments_created", "created_at"),)


class OfferQuery(Base):
    """A local-offer question and what Heard answered; never who asked, only a keyed tag
    (surveys.people.People.offer_asker) so that erasure can find a person's questions."""

    __tablename__ = "offer_queries"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    asker_tag: Mapped[str | None] = mapped_column(String(64))
    age: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    answer_ids: Mapped[list[Any]] = mapped_column(default=list)
    top_score: Mapped[float | None] = mapped_column(Float)
    confident: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_offer_queries_confident", "confident", "created_at"),
        Index("ix_offer_queries_asker", "asker_tag"),
    )


class SafeguardingAlert(Base):
    """The one place where a child's exact words reach named staff.

    Kept after erasure of the respondent, for child-protection record retention,
    so it carries the pseudonym rather than a foreign key.
    """

    __tablename__ = "safeguarding_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    cohort: Mapped[str | None] = mapped_column(String(16))
    age_band: Mapped[str | None] = mapped_column(String(8))
    lexicon_version: Mapped[str | None] = mapped_column(String(32))
    # What fired: lexicon rule ids and/or the model's version and score.
    detected_by: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="new")
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]
    notified_at: Mapped[datetime | None]
    text_removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where its notice goes (a route in the council's routes file), set when first routed.
    route: Mapped[str | None] = mapped_column(String(64))
    # The staff member looking after it; kept as a number so erasing a person keeps it.
    assigned_to: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL", name="fk_alerts_assigned_to")
    )
    # A sweep's claim on sending the notice (a lease: a claim older than the lease was
    # left by a process that died, and is taken again), and which channels have had it.
    notice_claimed_at: Mapped[datetime | None]
    notice_sent_by: Mapped[str | None] = mapped_column(String(32))
    # The same for the one escalation of an alert nobody acknowledged in time.
    escalation_claimed_at: Mapped[datetime | None]
    escalation_sent_by: Mapped[str | None] = mapped_column(String(32))
    # Whether the person would like someone to get in touch (None: not answered), and
    # how: their first name, worker's name, phone number or Telegram chat, sealed with
    # a key kept outside the database (storage.sealing) and shown only to the
    # safeguarding role.
    contact_wanted: Mapped[bool | None] = mapped_column(Boolean)
    contact_sealed: Mapped[str | None] = mapped_column(Text)
    contact_answered_at: Mapped[datetime | None]
    # When retention removed the sealed details (storage.retention): that they asked, and
    # when, stays, and the alert page says the details went and when, not that none came.
    contact_removed_at: Mapped[datetime | None]
    # When a safeguarding lead last messaged them in Telegram from this alert: for a
    # while after it (storage.alerts.REPLY_WINDOW) what they type is their reply.
    lead_messaged_at: Mapped[datetime | None]
    # When a late "yes, please" or a reply made it new again after it was actioned or
    # closed: its route's escalation minutes count from here (None: from created_at).
    reopened_at: Mapped[datetime | None]
    # When its route last became due a notice (a reopening, or a reply on an open alert):
    # the pages' "not sent" warning counts from here (None: from created_at).
    notice_due_since: Mapped[datetime | None]

    @property
    def notice_owed_since(self) -> datetime:
        """Since when its route has been owed the current notice: lateness counts from this."""
        return self.notice_due_since or self.created_at

    __table_args__ = (
        Index("ix_alerts_status_created", "status", "created_at"),
        Index("ix_alerts_notified", "notified_at"),
    )


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Raised by sign-out and a password change: every session signed with an older
    # number stops working at its next request (0014).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(Base):
    """A council BI tool's read-only key to the suppressed figures. Only a hash is kept:
    the token is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class GeneratedReport(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    period_label: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    format: Mapped[str] = mapped_column(String(8))
    content: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "period_label", "format"),)


class ProcessedUpdate(Base):
    """A channel update already handled, so a redelivery changes nothing."""

    __tablename__ = "processed_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("channel", "update_id"),)


class Invite(Base):
    """A single-use survey link, tied to a survey and cohort, never to a name."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    batch: Mapped[str] = mapped_column(String(64))
    survey_id: Mapped[str] = mapped_column(String(64))
    cohort: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str] = mapped_column(String(8))
    open_link: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_used_at: Mapped[datetime | None]
    respondent_id: Mapped[int | None] = mapped_column(
        ForeignKey("respondents.id", ondelete="SET NULL")
    )
    device_hash: Mapped[str | None] = mapped_column(String(64))
    # An open event link switched off after the event; single-use links never close.
    closed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_invites_batch", "batch"),)


class YouSaidPost(Base):
    """'You said, we did': what the council changed, linked to a theme."""

    __tablename__ = "you_said_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(32))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(254))
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchedulerLeader(Base):
    """The SQLite stand-in for PostgreSQL's advisory lock: one row, one holder, a lease."""

    __tablename__ = "scheduler_leader"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]


class ChatAddress(Base):
    """Where to send someone a reminder, sealed with a key derived from the pseudonym
    key (see bot/addresses.py); deleted with the person."""

    __tablename__ = "chat_addresses"

    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class WebContact(Base):
    """A mobile number or email for texts and emails through GOV.UK Notify, sealed (see
    storage/web_contacts.py), kept only with consent (when and how), deleted with the
    person; one a worker added is bound to the child when they first answer its link."""

    __tablename__ = "web_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int | None] = mapped_column(
        ForeignKey("respondents.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(8))  # "sms" or "email"
    contact_sealed: Mapped[str] = mapped_column(Text)
    survey_id: Mapped[str] = mapped_column(String(64))
    cohort: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str] = mapped_column(String(8))
    consent_at: Mapped[datetime]
    consent_how: Mapped[str] = mapped_column(String(32))
    consent_wording: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The language its messages go in (a surveys.languages code); None: English (0018).
    language: Mapped[str | None] = mapped_column(String(8), default=None)

    __table_args__ = (UniqueConstraint("respondent_id", name="uq_web_contacts_respondent"),)


class WebContactDelivery(Base):
    """One message to a web contact: its round (once per contact and round), the link it
    carried, Notify's id and status. Never the number, the address or the words."""

    __tablename__ = "web_contact_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("web_contacts.id", ondelete="CASCADE"))
    round_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    reference: Mapped[str | None] = mapped_column(String(64))
    notify_id: Mapped[str | None] = mapped_column(String(64))
    notify_status: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    status_checked_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("contact_id", "round_key", name="uq_web_contact_round"),
        Index("ix_web_contact_deliveries_state", "state"),
    )


class JobRun(Base):
    """How a scheduled job last ran (0015): for /metrics and `heard doctor`. No personal
    data: the job's id, counts, times and the type of its last error."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_run_at: Mapped[datetime | None]
    last_ok_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(120))
