"""`onewindow purge`: delete old conversations and closed cases, keeping anonymous counts."""

from __future__ import annotations

from typing import Optional

import typer

from bot.cli.common import fail, session_factory
from bot.settings import get_settings


def purge(
    older_than: Optional[str] = typer.Option(None, help="e.g. 30d, 12h, 2w (default: ONEWINDOW_RETENTION_DAYS)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="only show what would be deleted"),
) -> None:
    """Delete old conversations and closed cases, keeping only anonymous counts for reports."""
    import datetime as dt

    from bot.retention import service as retention
    from onewindow_catalogue.database import session_scope

    try:
        age = retention.parse_age(older_than) if older_than else dt.timedelta(days=get_settings().retention_days)
    except ValueError as error:
        fail(str(error), 2)
    with session_scope(session_factory()) as session:
        plan = retention.plan(db_session=session, older_than=age)
        typer.echo(plan.describe())
        if dry_run:
            typer.echo("Dry run: nothing was deleted.")
            return
        done = retention.purge(db_session=session, purge_plan=plan)
    typer.echo(
        f"Deleted {done['conversations']} conversation(s), {done['messages']} message(s) and "
        f"{done['cases']} case(s); their anonymous counts are kept for reports."
    )
