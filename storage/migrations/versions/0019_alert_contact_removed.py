"""When retention removed the sealed contact details from a safeguarding alert.

`safeguarding_alerts.contact_removed_at`: set by storage.retention when it clears
`contact_sealed`, so the alert page can say the details went after the retention
period, and when, rather than leave a lead to wonder why a person who asked for
someone to get in touch left none. NULL for details still held, for no details, and
for details removed before this column (the page says they went, without a date).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_removed_at", storage.models.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.drop_column("contact_removed_at")
