"""When a safeguarding lead last messaged a person in Telegram from their alert.

For a while after it (storage.alerts.REPLY_WINDOW) what the person types in Telegram
is their reply to the lead and goes into that alert's history. A time only: the
lead's words are in the history already.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lead_messaged_at", storage.models.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.drop_column("lead_messaged_at")
