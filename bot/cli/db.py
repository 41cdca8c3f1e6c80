"""`onewindow db`: create or upgrade the tables (migrations), the first admin, and load the seed catalogue."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import SEED_DIR, fail, session_factory
from bot.settings import get_settings


def db_init(
    seed: Path = typer.Option(SEED_DIR, help="seed folder or file loaded when the catalogue is empty"),
    reseed: bool = typer.Option(False, help="replace the published catalogue with the seed even if not empty"),
) -> None:
    """Create the tables; load the seed catalogue into an empty database."""
    from onewindow_catalogue import service
    from onewindow_catalogue.database import session_scope
    from onewindow_catalogue.loading import read_catalogue
    from onewindow_catalogue.validation import CatalogueInvalid

    _migrate()
    factory = session_factory()
    _ensure_first_admin(factory)
    with session_scope(factory) as session:
        if not reseed and not service.is_empty(db_session=session):
            typer.echo(f"Database ready ({get_settings().resolved_database_url()}); catalogue already loaded.")
            return
        try:
            catalogue = read_catalogue(seed)
        except CatalogueInvalid as error:
            fail(str(error))
        revision = service.replace_all(db_session=session, catalogue=catalogue)
        record_versions(session, catalogue, "db init")
    typer.echo(f"Database ready; loaded {len(catalogue.services)} services (catalogue revision {revision}).")


def db_upgrade(
    revision: str = typer.Option("head", help="the schema revision to reach (Alembic's id; 'head' is the newest)"),
) -> None:
    """Bring the database's tables to the newest schema (Alembic migrations); nothing is lost."""
    before, after = _migrate(revision)
    if before == after:
        typer.echo(f"Database schema up to date (revision {after}).")
    else:
        typer.echo(f"Database schema upgraded from {before or 'empty'} to revision {after}.")


def _migrate(revision: str = "head") -> tuple:
    """Run the migrations (bot/platform/migrate.py); a failure is a clear message, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.platform import migrate
    from onewindow_catalogue.database import make_engine

    engine = make_engine(get_settings().resolved_database_url())
    try:
        return migrate.upgrade(engine, revision)
    except migrate.SchemaNotRecognised as error:
        fail(str(error))
    except SQLAlchemyError as error:
        fail(f"Could not upgrade the database schema: {str(error).splitlines()[0]}")
    except Exception as error:  # Alembic's own errors: an unknown revision, a broken script
        if type(error).__module__.startswith("alembic"):
            fail(f"Could not upgrade the database schema: {error}")
        raise
    finally:
        engine.dispose()


def _ensure_first_admin(factory) -> None:  # type: ignore[no-untyped-def]
    """The first admin account, its password printed once (it is stored hashed)."""
    import secrets

    from bot.users import service as users
    from bot.users.models import UserCreate
    from onewindow_catalogue.database import session_scope

    with session_scope(factory) as session:
        if users.has_admin(db_session=session):
            return
        password = secrets.token_urlsafe(12)
        user_in = UserCreate(username="admin", display_name="Administrator", password=password, role="admin")
        users.create(db_session=session, user_in=user_in)
    typer.secho(
        f"Created the first administrator: user name 'admin', password '{password}'.\n"
        "It is shown only this once: keep it safe, or add another admin with 'onewindow users add'.",
        fg=typer.colors.YELLOW,
    )


def record_versions(session, catalogue, author: str) -> None:  # type: ignore[no-untyped-def]
    """Start (or continue) every service's version history from what was just loaded."""
    from bot.audit import service as audit
    from onewindow_catalogue.drafts import service as drafts

    changed = drafts.record_import(db_session=session, catalogue=catalogue, author=author)
    audit.record(
        session,
        None,
        "catalogue.import",
        "catalogue",
        author,
        {"services": len(catalogue.services), "versions_recorded": changed},
    )
