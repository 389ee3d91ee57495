"""When a reopened alert began waiting again, so lateness and escalation count from then.

`safeguarding_alerts.reopened_at`: when a late "yes, please" or a reply made an actioned
or closed alert new again; its route's escalation minutes count from it.
`safeguarding_alerts.notice_due_since`: when its route last became due a notice (that
reopening, or a reply on an open alert); the alert pages' two-minute "not sent" warning
counts from it. NULL in both (every alert before this column, and any alert never
reopened or replied to) means from when it was raised, as before.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reopened_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("notice_due_since", storage.models.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.drop_column("notice_due_since")
        batch_op.drop_column("reopened_at")
