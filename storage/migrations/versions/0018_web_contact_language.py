"""The language a web contact's texts and emails go in.

A language code only (e.g. "ar"), or nothing for the default (English) Notify
template: set by `heard invite --language` or from the page's language when a
young person asks for messages at the end of a check-in (issue 16).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_contacts", schema=None) as batch_op:
        batch_op.drop_column("language")
