"""`onewindow users`: accounts for agents, service owners and admins."""

from __future__ import annotations

from typing import List, Optional

import typer

from bot.cli.common import fail, session_factory


def users_add(
    username: str = typer.Argument(..., help="lower-case user name"),
    role: str = typer.Option(..., help="admin, owner or agent"),
    name: str = typer.Option("", help="display name (defaults to the user name)"),
    organisation: Optional[List[str]] = typer.Option(None, help="for owners: an organisation id they keep; repeat"),
    languages: Optional[List[str]] = typer.Option(
        None, "--languages", "--language", help="for agents: languages served in besides English (fr); repeat or fr,en"
    ),
    password: Optional[str] = typer.Option(
        None, help="at least 12 characters; asked for when not given", envvar="ONEWINDOW_NEW_PASSWORD"
    ),
) -> None:
    """Add an account."""
    from pydantic import ValidationError

    from bot.users import service as users
    from bot.users.models import UserCreate
    from onewindow_catalogue.database import session_scope

    if password is None:
        password = typer.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)
    try:
        user_in = UserCreate(
            username=username,
            display_name=name or username,
            password=password,
            role=role,
            organisations=organisation or [],
            languages=languages or [],
        )
        with session_scope(session_factory()) as session:
            users.create(db_session=session, user_in=user_in)
    except ValidationError as error:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()))
    except users.UserError as error:
        fail(str(error))
    typer.echo(f"Added {role} '{username}'.")


def users_list() -> None:
    """List accounts."""
    from bot.users import service as users
    from onewindow_catalogue.database import session_scope

    with session_scope(session_factory()) as session:
        for user in users.get_all(db_session=session):
            state = "disabled" if user.disabled else "active"
            orgs = f" [{', '.join(user.organisations)}]" if user.organisations else ""
            langs = f" (serves in: {', '.join(['en', *user.languages])})" if user.languages else ""
            typer.echo(f"{user.username:<20} {user.role:<6} {state:<8} {user.display_name}{orgs}{langs}")


def users_languages(
    username: str = typer.Argument(..., help="the user name"),
    languages: Optional[List[str]] = typer.Option(
        None, "--languages", "--language", help="languages served in besides English (fr); none: English only"
    ),
) -> None:
    """Set the languages an agent serves in: a queue that requires French goes only to agents with fr."""
    from bot.users import service as users
    from onewindow_catalogue.database import session_scope

    try:
        with session_scope(session_factory()) as session:
            user = users.set_languages(db_session=session, username=username, languages=languages or [])
            served = ", ".join(["en", *user.languages])
    except users.UserError as error:
        fail(str(error))
    typer.echo(f"'{username}' serves in: {served}.")


def users_disable(username: str = typer.Argument(..., help="the user name")) -> None:
    """Disable an account and end its sessions and API tokens."""
    from bot.users import service as users
    from onewindow_catalogue.database import session_scope

    try:
        with session_scope(session_factory()) as session:
            users.set_disabled(db_session=session, username=username)
    except users.UserError as error:
        fail(str(error))
    typer.echo(f"Disabled '{username}'.")
