"""Agents' languages on their account (users.languages), replacing queues.yml's agent_languages map.

Existing accounts get [] (English only); queues.yml's map is still read as a fallback.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 15:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("languages", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("languages")
