"""Sealed chat addresses, so reminders can be sent without storing a raw Telegram id.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Early bot builds created this table themselves; adopt it if it is there.
    if sa.inspect(op.get_bind()).has_table("chat_addresses"):
        return
    op.create_table(
        "chat_addresses",
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("respondent_id"),
    )


def downgrade() -> None:
    op.drop_table("chat_addresses")
