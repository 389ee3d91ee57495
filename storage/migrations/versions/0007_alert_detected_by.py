"""What raised each safeguarding alert: the lexicon rules and/or the model, and versions.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detected_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_alerts", schema=None) as batch_op:
        batch_op.drop_column("detected_by")
