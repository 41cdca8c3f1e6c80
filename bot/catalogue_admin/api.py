"""JSON API for service owners: drafts, publishing, review, history, diff,
roll back, retire, import and export. Owners change only their own
organisations' services (403 naming the organisation); every step is audited.
Errors are told in the staff member's language (?lang=, the switch's cookie,
Accept-Language; English otherwise): see InLanguage."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.catalogue_admin import exchange, upkeep
from bot.catalogue_admin.in_language import InLanguage, Refusal
from bot.catalogue_admin.workflow import (
    Refused,
    awaiting_my_consent,
    conflict_recorded,
    draft_organisations,
    editable_organisations,
    ensure_can_edit,
    finish,
    publish,
    version_out,
)
from bot.users.dependencies import api_roles
from bot.users.models import SignedIn
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.drafts import service as drafts

router = APIRouter(prefix="/api/admin", tags=["catalogue administration"], route_class=InLanguage)
public_router = APIRouter(prefix="/api/catalogue", tags=["catalogue"])
owner = api_roles("owner")


class DraftIn(BaseModel):
    data: Dict[str, Any] = Field(..., description="the whole seed-format entry")
    base_version: Optional[int] = Field(None, description="the published version the change started from")
    note: Optional[str] = Field(None, max_length=1000)
    publish: bool = Field(False, description="publish at once (or submit for review when review is required)")


class RetireIn(BaseModel):
    base_version: Optional[int] = None
    note: Optional[str] = Field(None, max_length=1000)
    publish: bool = True


class RollbackIn(BaseModel):
    to_version: int
    base_version: Optional[int] = None
    note: Optional[str] = Field(None, max_length=1000)
    publish: bool = True


class ReviewIn(BaseModel):
    note: Optional[str] = Field(None, max_length=1000)


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _http(error: Exception, db_session: Session, signed_in: SignedIn, organisation: Optional[str]) -> HTTPException:
    """A domain error as the HTTP answer the API documents."""
    if isinstance(error, Refused):
        return HTTPException(error.status, Refusal(error))
    if isinstance(error, drafts.Invalid):
        return HTTPException(422, {"message": "The entry has problems; nothing was saved.", "problems": error.problems})
    if isinstance(error, drafts.VersionConflict):
        conflict_recorded(db_session, signed_in, error, organisation)
        return HTTPException(
            409,
            {
                "message": str(error),
                "base_version": error.base_version,
                "current_version": error.current_version,
                "changes": [c.as_dict() for c in error.changes],
                "conflicting_fields": error.conflicts,
                "current": error.current_data,
                "merged": error.merged,
            },
        )
    if isinstance(error, drafts.NotFound):
        return HTTPException(404, str(error))
    if isinstance(error, drafts.SelfReview):
        return HTTPException(403, str(error))
    return HTTPException(409, str(error))


def _outcome_response(db_session: Session, outcome: Any, created: bool = False) -> JSONResponse:
    """Committed before answering: the request's session would only commit after
    the response is sent, and a client reading the bundle at once must see it."""
    db_session.commit()
    body = version_out(outcome.draft)
    status = 202 if outcome.in_review else (201 if created else 200)
    return JSONResponse(body, status_code=status)


@router.get("/services", summary="Services you may edit, with their version and open drafts")
def list_services(
    signed_in: SignedIn = Depends(owner), db_session: Session = Depends(get_db_session, scope="function")
):
    orgs = editable_organisations(signed_in)
    catalogue = catalogue_service.read_all(db_session=db_session)
    open_drafts = drafts.open_drafts(db_session=db_session, organisations=orgs)
    out = []
    for service in catalogue.services:
        if orgs is not None and service.organisation not in orgs:
            continue
        out.append(
            {
                "id": service.id,
                "organisation": service.organisation,
                "name": service.name,
                "last_checked": service.last_checked.isoformat() if service.last_checked else None,
                "open_drafts": [d.id for d in open_drafts if d.service_id == service.id],
            }
        )
    return out


@router.get("/services/{service_id}", summary="A service as published, with its version and open drafts")
def get_service(
    service_id: str,
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    published = drafts.current(db_session=db_session, service_id=service_id)
    if published is None:
        raise HTTPException(404, f"No service {service_id[:128]!r}.")
    return {
        "id": service_id,
        "organisation": published.organisation,
        "version": published.number,
        "retired": published.retired,
        "data": published.data,
        "can_edit": signed_in.can_edit(published.organisation),
        "open_drafts": [
            version_out(d, with_data=False) for d in drafts.open_drafts(db_session=db_session, service_id=service_id)
        ],
    }


def _change(
    request: Request,
    db_session: Session,
    signed_in: SignedIn,
    organisations: List[Optional[str]],
    service_id: str,
    action: str,
    publish: bool,
    make_draft: Callable[[Dict[str, Any]], Any],
    created: bool = False,
) -> JSONResponse:
    """One change to a service: check who may make it, write the draft, then publish it or send it
    to review. A refusal or an invalid draft becomes an HTTP error (and is audited by `_http`)."""
    author = {"author": signed_in.user.username, "author_id": signed_in.user.id}
    try:
        ensure_can_edit(db_session, signed_in, organisations, service_id, action)
        draft = make_draft(author)
        outcome = finish(db_session, signed_in, draft, publish, _settings(request).require_review)
    except (Refused, drafts.DraftError) as error:
        raise _http(error, db_session, signed_in, organisations[0]) from None
    return _outcome_response(db_session, outcome, created=created)


def _organisation_of(data: Mapping[str, Any]) -> Optional[str]:
    organisation = data.get("organisation")
    return organisation if isinstance(organisation, str) else None


@router.post("/services", status_code=201, summary="Create a service (a draft, or published with publish=true)")
def create_service(
    body: DraftIn,
    request: Request,
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    service_id = str(body.data.get("id") or "new")[:128]
    return _change(
        request,
        db_session,
        signed_in,
        [_organisation_of(body.data)],
        service_id,
        "create",
        body.publish,
        lambda author: drafts.save_draft(
            db_session=db_session, data=body.data, base_version=None, note=body.note, **author
        ),
        created=True,
    )


@router.put("/services/{service_id}", summary="Save your draft of a service (and publish it with publish=true)")
def save_service(
    service_id: str,
    body: DraftIn,
    request: Request,
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    published = _published_or_404(db_session, service_id)
    return _change(
        request,
        db_session,
        signed_in,
        [published.organisation, _organisation_of(body.data)],
        service_id,
        "edit",
        body.publish,
        lambda author: drafts.save_draft(
            db_session=db_session,
            data=body.data,
            base_version=body.base_version,
            service_id=service_id,
            note=body.note,
            **author,
        ),
    )


@router.post("/services/{service_id}/retire", summary="Retire a service: it leaves every bundle")
def retire_service(
    service_id: str,
    body: RetireIn,
    request: Request,
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    published = _published_or_404(db_session, service_id)
    return _change(
        request,
        db_session,
        signed_in,
        [published.organisation],
        service_id,
        "retire",
        body.publish,
        lambda author: drafts.retire_draft(
            db_session=db_session, service_id=service_id, base_version=body.base_version, note=body.note, **author
        ),
    )


@router.post("/services/{service_id}/rollback", summary="Bring back an earlier published version")
def rollback_service(
    service_id: str,
    body: RollbackIn,
    request: Request,
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    published = _published_or_404(db_session, service_id)
    try:
        old = drafts.get_version(db_session=db_session, service_id=service_id, number=body.to_version)
    except drafts.DraftError as error:
        raise _http(error, db_session, signed_in, published.organisation) from None
    return _change(
        request,
        db_session,
        signed_in,
        [published.organisation, old.organisation],
        service_id,
        "rollback",
        body.publish,
        lambda author: drafts.rollback_draft(
            db_session=db_session,
            service_id=service_id,
            to_version=body.to_version,
            base_version=body.base_version,
            note=body.note,
            **author,
        ),
    )


@router.get("/services/{service_id}/versions", summary="Every published version, newest first")
def list_versions(
    service_id: str, _: SignedIn = Depends(owner), db_session: Session = Depends(get_db_session, scope="function")
):
    _published_or_404(db_session, service_id)
    return [version_out(row, with_data=False) for row in drafts.history(db_session=db_session, service_id=service_id)]


@router.get("/services/{service_id}/versions/{number}", summary="One published version")
def get_version(
    service_id: str,
    number: int,
    _: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    try:
        return version_out(drafts.get_version(db_session=db_session, service_id=service_id, number=number))
    except drafts.NotFound as error:
        raise HTTPException(404, str(error)) from None


@router.get("/services/{service_id}/diff", summary="Field-by-field differences between two versions")
def diff_versions(
    service_id: str,
    before: int = Query(..., alias="from"),
    after: int = Query(..., alias="to"),
    _: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    try:
        changes = drafts.changes_between(db_session=db_session, service_id=service_id, before=before, after=after)
    except drafts.NotFound as error:
        raise HTTPException(404, str(error)) from None
    return {"service_id": service_id, "from": before, "to": after, "changes": [c.as_dict() for c in changes]}


@router.get("/drafts", summary="Open drafts of the organisations you keep")
def list_drafts(
    status: Optional[str] = Query(None, regex="^(draft|in_review)$"),
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    statuses = (status,) if status else ("draft", "in_review")
    rows = drafts.open_drafts(db_session=db_session, organisations=editable_organisations(signed_in), statuses=statuses)
    if "in_review" in statuses:  # and other organisations' drafts waiting for one of mine to agree
        rows += awaiting_my_consent(db_session, signed_in)
    return [version_out(row, with_data=False) for row in rows]


@router.get("/drafts/{draft_id}", summary="A draft and what it would change")
def get_draft(
    draft_id: int, signed_in: SignedIn = Depends(owner), db_session: Session = Depends(get_db_session, scope="function")
):
    draft = _draft_or_404(db_session, draft_id)
    if not all(signed_in.can_edit(o) for o in draft_organisations(db_session, signed_in, draft, "view") if o):
        raise HTTPException(403, "This draft belongs to an organisation you do not keep.")
    out = version_out(draft)
    out["changes"] = [c.as_dict() for c in drafts.draft_changes(db_session=db_session, draft=draft)]
    return out


@router.post("/drafts/{draft_id}/publish", summary="Publish a draft (refused when review is required)")
def publish_draft(
    draft_id: int,
    request: Request,
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    draft = _draft_or_404(db_session, draft_id)
    try:
        _ensure_draft_access(db_session, signed_in, draft, "publish")
        row = publish(db_session, signed_in, draft_id, _settings(request).require_review)
    except (Refused, drafts.DraftError) as error:
        raise _http(error, db_session, signed_in, draft.organisation) from None
    db_session.commit()
    return version_out(row)


@router.post("/drafts/{draft_id}/submit", summary="Ask a second person to review a draft")
def submit_draft(
    draft_id: int, signed_in: SignedIn = Depends(owner), db_session: Session = Depends(get_db_session, scope="function")
):
    draft = _draft_or_404(db_session, draft_id)
    try:
        _ensure_draft_access(db_session, signed_in, draft, "submit")
        drafts.submit(db_session=db_session, draft_id=draft_id, actor=signed_in.user.username)
    except (Refused, drafts.DraftError) as error:
        raise _http(error, db_session, signed_in, draft.organisation) from None
    audit.record(
        db_session,
        signed_in,
        "draft.submit",
        "service",
        draft.service_id,
        {"organisation": draft.organisation, "draft": draft.id},
    )
    db_session.commit()
    return version_out(draft)


@router.post("/drafts/{draft_id}/approve", summary="Approve a draft in review (a different person); publishes it")
def approve_draft(
    draft_id: int,
    body: ReviewIn = Body(ReviewIn()),
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    draft = _draft_or_404(db_session, draft_id)
    try:
        _ensure_draft_access(db_session, signed_in, draft, "approve")
        row = publish(db_session, signed_in, draft_id, require_review=True, approve=True, note=body.note)
    except (Refused, drafts.DraftError) as error:
        raise _http(error, db_session, signed_in, draft.organisation) from None
    db_session.commit()
    return version_out(row)


@router.post("/drafts/{draft_id}/reject", summary="Send a draft in review back, with a note")
def reject_draft(
    draft_id: int,
    body: ReviewIn = Body(ReviewIn()),
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    draft = _draft_or_404(db_session, draft_id)
    try:
        _ensure_draft_access(db_session, signed_in, draft, "reject")
        drafts.reject(db_session=db_session, draft_id=draft_id, reviewer=signed_in.user.username, note=body.note)
    except (Refused, drafts.DraftError) as error:
        raise _http(error, db_session, signed_in, draft.organisation) from None
    audit.record(
        db_session,
        signed_in,
        "draft.reject",
        "service",
        draft.service_id,
        {"organisation": draft.organisation, "draft": draft.id, "note": body.note},
    )
    db_session.commit()
    return version_out(draft)


@router.delete("/drafts/{draft_id}", summary="Discard a draft")
def discard_draft(
    draft_id: int, signed_in: SignedIn = Depends(owner), db_session: Session = Depends(get_db_session, scope="function")
):
    draft = _draft_or_404(db_session, draft_id)
    try:
        _ensure_draft_access(db_session, signed_in, draft, "discard")
        if draft.author != signed_in.user.username and signed_in.user.role != "admin":
            raise Refused("Only the draft's author or an administrator can discard it.", key="admin.refused.discard")
        drafts.discard(db_session=db_session, draft_id=draft_id)
    except (Refused, drafts.DraftError) as error:
        raise _http(error, db_session, signed_in, draft.organisation) from None
    audit.record(
        db_session,
        signed_in,
        "draft.discard",
        "service",
        draft.service_id,
        {"organisation": draft.organisation, "draft": draft.id},
    )
    db_session.commit()
    return version_out(draft, with_data=False)


@router.post("/catalogue/import", summary="Import services (CSV, or seed-format YAML/JSON) as drafts")
async def import_services(
    request: Request,
    format: str = Query(..., regex="^(csv|yaml|json)$"),
    publish_now: bool = Query(False, alias="publish"),
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    text = (await request.body()).decode("utf-8", errors="replace")
    try:
        result = exchange.import_services(
            db_session, signed_in, text, format, publish_now, _settings(request).require_review
        )
    except (Refused, drafts.DraftError) as error:
        raise _http(error, db_session, signed_in, None) from None
    db_session.commit()
    return result


@router.get("/review", summary="Entries overdue for a check, and services no owner keeps")
def review_due(
    request: Request,
    days: Optional[int] = Query(None, ge=1, le=3650),
    signed_in: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    report = upkeep.review_report(db_session, signed_in, days or _settings(request).review_after_days)
    return upkeep.report_out(report)


@router.get("/gaps", summary="Questions citizens asked that matched no service (redacted)")
def gaps(
    days: int = Query(90, ge=1, le=3650),
    _: SignedIn = Depends(owner),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    return [
        {"text": g.text, "count": g.count, "sources": g.sources, "last_asked": g.last_asked.isoformat()}
        for g in upkeep.gaps(db_session, days)
    ]


@public_router.get("/export", summary="The published catalogue as JSON-LD (CPSV-AP 3.2), CSV, YAML or JSON")
def export_catalogue(
    format: str = Query("jsonld", regex="^(jsonld|csv|yaml|json)$"),
    db_session: Session = Depends(get_db_session, scope="function"),
) -> Response:
    return exchange.export_response(db_session, format)


def _published_or_404(db_session: Session, service_id: str) -> Any:
    published = drafts.current(db_session=db_session, service_id=service_id)
    if published is None:
        raise HTTPException(404, f"No service {service_id[:128]!r}.")
    return published


def _draft_or_404(db_session: Session, draft_id: int) -> Any:
    try:
        return drafts.get_draft(db_session=db_session, draft_id=draft_id)
    except drafts.NotFound as error:
        raise HTTPException(404, str(error)) from None


def _ensure_draft_access(db_session: Session, signed_in: SignedIn, draft: Any, attempted: str) -> None:
    organisations = draft_organisations(db_session, signed_in, draft, attempted)
    ensure_can_edit(db_session, signed_in, organisations, draft.service_id, attempted)
