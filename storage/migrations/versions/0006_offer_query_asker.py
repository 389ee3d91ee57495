"""A keyed tag of who asked each local-offer question, so erasure can remove them.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offer_queries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("asker_tag", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_offer_queries_asker", ["asker_tag"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offer_queries", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_queries_asker")
        batch_op.drop_column("asker_tag")
