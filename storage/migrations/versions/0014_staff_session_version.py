"""A staff account's session version: sign-out and a password change end every session.

Each staff session carries the account's number when it signs in; raising the number
(sign-out, a new password) makes every older session sign in again. Existing accounts
start at 0, so sessions open during the upgrade end once, at their next request.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("session_version")
