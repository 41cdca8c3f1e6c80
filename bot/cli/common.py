"""What every command shares: the database session, the published catalogue
snapshot, and one way to fail with a clear message and an exit code."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from bot.settings import get_settings

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "catalogue" / "seed"


def session_factory():  # type: ignore[no-untyped-def]
    from bot.schema import create_schema
    from onewindow_catalogue.database import make_engine, make_session_factory

    engine = make_engine(get_settings().resolved_database_url())
    create_schema(engine)
    return make_session_factory(engine)


def fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def snapshot():  # type: ignore[no-untyped-def]
    """The published catalogue, read once for the command. A database never set
    up has none: every answer would be "no life event", so say what to run."""
    from onewindow_catalogue import service
    from onewindow_catalogue.database import session_scope
    from onewindow_catalogue.snapshot import SnapshotCache

    with session_scope(session_factory()) as session:
        if service.is_empty(db_session=session):
            fail(
                f"The catalogue in {get_settings().resolved_database_url()} is empty: this data folder was "
                "never set up. Run 'onewindow db init' first (make run does it), or set ONEWINDOW_DATA_DIR "
                "to the folder 'onewindow up' uses."
            )
        return SnapshotCache().get(session)
