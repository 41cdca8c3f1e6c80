"""A service's history: its versions with the changes between two of them, and the steps taken from
there (retire, roll back), published at once or sent to review."""

from __future__ import annotations

from typing import Any, Callable, List, Optional

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.catalogue_admin.pages.shared import (
    BASE,
    _after,
    _author,
    _done,
    _int,
    _refused,
    _settings,
    owner_form,
    owner_page,
    page_router,
)
from bot.catalogue_admin.said import error_text, problem_text, said
from bot.catalogue_admin.workflow import Refused, conflict_recorded, ensure_can_edit, finish
from bot.users.models import SignedIn
from bot.web.i18n import staff_language
from bot.web.templating import templates
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.drafts import service as drafts
from onewindow_catalogue.drafts.diff import diff
from onewindow_catalogue.text import localise

router = page_router()


def _publish_from_history(
    request: Request,
    db_session: Session,
    signed_in: SignedIn,
    published: Any,
    action: str,
    organisations: List[Optional[str]],
    make_draft: Callable[[], Any],
) -> Response:
    """Retire or roll back from the history page: published at once (or sent to review); a refusal,
    a conflict or an invalid catalogue is shown on the history page."""
    service_id = published.service_id
    try:
        ensure_can_edit(db_session, signed_in, organisations, service_id, action)
        outcome = finish(db_session, signed_in, make_draft(), True, _settings(request).require_review)
    except Refused as error:
        return _refused(request, signed_in, error)
    except drafts.VersionConflict as error:
        conflict_recorded(db_session, signed_in, error, published.organisation)
        errors = [error_text(error, staff_language(request))]
        return _history_page(request, db_session, signed_in, service_id, None, None, status=409, errors=errors)
    except drafts.DraftError as error:
        lang = staff_language(request)
        messages = [
            problem_text(p, lang) if p.entry != service_id else said(p.message, lang)
            for p in getattr(error, "problems", [])
        ]
        errors = messages or [error_text(error, lang)]
        return _history_page(request, db_session, signed_in, service_id, None, None, status=409, errors=errors)
    return _after(db_session, outcome, service_id)


@router.post(BASE + "/services/{service_id}/retire", response_class=HTMLResponse)
async def retire(
    service_id: str,
    request: Request,
    signed_in: SignedIn = Depends(owner_form),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    form = await request.form()
    published = drafts.current(db_session=db_session, service_id=service_id)
    if published is None:
        raise HTTPException(404, f"No service {service_id[:128]!r}.")
    return _publish_from_history(
        request,
        db_session,
        signed_in,
        published,
        "retire",
        [published.organisation],
        lambda: drafts.retire_draft(
            db_session=db_session,
            service_id=service_id,
            base_version=_int(form.get("base_version")),
            **_author(signed_in, form),
        ),
    )


@router.get(BASE + "/services/{service_id}/history", response_class=HTMLResponse)
def history_page(
    service_id: str,
    request: Request,
    before: Optional[int] = Query(None, alias="from"),
    after: Optional[int] = Query(None, alias="to"),
    signed_in: SignedIn = Depends(owner_page),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    if drafts.current(db_session=db_session, service_id=service_id) is None:
        raise HTTPException(404, f"No service {service_id[:128]!r}.")
    return _history_page(request, db_session, signed_in, service_id, before, after)


def _history_page(
    request: Request,
    db_session: Session,
    signed_in: SignedIn,
    service_id: str,
    before: Optional[int],
    after: Optional[int],
    status: int = 200,
    errors: Optional[List[str]] = None,
) -> HTMLResponse:
    versions = drafts.history(db_session=db_session, service_id=service_id)
    published = drafts.current(db_session=db_session, service_id=service_id)
    numbers = [v.number for v in versions]
    if after is None and numbers:
        after = numbers[0]
    if before is None and len(numbers) > 1:
        before = numbers[1]
    changes = None
    if before in numbers and after in numbers:
        by_number = {v.number: v for v in versions}
        changes = diff(by_number[before].data, by_number[after].data)
    return templates.TemplateResponse(
        request,
        "catalogue_admin/history.html",
        {
            "signed_in": signed_in,
            "service_id": service_id,
            "versions": versions,
            "published": published,
            "before": before,
            "after": after,
            "changes": changes,
            "done": _done(request),
            "errors": errors or [],
            "can_edit": bool(published and signed_in.can_edit(published.organisation)),
            "name": localise((published.data if published else {}).get("name"), staff_language(request)) or service_id,
        },
        status_code=status,
    )


@router.post(BASE + "/services/{service_id}/rollback", response_class=HTMLResponse)
async def rollback(
    service_id: str,
    request: Request,
    signed_in: SignedIn = Depends(owner_form),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    form = await request.form()
    published = drafts.current(db_session=db_session, service_id=service_id)
    to_version = _int(form.get("to_version"))
    if published is None or to_version is None:
        raise HTTPException(404, "No such service or version.")
    return _publish_from_history(
        request,
        db_session,
        signed_in,
        published,
        "rollback",
        [published.organisation],
        lambda: drafts.rollback_draft(
            db_session=db_session,
            service_id=service_id,
            to_version=to_version,
            base_version=_int(form.get("base_version")),
            **_author(signed_in, form),
        ),
    )
