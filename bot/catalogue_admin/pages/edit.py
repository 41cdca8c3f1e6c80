"""Creating a service and editing one: the form's routes, which save a draft and publish it or send
it to review, and show the form again with the problems, the refusal or the conflict."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bot.catalogue_admin import forms
from bot.catalogue_admin.pages.edit_form import _edit_page, _with_problems
from bot.catalogue_admin.pages.shared import (
    BASE,
    _after,
    _author,
    _int,
    _organisation_named,
    _refused,
    _settings,
    owner_form,
    owner_page,
    page_router,
)
from bot.catalogue_admin.said import error_text
from bot.catalogue_admin.workflow import Refused, conflict_recorded, ensure_can_edit, finish
from bot.users.models import SignedIn
from bot.web.i18n import staff_language
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.drafts import service as drafts

router = page_router()


@router.get(BASE + "/new", response_class=HTMLResponse)
def new_page(
    request: Request,
    signed_in: SignedIn = Depends(owner_page),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    values = forms.values_from_entry(None)
    if signed_in.user.organisations:
        values["organisation"] = signed_in.user.organisations[0]
    return _edit_page(request, db_session, signed_in, service_id=None, values=values, errors={}, base_version=None)


@router.post(BASE + "/new", response_class=HTMLResponse)
async def create(
    request: Request,
    signed_in: SignedIn = Depends(owner_form),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    form = await request.form()
    entry, form_errors, rows = forms.entry_from_form(form, staff_language(request))
    values = forms.values_from_form(form)
    try:
        ensure_can_edit(db_session, signed_in, [entry.get("organisation")], entry.get("id", "new"), "create")
    except Refused as error:
        return _refused(request, signed_in, error)
    if form_errors:
        return _with_problems(request, db_session, signed_in, None, entry, values, form_errors, rows, None)
    try:
        draft = drafts.save_draft(
            db_session=db_session,
            data=entry,
            base_version=None,
            **_author(signed_in, form),
        )
        outcome = finish(db_session, signed_in, draft, form.get("do") == "publish", _settings(request).require_review)
    except drafts.Invalid as error:
        errors = forms.errors_by_field(error.problems, entry.get("id"), rows, staff_language(request))
        return _edit_page(
            request, db_session, signed_in, service_id=None, values=values, errors=errors, base_version=None, status=422
        )
    return _after(db_session, outcome, outcome.draft.service_id)


@router.get(BASE + "/services/{service_id}", response_class=HTMLResponse)
def edit_page(
    service_id: str,
    request: Request,
    signed_in: SignedIn = Depends(owner_page),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    published = drafts.current(db_session=db_session, service_id=service_id)
    if published is None:
        raise HTTPException(404, f"No service {service_id[:128]!r}.")
    if not signed_in.can_edit(published.organisation):
        return _refused(
            request,
            signed_in,
            Refused(
                "",
                key="admin.refused.other_organisation",
                values=_organisation_named(db_session, published.organisation),
            ),
        )
    mine = next(
        iter(drafts.open_drafts(db_session=db_session, service_id=service_id, author=signed_in.user.username)), None
    )
    source = mine.data if mine else published.data
    base = mine.base_version if mine else published.number
    return _edit_page(
        request,
        db_session,
        signed_in,
        service_id=service_id,
        values=forms.values_from_entry(source),
        errors={},
        base_version=base,
        published=published,
        draft=mine,
    )


@router.post(BASE + "/services/{service_id}", response_class=HTMLResponse)
async def save(
    service_id: str,
    request: Request,
    signed_in: SignedIn = Depends(owner_form),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    form = await request.form()
    published = drafts.current(db_session=db_session, service_id=service_id)
    if published is None:
        raise HTTPException(404, f"No service {service_id[:128]!r}.")
    entry, form_errors, rows = forms.entry_from_form(form, staff_language(request))
    entry["id"] = service_id
    values = forms.values_from_form(form)
    base_version = _int(form.get("base_version"))
    try:
        ensure_can_edit(db_session, signed_in, [published.organisation, entry.get("organisation")], service_id, "edit")
    except Refused as error:
        return _refused(request, signed_in, error)
    if form_errors:
        return _with_problems(
            request, db_session, signed_in, service_id, entry, values, form_errors, rows, base_version, published
        )
    try:
        draft = drafts.save_draft(
            db_session=db_session,
            data=entry,
            base_version=base_version,
            service_id=service_id,
            **_author(signed_in, form),
        )
        outcome = finish(db_session, signed_in, draft, form.get("do") == "publish", _settings(request).require_review)
    except drafts.Invalid as error:
        errors = forms.errors_by_field(error.problems, service_id, rows, staff_language(request))
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
    except drafts.VersionConflict as error:
        conflict_recorded(db_session, signed_in, error, published.organisation)
        merged = forms.values_from_entry(error.merged) if error.merged else values
        for key in ("change_note",):
            merged[key] = values.get(key, "")
        return _edit_page(
            request,
            db_session,
            signed_in,
            service_id=service_id,
            values=merged,
            errors={},
            base_version=error.current_version,
            published=published,
            conflict=error,
            status=409,
        )
    except drafts.DraftError as error:
        return _edit_page(
            request,
            db_session,
            signed_in,
            service_id=service_id,
            values=values,
            errors={forms.GENERAL: [error_text(error, staff_language(request))]},
            base_version=base_version,
            published=published,
            status=409,
        )
    return _after(db_session, outcome, service_id)
