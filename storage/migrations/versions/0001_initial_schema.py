"""Initial schema: respondents, surveys, answers, comments, alerts, staff, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "offer_queries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("answer_ids", sa.JSON(), nullable=False),
        sa.Column("top_score", sa.Float(), nullable=True),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("offer_queries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offer_queries_confident", ["confident", "created_at"], unique=False
        )

    op.create_table(
        "processed_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("update_id", sa.String(length=64), nullable=False),
        sa.Column("processed_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "update_id"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period_label", sa.String(length=32), nullable=False),
        sa.Column("period_start", storage.models.UTCDateTime(), nullable=False),
        sa.Column("period_end", storage.models.UTCDateTime(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "period_label", "format"),
    )
    op.create_table(
        "respondents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("cohort", sa.String(length=16), nullable=True),
        sa.Column("age_band", sa.String(length=8), nullable=True),
        sa.Column("consent_version", sa.String(length=32), nullable=True),
        sa.Column("consented_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("quote_consent", sa.Boolean(), nullable=False),
        sa.Column("reminders_enabled", sa.Boolean(), nullable=False),
        sa.Column("reminder_every_days", sa.Integer(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=False),
        sa.Column("quiet_end", sa.String(length=5), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("last_reminded_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("last_active_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pseudonym"),
    )
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.create_index("ix_respondents_cohort_band", ["cohort", "age_band"], unique=False)

    op.create_table(
        "safeguarding_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("cohort", sa.String(length=16), nullable=True),
        sa.Column("age_band", sa.String(length=8), nullable=True),
        sa.Column("lexicon_version", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("escalated_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("notified_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("text_removed_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", storage.models.UTCDateTime(), nullable=True),
        sa.Column("last_login_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "survey_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash"),
        sa.UniqueConstraint("survey_id", "version"),
    )
    op.create_table(
        "survey_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("current_question_id", sa.String(length=64), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("started_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("completed_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("survey_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sessions_respondent_state", ["respondent_id", "state"], unique=False
        )
        batch_op.create_index(
            "ix_sessions_survey_started", ["survey_id", "started_at"], unique=False
        )

    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("is_kpi", sa.Boolean(), nullable=False),
        sa.Column("satisfied_or_better", sa.Boolean(), nullable=True),
        sa.Column("answered_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["survey_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "question_id"),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index("ix_answers_kpi_time", ["is_kpi", "answered_at"], unique=False)
        batch_op.create_index("ix_answers_respondent", ["respondent_id"], unique=False)
        batch_op.create_index("ix_answers_survey_time", ["survey_id", "answered_at"], unique=False)

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=64), nullable=True),
        sa.Column("question_id", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("cohort", sa.String(length=16), nullable=True),
        sa.Column("age_band", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("quote_consent", sa.Boolean(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=True),
        sa.Column("polarity", sa.Float(), nullable=True),
        sa.Column("subjectivity", sa.Float(), nullable=True),
        sa.Column("analysed_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("text_removed_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index("ix_comments_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_created")

    op.drop_table("comments")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_survey_time")
        batch_op.drop_index("ix_answers_respondent")
        batch_op.drop_index("ix_answers_kpi_time")

    op.drop_table("answers")
    with op.batch_alter_table("survey_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_survey_started")
        batch_op.drop_index("ix_sessions_respondent_state")

    op.drop_table("survey_sessions")
    op.drop_table("survey_versions")
    op.drop_table("staff_users")
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_status_created")

    op.drop_table("safeguarding_alerts")
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.drop_index("ix_respondents_cohort_band")

    op.drop_table("respondents")
    op.drop_table("reports")
    op.drop_table("processed_updates")
    with op.batch_alter_table("offer_queries", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_queries_confident")

    op.drop_table("offer_queries")
    op.drop_table("audit_log")
