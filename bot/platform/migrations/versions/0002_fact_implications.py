"""Facts say what their values imply about other facts (catalogue_facts.implies).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 12:58:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("catalogue_facts") as batch:
        batch.add_column(sa.Column("implies", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalogue_facts") as batch:
        batch.drop_column("implies")
