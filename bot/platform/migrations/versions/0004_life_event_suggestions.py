"""Life events say which second life event to offer as a question (catalogue_life_events.suggests).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 12:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("catalogue_life_events") as batch:
        batch.add_column(sa.Column("suggests", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalogue_life_events") as batch:
        batch.drop_column("suggests")
