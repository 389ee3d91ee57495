"""Each answer records the language it was given in (surveys.languages code).

Answers given before Heard spoke other languages were all in English, so existing rows
get 'en'. Reports count answers in every language together and say how many were given
in each (suppressed like every other small count).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="en")
        )


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("language")
