"""The queues: the waiting list (a page, and JSON for polling) and claiming a case from it.
Claiming lives here because it starts from the queue and comes back to it when refused."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.cases.directory import queues
from bot.cases.models import CaseRead
from bot.console import service as console
from bot.console.view_helpers import (
    AGENT,
    API_AGENT,
    _case_or_404,
    _lang,
    _notice,
    _now,
    _render,
    _timezone,
    agent_form,
)
from bot.users.models import SignedIn
from bot.web.i18n import t
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.views import get_snapshot

router = APIRouter()


@router.get("/console", response_class=HTMLResponse, include_in_schema=False)
def queue_page(
    request: Request,
    notice: Optional[str] = None,
    error: Optional[str] = None,
    case: Optional[int] = None,
    queue: Optional[str] = None,
    signed_in: SignedIn = Depends(AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    lang = _lang(request)
    view = console.overview(db_session=db_session, snapshot=snapshot, agent_id=signed_in.user.id, lang=lang)
    known = queues(lang)
    shown = [item for item in view.waiting if not queue or item.case.queue == queue]
    return _render(
        request,
        "queues.html",
        signed_in,
        {
            "view": view,
            "waiting": shown,
            "queue_filter": known.get(queue) if queue else None,
            "notice": _notice(db_session, notice, case, "notices", lang),
            "error": _notice(db_session, error, case, "errors", lang),
            "updated": console.local_time(_now(), _timezone(request), lang=lang),
        },
        here=f"/console?queue={queue}" if queue in known else "/console",
    )


@router.get("/api/console/queues", summary="Queues with waiting counts, oldest wait and SLA state")
def queues_json(
    request: Request,
    signed_in: SignedIn = Depends(API_AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    """Titles, labels, life events and reasons in the staff language (?lang=, its cookie, Accept-Language)."""
    lang = _lang(request)
    view = console.overview(db_session=db_session, snapshot=snapshot, agent_id=signed_in.user.id, lang=lang)
    return {
        "lang": lang,
        "queues": [
            {
                "id": q.queue.id,
                "title": q.queue.title,
                "waiting": q.waiting,
                "urgent": q.urgent,
                "oldest_minutes": q.oldest_minutes,
                "sla_minutes": q.queue.sla_minutes,
                "sla_state": q.sla_state,
                "sla_label": t(f"console.sla.{q.sla_state}", lang),
                "priority": q.priority,
            }
            for q in view.queues
        ],
        "waiting": [
            {
                "id": w.case.id,
                "reference": w.case.reference,
                "queue": w.case.queue,
                "urgent": w.case.urgent,
                "waited_minutes": w.waited_minutes,
                "life_events": w.events,
                "reason": w.reason,
                "sla_state": w.sla_state,
                "sla_label": t(f"console.sla.{w.sla_state}", lang),
            }
            for w in view.waiting
        ],
        "mine": [{"id": w.case.id, "reference": w.case.reference} for w in view.mine],
    }


@router.post("/console/cases/{case_id}/claim", include_in_schema=False)
def claim_page(
    request: Request,
    case_id: int,
    signed_in: SignedIn = Depends(agent_form),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    case = _case_or_404(db_session, case_id, _lang(request))
    try:
        cases.claim(db_session=db_session, case_id=case_id, agent_id=signed_in.user.id)
    except cases.LanguageRequired:
        console.audit(db_session, actor=signed_in, action="case.claim_refused", case=case, status="needs_language")
        db_session.commit()
        return RedirectResponse(f"/console?error=needs_language&case={case.id}", status_code=303)
    except cases.CaseConflict:
        if case.status == "claimed" and case.assigned_agent_id == signed_in.user.id:  # a double submit
            return RedirectResponse(f"/console/cases/{case_id}", status_code=303)
        console.audit(db_session, actor=signed_in, action="case.claim_refused", case=case, status=case.status)
        db_session.commit()
        return RedirectResponse(f"/console?error=claimed_elsewhere&case={case.id}", status_code=303)
    console.audit(db_session, actor=signed_in, action="case.claim", case=case)
    db_session.commit()  # before the redirect is sent: the next page must see the claim
    return RedirectResponse(f"/console/cases/{case_id}?notice=claimed", status_code=303)


@router.post("/api/console/cases/{case_id}/claim", summary="Claim a waiting case (409 when someone else has it)")
def claim_json(
    case_id: int,
    request: Request,
    signed_in: SignedIn = Depends(API_AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    case = _case_or_404(db_session, case_id, _lang(request))
    try:
        case = cases.claim(db_session=db_session, case_id=case_id, agent_id=signed_in.user.id)
    except cases.CaseConflict as error:
        console.audit(db_session, actor=signed_in, action="case.claim_refused", case=case, status=case.status)
        db_session.commit()
        return JSONResponse({"detail": error.text(_lang(request))}, status_code=409)
    console.audit(db_session, actor=signed_in, action="case.claim", case=case)
    db_session.commit()
    return {"case": CaseRead.from_orm(case).dict()}
