"""`onewindow catalogue` (validate, import, export, review-due, coverage) and `onewindow bundle`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from bot.cli.common import fail, session_factory, snapshot
from bot.cli.db import record_versions
from bot.settings import get_settings


def catalogue_validate(path: Path = typer.Argument(..., help="a seed folder, or one YAML/JSON file")) -> None:
    """Check a catalogue; print one line per problem (file:entry:field: message)."""
    from onewindow_catalogue.loading import check_path

    catalogue, problems = check_path(path)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        fail(f"{len(problems)} problem(s); nothing would be loaded.")
    typer.echo(
        f"OK: {len(catalogue.services)} services, {len(catalogue.facts)} facts, "
        f"{len(catalogue.organisations)} organisations, {len(catalogue.life_events)} life events."
    )
    from onewindow_catalogue.validation import review_warnings

    for warning in review_warnings(catalogue):
        typer.echo(f"warning: {warning}")


def catalogue_import(path: Path = typer.Argument(..., help="a seed folder, or one YAML/JSON file")) -> None:
    """Replace the published catalogue with a validated one (all or nothing)."""
    from onewindow_catalogue import service
    from onewindow_catalogue.database import session_scope
    from onewindow_catalogue.loading import read_catalogue
    from onewindow_catalogue.validation import CatalogueInvalid

    try:
        catalogue = read_catalogue(path)
    except CatalogueInvalid as error:
        fail(f"{error}\nNothing was loaded.")
    with session_scope(session_factory()) as session:
        revision = service.replace_all(db_session=session, catalogue=catalogue)
        record_versions(session, catalogue, "catalogue import")
    typer.echo(f"Imported {len(catalogue.services)} services (catalogue revision {revision}).")


def catalogue_export(
    path: Path = typer.Argument(..., help="a .yml/.json file, or a folder for one file per section"),
    format: str = typer.Option("seed", "--format", help="seed (YAML/JSON by suffix), yaml, json, csv or jsonld"),
) -> None:
    """Write the published catalogue in the seed format, as CSV, or as JSON-LD (CPSV-AP 3.2)."""
    from onewindow_catalogue import service
    from onewindow_catalogue.database import session_scope
    from onewindow_catalogue.loading import dump_catalogue

    if format not in ("seed", "yaml", "json", "csv", "jsonld"):
        fail("--format must be seed, yaml, json, csv or jsonld")
    with session_scope(session_factory()) as session:
        catalogue = service.read_all(db_session=session)
    if format == "seed":
        dump_catalogue(catalogue, path)
    else:
        _export_as(catalogue, path, format)
    typer.echo(f"Exported {len(catalogue.services)} services to {path}.")


def _export_as(catalogue, path: Path, format: str) -> None:  # type: ignore[no-untyped-def]
    from bot.catalogue_admin.exchange import render

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(catalogue, format), encoding="utf-8")


def catalogue_review_due(
    days: Optional[int] = typer.Option(None, help="overdue when not checked for this many days (default: setting)"),
) -> None:
    """List entries overdue for a check against their source, and services no owner keeps."""
    from bot.catalogue_admin.upkeep import review_due_lines
    from onewindow_catalogue.database import session_scope

    with session_scope(session_factory()) as session:
        for line in review_due_lines(session, days if days is not None else get_settings().review_after_days):
            typer.echo(line)


def catalogue_coverage(
    path: Path = typer.Argument(Path("catalogue/seed"), help="a seed folder holding official_checklists.yml"),
) -> None:
    """Per life event: official checklist items covered, partial, excluded and missing; then the items still open
    and the services still missing French text (both for review). Exits 1 if an item is missing."""
    from onewindow_catalogue.coverage import (
        FILE_NAME,
        check_against,
        coverage,
        coverage_table,
        open_items,
        read_checklists,
    )
    from onewindow_catalogue.loading import check_path
    from onewindow_catalogue.validation import review_warnings, translated_share

    catalogue, problems = check_path(path)
    if problems:  # a catalogue that does not load cannot be measured
        fail("\n".join(str(problem) for problem in problems))
    checklists, list_problems = read_checklists(path / FILE_NAME)
    problems = list_problems + check_against(checklists, catalogue)
    if problems:
        fail("\n".join(problems))
    titles = {event.id: event.title.get("en", event.id) for event in catalogue.life_events}
    for line in coverage_table(checklists, catalogue, titles):
        typer.echo(line)
    for item in open_items(checklists):
        typer.echo(f"open: {item.event}/{item.id} ({item.status}): {item.what}")
    done, total = translated_share(catalogue, "fr")
    typer.echo(f"French: {done} of {total} services have a French name and summary ({100.0 * done / total:.0f}%).")
    for warning in review_warnings(catalogue):
        typer.echo(f"review: {warning.entry} {warning.field}: {warning.message}")
    if any(row.missing for row in coverage(checklists)):
        raise typer.Exit(1)


def bundle(
    events: str = typer.Argument(..., help="life event ids, comma-separated"),
    fact: Optional[List[str]] = typer.Option(None, "--fact", "-f", help="a fact as name=value; repeat"),
    lang: str = typer.Option("en", help="language of the text"),
) -> None:
    """Print the bundle for life events and facts as JSON."""
    from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts

    raw = {}
    for item in fact or []:
        if "=" not in item:
            fail(f"--fact expects name=value, got {item!r}")
        name, value = item.split("=", 1)
        raw[name.strip()] = value.strip()
    published = snapshot()
    try:
        result = build_bundle(
            published, [e.strip() for e in events.split(",") if e.strip()], parse_facts(published, raw), lang=lang
        )
    except BundleRequestError as error:
        fail(str(error), 2)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
