"""Alembic's environment: the connection comes from bot.platform.migrate (never
an alembic.ini URL), every domain's tables are the target, Rasa's are skipped."""

from alembic import context

import bot.schema  # noqa: F401  (registers every domain's tables)
from bot.platform.migrate import include_name
from onewindow_catalogue.database import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with 'onewindow db upgrade' (bot/platform/migrate.py)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_name=include_name,
    compare_type=True,
    render_as_batch=True,  # SQLite alters a table by copying it
)
with context.begin_transaction():
    context.run_migrations()
