"""The `onewindow` console command: one entry point for people at a terminal.

This module only wires the commands into one Typer app; each job lives in its
own module (db, users, catalogue, assistant, triage, bench, purge)."""

from __future__ import annotations

import typer

from bot.cli import assistant, bench, catalogue, db, explain, purge, triage, users

app = typer.Typer(help="OneWindow: life events to one bundle of government services.", no_args_is_help=True)
catalogue_app = typer.Typer(help="Validate, import and export the service catalogue.", no_args_is_help=True)
db_app = typer.Typer(help="Create and seed the database.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts for agents, service owners and admins.", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")

db_app.command("init")(db.db_init)
db_app.command("upgrade")(db.db_upgrade)

users_app.command("add")(users.users_add)
users_app.command("list")(users.users_list)
users_app.command("disable")(users.users_disable)
users_app.command("languages")(users.users_languages)

catalogue_app.command("validate")(catalogue.catalogue_validate)
catalogue_app.command("import")(catalogue.catalogue_import)
catalogue_app.command("export")(catalogue.catalogue_export)
catalogue_app.command("review-due")(catalogue.catalogue_review_due)
catalogue_app.command("coverage")(catalogue.catalogue_coverage)
app.command("bundle")(catalogue.bundle)

app.command("train")(assistant.train)
app.command("up")(assistant.up)
app.command("status")(assistant.status)

app.command("triage")(triage.triage_command)
app.command("eval")(triage.eval_command)
app.command("explain")(explain.explain_command)

app.command("bench")(bench.bench)

app.command("purge")(purge.purge)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
