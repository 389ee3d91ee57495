"""Where each alert's notice goes, who looks after it, and the sweep's claims.

`route` names a route in the council's routes file; `assigned_to` a staff member.
`notice_claimed_at` and `escalation_claimed_at` are the sweep's leases (so two
sweepers never both send, and a claim left by a process that died is taken again);
`notice_sent_by` and `escalation_sent_by` list the channels that have had it, so a
retry after a partial failure repeats only what failed.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("assigned_to", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("notice_claimed_at", storage.models.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("notice_sent_by", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("escalation_claimed_at", storage.models.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("escalation_sent_by", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            "fk_alerts_assigned_to", "staff_users", ["assigned_to"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_alerts_notified", ["notified_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_notified")
        batch_op.drop_constraint("fk_alerts_assigned_to", type_="foreignkey")
        for column in (
            "escalation_sent_by",
            "escalation_claimed_at",
            "notice_sent_by",
            "notice_claimed_at",
            "assigned_to",
            "route",
        ):
            batch_op.drop_column(column)
