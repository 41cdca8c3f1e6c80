"""Links to a citizen's plan (bot/plans): hashed token, inputs, ticked steps, expiry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("done", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index(op.f("ix_plan_links_expires_at"), "plan_links", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_links_expires_at"), table_name="plan_links")
    op.drop_table("plan_links")
