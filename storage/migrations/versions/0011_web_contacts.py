"""Text messages and email through GOV.UK Notify, for people who use the web (under 16s).

`web_contacts` holds a mobile number or email address, only with consent (when and
how it was given are recorded), encrypted with a key derived from
HEARD_PSEUDONYM_KEY (storage.web_contacts, as storage.sealing), so a copy of the
database alone cannot say how to reach anyone. A contact belongs to a person (deleted
with them); one a worker added is bound to the child when they first answer on the
link it carried (until then it holds the survey, cohort and age band of the link).

`web_contact_deliveries` records each message sent: which round it was for (one row
per contact and round, so two schedulers cannot both send it), the link it carried,
Notify's id and status. Never the number, the address or the words.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("contact_sealed", sa.Text(), nullable=False),
        sa.Column("survey_id", sa.String(length=64), nullable=False),
        sa.Column("cohort", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("consent_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("consent_how", sa.String(length=32), nullable=False),
        sa.Column("consent_wording", sa.String(length=32), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("respondent_id", name="uq_web_contacts_respondent"),
    )
    op.create_table(
        "web_contact_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("round_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("lease_until", storage.models.UTCDateTime(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("notify_id", sa.String(length=64), nullable=True),
        sa.Column("notify_status", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("sent_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("status_checked_at", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["web_contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invite_id"], ["invites.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "round_key", name="uq_web_contact_round"),
    )
    op.create_index("ix_web_contact_deliveries_state", "web_contact_deliveries", ["state"])


def downgrade() -> None:
    op.drop_index("ix_web_contact_deliveries_state", table_name="web_contact_deliveries")
    op.drop_table("web_contact_deliveries")
    op.drop_table("web_contacts")
