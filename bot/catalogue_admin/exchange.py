"""Import and export through the web: the published catalogue as JSON-LD
(CPSV-AP), CSV or the seed format; services imported from CSV or the seed
format become drafts (published together when asked), checked exactly like
any other change and only for the organisations the importer keeps."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import yaml
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.catalogue_admin.workflow import consent_needed, ensure_can_edit, missing_consent
from bot.users.models import SignedIn
from onewindow_catalogue import csv_format, jsonld
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.drafts import service as drafts
from onewindow_catalogue.drafts.entries import entry_dict, parse_entry
from onewindow_catalogue.loading import catalogue_to_dict
from onewindow_catalogue.seed_format import Catalogue, Service
from onewindow_catalogue.validation import Problem

MEDIA_TYPES = {
    "jsonld": "application/ld+json",
    "csv": "text/csv; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
    "json": "application/json",
}
SUFFIXES = {"jsonld": "jsonld", "csv": "csv", "yaml": "yml", "json": "json"}


def render(catalogue: Catalogue, format: str) -> str:
    """The catalogue as text in one of the export formats."""
    if format == "jsonld":
        return json.dumps(jsonld.to_jsonld(catalogue), indent=2, ensure_ascii=False) + "\n"
    if format == "csv":
        return csv_format.write_services(catalogue.services)
    data = json.loads(json.dumps(catalogue_to_dict(catalogue), default=str))
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def export_response(db_session: Session, format: str) -> Response:
    catalogue = catalogue_service.read_all(db_session=db_session)
    body = render(catalogue, format)
    filename = f"onewindow-catalogue.{SUFFIXES[format]}"
    return Response(
        body, media_type=MEDIA_TYPES[format], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def read_import(text: str, format: str) -> tuple:
    """Seed-format entries from an uploaded file, and problems with the file itself."""
    if format == "csv":
        return csv_format.read_entries(text)
    try:
        content = json.loads(text) if format == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        return [], [Problem(format, None, None, f"not valid {format.upper()}: {error}")]
    if isinstance(content, dict):
        content = content.get("services")
    if not isinstance(content, list):
        return [], [Problem(format, None, None, "expected a list of services, or a mapping with a 'services' list")]
    return content, []


def import_services(
    db_session: Session, signed_in: SignedIn, text: str, format: str, publish_now: bool, require_review: bool
) -> Dict[str, Any]:
    entries, problems = read_import(text, format)
    parsed: List[Service] = []
    for index, entry in enumerate(entries):
        service, entry_problems = parse_entry(entry, f"#{index + 1}" if not isinstance(entry, dict) else None)
        problems += entry_problems
        if service is not None:
            parsed.append(service)
    ids = [service.id for service in parsed]
    duplicates = sorted({sid for sid in ids if ids.count(sid) > 1})
    problems += [Problem(format, sid, "id", f"'{sid}' appears more than once") for sid in duplicates]
    if problems:
        raise drafts.Invalid(problems)
    changed: List[Service] = []
    bases: Dict[str, Any] = {}
    for service in parsed:
        published = drafts.current(db_session=db_session, service_id=service.id)
        ensure_can_edit(
            db_session,
            signed_in,
            [service.organisation, published.organisation if published else None],
            service.id,
            "import",
        )
        if published is not None and not published.retired and drafts.same_entry(published.data, entry_dict(service)):
            continue
        if published is not None and published.retired:
            raise drafts.WrongState(f"Service '{service.id}' is retired: restore it from its history first.")
        bases[service.id] = published
        changed.append(service)
    drafts.check_batch(db_session=db_session, entries=changed)
    saved = []
    for service in changed:
        published = bases[service.id]
        saved.append(
            drafts.save_draft(
                db_session=db_session,
                data=entry_dict(service),
                base_version=published.number if published else None,
                author=signed_in.user.username,
                author_id=signed_in.user.id,
                service_id=service.id if published else None,
                note=f"Imported from {format.upper()}",
                check_whole=False,
            )
        )
    state = "draft"
    if publish_now and saved:
        batch = {service.id: service.organisation for service in parsed}
        if require_review or any(missing_consent(signed_in, consent_needed(db_session, d, batch)) for d in saved):
            for draft in saved:
                drafts.submit(db_session=db_session, draft_id=draft.id, actor=signed_in.user.username)
            state = "in_review"
        else:
            drafts.publish_batch(db_session=db_session, draft_ids=[draft.id for draft in saved])
            state = "published"
    created = [d.service_id for d in saved if d.action == "create"]
    edited = [d.service_id for d in saved if d.action != "create"]
    for draft in saved:
        action = {"published": "service.publish", "in_review": "draft.submit", "draft": "draft.save"}[state]
        audit.record(
            db_session,
            signed_in,
            action,
            "service",
            draft.service_id,
            {"organisation": draft.organisation, "draft": draft.id, "version": draft.number, "via": f"{format} import"},
        )
    audit.record(
        db_session,
        signed_in,
        "catalogue.import",
        "catalogue",
        format,
        {"created": created, "changed": edited, "unchanged": len(parsed) - len(saved), "state": state},
    )
    return {
        "created": created,
        "changed": edited,
        "unchanged": len(parsed) - len(saved),
        "state": state,
        "drafts": [draft.id for draft in saved],
    }
