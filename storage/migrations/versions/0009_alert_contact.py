"""A way back to the person: whether they would like someone to get in touch, and how.

`contact_sealed` holds their first name, worker's name, phone number or Telegram
chat, encrypted with a key derived from HEARD_PSEUDONYM_KEY (storage.sealing), so a
copy of the database alone cannot say how to reach anyone.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_wanted", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("contact_sealed", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("contact_answered_at", storage.models.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        for column in ("contact_answered_at", "contact_sealed", "contact_wanted"):
            batch_op.drop_column(column)
