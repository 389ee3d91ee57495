"""Invite links, "you said, we did" posts, and optional placement type and locality.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "you_said_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=32), nullable=False),
        sa.Column("you_said", sa.Text(), nullable=False),
        sa.Column("we_did", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=254), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("batch", sa.String(length=64), nullable=False),
        sa.Column("survey_id", sa.String(length=64), nullable=False),
        sa.Column("cohort", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("open_link", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("first_used_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("respondent_id", sa.Integer(), nullable=True),
        sa.Column("device_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.create_index("ix_invites_batch", ["batch"], unique=False)
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placement_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("locality", sa.String(length=32), nullable=True))
    with op.batch_alter_table("survey_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invite_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_survey_sessions_invite_id", "invites", ["invite_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_sessions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_survey_sessions_invite_id", type_="foreignkey")
        batch_op.drop_column("invite_id")
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.drop_column("locality")
        batch_op.drop_column("placement_type")
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_index("ix_invites_batch")
    op.drop_table("invites")
    op.drop_table("you_said_posts")
