"""The language a person chose to talk to Heard in (surveys.languages code), or none yet.

Set only when the person picks one themselves (the bot's /language); until then the channel
uses its own signal (Telegram's app language, the browser's) and English. It is not
personal data about them beyond the choice, and goes with the respondent row on erasure.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("respondents") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("respondents") as batch:
        batch.drop_column("language")
