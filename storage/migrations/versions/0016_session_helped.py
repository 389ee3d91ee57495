"""A check-in answered with a grown-up helping: `survey_sessions.helped`.

True when the person ticked "A grown-up is helping me answer" on the web check-in's first
page, False when they left it unticked, NULL where the question was never asked (the bot,
and every check-in before this). It says nothing about who helped.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_sessions") as batch:
        batch.add_column(sa.Column("helped", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_sessions") as batch:
        batch.drop_column("helped")
