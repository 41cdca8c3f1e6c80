"""`onewindow db`: create the tables, the first admin, and load the seed catalogue."""

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
