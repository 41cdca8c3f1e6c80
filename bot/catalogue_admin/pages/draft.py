"""One draft and its review: the draft's changes and the consent it needs, and its steps (publish,
submit, approve, reject, discard)."""

from __future__ import annotations

from typing import Any, List, Optional

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.catalogue_admin.pages.shared import (
    BASE,
    _organisation_named,
    _refused,
    _settings,
    owner_form,
    owner_page,
    page_router,
)
from bot.catalogue_admin.said import Said, error_text, problem_text
from bot.catalogue_admin.workflow import (
    Refused,
    conflict_recorded,
    consent_needed,
    draft_organisations,
    ensure_can_edit,
    missing_consent,
    organisation_name,
    publish,
    relation_text,
)
from bot.users.models import SignedIn
from bot.web.i18n import staff_language, t
from bot.web.templating import templates
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.drafts import service as drafts

router = page_router()


@router.get(BASE + "/drafts/{draft_id}", response_class=HTMLResponse)
def draft_page(
    draft_id: int,
    request: Request,
    signed_in: SignedIn = Depends(owner_page),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    draft = _draft_or_404(db_session, draft_id)
    if not all(signed_in.can_edit(o) for o in draft_organisations(db_session, signed_in, draft, "view") if o):
        return _refused(
            request,
            signed_in,
            Refused(
                "",
                key="admin.refused.draft_not_yours",
                values=_organisation_named(db_session, draft.organisation),
            ),
        )
    return _draft_page(request, db_session, signed_in, draft)


def _draft_page(
    request: Request,
    db_session: Session,
    signed_in: SignedIn,
    draft: Any,
    status: int = 200,
    errors: Optional[List[str]] = None,
) -> HTMLResponse:
    needed = consent_needed(db_session, draft) if draft.is_open else {}
    lang = staff_language(request)
    return templates.TemplateResponse(
        request,
        "catalogue_admin/draft.html",
        {
            "signed_in": signed_in,
            "draft": draft,
            "errors": errors or [],
            "changes": drafts.draft_changes(db_session=db_session, draft=draft),
            "published": drafts.current(db_session=db_session, service_id=draft.service_id),
            "require_review": _settings(request).require_review,
            "is_author": draft.author == signed_in.user.username,
            "consent": {
                organisation_name(db_session, org, lang): [relation_text(relation, lang) for relation in relations]
                for org, relations in needed.items()
            },
            "consent_missing": bool(missing_consent(signed_in, needed)),
        },
        status_code=status,
    )


@router.post(BASE + "/drafts/{draft_id}/{step}", response_class=HTMLResponse)
async def draft_step(
    draft_id: int,
    step: str,
    request: Request,
    signed_in: SignedIn = Depends(owner_form),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    if step not in ("publish", "submit", "approve", "reject", "discard"):
        raise HTTPException(404, "No such step.")
    form = await request.form()
    draft = _draft_or_404(db_session, draft_id)
    note = str(form.get("review_note") or "")[:1000] or None
    published = drafts.current(db_session=db_session, service_id=draft.service_id)
    try:
        organisations = draft_organisations(db_session, signed_in, draft, step)
        ensure_can_edit(db_session, signed_in, organisations, draft.service_id, step)
        detail = {"organisation": draft.organisation, "draft": draft.id}
        if step == "publish":
            row = publish(db_session, signed_in, draft_id, _settings(request).require_review)
            done = f"published&v={row.number}"
        elif step == "approve":
            row = publish(db_session, signed_in, draft_id, True, approve=True, note=note)
            done = f"approved&v={row.number}"
        elif step == "submit":
            drafts.submit(db_session=db_session, draft_id=draft_id, actor=signed_in.user.username)
            audit.record(db_session, signed_in, "draft.submit", "service", draft.service_id, detail)
            done = "submitted"
        elif step == "reject":
            drafts.reject(db_session=db_session, draft_id=draft_id, reviewer=signed_in.user.username, note=note)
            audit.record(db_session, signed_in, "draft.reject", "service", draft.service_id, {**detail, "note": note})
            done = "rejected"
        else:
            if draft.author != signed_in.user.username and signed_in.user.role != "admin":
                raise Refused(
                    "Only the draft's author or an administrator can discard it.", key="admin.refused.discard"
                )
            drafts.discard(db_session=db_session, draft_id=draft_id)
            audit.record(db_session, signed_in, "draft.discard", "service", draft.service_id, detail)
            done = "discarded"
    except Refused as error:
        return _refused(request, signed_in, error, error.status)
    except drafts.VersionConflict as error:
        conflict_recorded(db_session, signed_in, error, draft.organisation)
        return _draft_page(
            request,
            db_session,
            signed_in,
            draft,
            409,
            [_with_merged(error, staff_language(request))],
        )
    except drafts.DraftError as error:
        lang = staff_language(request)
        messages = [problem_text(p, lang) for p in getattr(error, "problems", [])] or [error_text(error, lang)]
        return _draft_page(request, db_session, signed_in, draft, 409, messages)
    target = f"{BASE}/services/{draft.service_id}" if published else BASE
    db_session.commit()
    return RedirectResponse(f"{target}?done={done}", status_code=303)


def _with_merged(error: Exception, lang: str) -> Said:
    """A conflict on the draft page, in `lang`, and where the merged draft is."""
    said_error = error_text(error, lang)
    return Said(f"{said_error} {t('admin.refused.merged', lang)}", said_error.lang)


def _draft_or_404(db_session: Session, draft_id: int) -> Any:
    try:
        return drafts.get_draft(db_session=db_session, draft_id=draft_id)
    except drafts.NotFound as error:
        raise HTTPException(404, str(error)) from None
