"""The edit form's page (English and French side by side, errors beside each field and summed up
with each field's label), shown blank, filled, with problems or with a conflict."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bot.catalogue_admin import forms
from bot.catalogue_admin.pages.shared import _done, _settings
from bot.catalogue_admin.workflow import editable_organisations
from bot.users.models import SignedIn
from bot.web.i18n import staff_language, t
from bot.web.templating import templates
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.drafts import service as drafts
from onewindow_catalogue.drafts.entries import parse_entry
from onewindow_catalogue.seed_format import CHANNEL_TYPES, LEVELS
from onewindow_catalogue.text import localise

# Form field -> admin.fields key; a text field's ".en"/".fr" says which language (Name (English), Nom (français)).
FIELD_LABELS = {
    "id": "id",
    "organisation": "organisation",
    "level": "level",
    "life_events": "life_events",
    "municipalities": "municipalities",
    "name": "name",
    "summary": "summary",
    "applies_when.text": "applies_when",
    "applies_when.condition": "condition",
    "deadline.text": "deadline",
    "deadline.due": "deadline_due",
    "fee.text": "fee",
    "processing_time": "processing_time",
    "channels": "channels",
    "url": "url",
    "documents": "documents",
    "requires": "requires",
    "covers": "covers",
    "source": "source",
    "notes": "notes",
    "last_checked": "last_checked",
    "uncertain": "uncertain",
    forms.GENERAL: "entry",
}
LANGUAGE_LABELS = {"en": "admin.fields.in_english", "fr": "admin.fields.in_french"}


def field_label(key: str, lang: str) -> str:
    """The label of a form field in the error summary, in the page's language."""
    base, _, suffix = key.rpartition(".")
    if base in FIELD_LABELS and suffix in LANGUAGE_LABELS:
        return t(LANGUAGE_LABELS[suffix], lang, label=t(f"admin.fields.{FIELD_LABELS[base]}", lang))
    if key in FIELD_LABELS:
        return t(f"admin.fields.{FIELD_LABELS[key]}", lang)
    return key.replace(".", " ").replace("_", " ")


def _edit_page(
    request: Request,
    db_session: Session,
    signed_in: SignedIn,
    *,
    service_id: Optional[str],
    values: Dict[str, Any],
    errors: Dict[str, List[str]],
    base_version: Optional[int],
    published: Any = None,
    draft: Any = None,
    conflict: Any = None,
    status: int = 200,
    notice: Optional[str] = None,
) -> HTMLResponse:
    catalogue = catalogue_service.read_all(db_session=db_session)
    lang = staff_language(request)
    orgs = editable_organisations(signed_in)
    organisations = [
        (o.id, localise(o.name, lang))
        for o in catalogue.organisations
        if orgs is None or o.id in orgs or o.id == values.get("organisation")
    ]
    others = drafts.open_drafts(db_session=db_session, service_id=service_id) if service_id else []
    error_list = [(key, field_label(key, lang), message) for key, messages in errors.items() for message in messages]
    return templates.TemplateResponse(
        request,
        "catalogue_admin/edit.html",
        {
            "signed_in": signed_in,
            "service_id": service_id,
            "creating": service_id is None,
            "values": values,
            "errors": errors,
            "error_list": error_list,
            "base_version": base_version,
            "published": published,
            "draft": draft,
            "conflict": conflict,
            "done": _done(request),
            "notice": notice,
            "other_drafts": [d for d in others if d.author != signed_in.user.username],
            "life_events": [(e.id, localise(e.title, lang)) for e in catalogue.life_events],
            "organisations": organisations,
            "levels": LEVELS,
            "channel_types": CHANNEL_TYPES,
            "services": [(s.id, localise(s.name, lang)) for s in catalogue.services if s.id != service_id],
            "require_review": _settings(request).require_review,
            "general": forms.GENERAL,
        },
        status_code=status,
    )


def _with_problems(
    request: Request,
    db_session: Session,
    signed_in: SignedIn,
    service_id: Optional[str],
    entry: Dict[str, Any],
    values: Dict[str, Any],
    form_errors: Dict[str, List[str]],
    rows: Dict[int, int],
    base_version: Optional[int],
    published: Any = None,
) -> HTMLResponse:
    """Bad YAML in a field: show it, and every other problem the entry has, at once."""
    errors = dict(form_errors)
    _, problems = parse_entry(entry, service_id)
    lang = staff_language(request)
    for key, messages in forms.errors_by_field(problems, service_id or entry.get("id"), rows, lang).items():
        errors.setdefault(key, []).extend(messages)
    return _edit_page(
        request,
        db_session,
        signed_in,
        service_id=service_id,
        values=values,
        errors=errors,
        base_version=base_version,
        published=published,
        status=422,
    )
