"""Idempotent chat messages: a client's id per citizen message, unique in its conversation.

conversation_messages gets client_message_id (unique with conversation_id), submission,
answer, claim and claimed_at. Existing messages keep NULL in all five: they were sent
without an id, and NULLs never collide in a unique constraint (SQLite and PostgreSQL).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 18:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CONSTRAINT = "uq_conversation_messages_client_message_id"


def upgrade() -> None:
    with op.batch_alter_table("conversation_messages") as batch:
        batch.add_column(sa.Column("client_message_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("submission", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("answer", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("claim", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint(CONSTRAINT, ["conversation_id", "client_message_id"])


def downgrade() -> None:
    with op.batch_alter_table("conversation_messages") as batch:
        batch.drop_constraint(CONSTRAINT, type_="unique")
        for column in ("claimed_at", "claim", "answer", "submission", "client_message_id"):
            batch.drop_column(column)
