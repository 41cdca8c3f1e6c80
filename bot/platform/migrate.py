"""Schema migrations (Alembic), for every domain's tables on the one Base.

`onewindow db upgrade` (and `db init`, and `make run` through it) brings a
database to the newest revision. A database made before migrations existed
(every table created by `create_all`, no `alembic_version`) is the baseline
revision: it is stamped as such, then upgraded, so nothing in it is lost.
Rasa's tracker table (`events`) is Rasa's own: migrations never touch it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"


def include_name(name, type_, parent_names) -> bool:  # type: ignore[no-untyped-def]
    """Only our tables: Rasa's tracker store shares the database but is Rasa's own."""
    if type_ == "table":
        import bot.schema  # noqa: F401  (registers every domain's tables)
        from onewindow_catalogue.database import Base

        return name in Base.metadata.tables
    return True


def config(connection: Optional[Connection] = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()


def current(engine: Engine) -> Optional[str]:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _unversioned_release(connection: Connection) -> bool:
    """Our tables are there but Alembic never ran: a database from before migrations."""
    import bot.schema  # noqa: F401  (registers every domain's tables)
    from onewindow_catalogue.database import Base

    tables = set(inspect(connection).get_table_names())
    return "alembic_version" not in tables and bool(tables & set(Base.metadata.tables))


def _revision_of_unversioned(connection: Connection) -> str:
    """Tables made by `create_all` from today's models are at head; any other
    unversioned database is the release before migrations (the baseline)."""
    return head() if not _differences(connection) else BASELINE


def upgrade(engine: Engine, revision: str = "head") -> tuple[Optional[str], str]:
    """Bring the database to `revision`; returns (before, after)."""
    from alembic import command

    before = current(engine)
    with engine.begin() as connection:
        cfg = config(connection)
        if before is None and _unversioned_release(connection):
            before = _revision_of_unversioned(connection)
            command.stamp(cfg, before)
        command.upgrade(cfg, revision)
    return before, current(engine) or ""


def schema_differences(engine: Engine) -> list:
    """What the database lacks or has beyond the models (Alembic's comparison);
    empty when the migrations and the models agree."""
    with engine.connect() as connection:
        return _differences(connection)


def _differences(connection: Connection) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import bot.schema  # noqa: F401  (registers every domain's tables)
    from onewindow_catalogue.database import Base

    context = MigrationContext.configure(
        connection, opts={"include_name": include_name, "compare_type": True, "render_as_batch": True}
    )
    return compare_metadata(context, Base.metadata)
