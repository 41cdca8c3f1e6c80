"""Routes for the citizen's plan: a link to come back to it, ticking steps
off, the notification package (one page per office) and its calendar file.

A conversation's package and calendar are reached like its printable page
(/conversations/{id}/...); a kept plan by its token (/plan/{token}/...).
Every bad input gets a clear message, never a traceback."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional, Tuple

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.cases.models import CaseEventRow
from bot.conversations import service as conversations
from bot.plans import package as packages
from bot.plans import service as plans
from bot.plans.outline import plan_groups
from bot.web.i18n import request_language, t
from bot.web.templating import templates
from onewindow_catalogue.database import get_db_session

router = APIRouter(tags=["plans"])


class StepTick(BaseModel):
    service: str = Field(..., min_length=1, max_length=128)
    done: bool = True


class PackageConsent(BaseModel):
    consent: bool


def _asked_language(request: Request) -> str:
    """The language a request asks for (`?lang=`, else Accept-Language): for refusals where no
    conversation or plan, and so no language of its own, is known."""
    return request_language(request.headers, request.query_params.get("lang"))


def _latest_bundle(request: Request, db_session: Session, conversation_id: str) -> tuple[Any, Dict[str, Any]]:
    conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
    rows = conversations.messages_after(db_session=db_session, conversation_id=conversation_id) if conversation else []
    bundles = [row.bundle for row in rows if isinstance(row.bundle, dict) and row.bundle.get("services") is not None]
    if conversation is None or not bundles:
        lang = conversation.lang if conversation else _asked_language(request)
        raise HTTPException(404, t("plan.errors.no_plan", lang))
    return conversation, bundles[-1]


def _open(request: Request, db_session: Session, token: str, lang: Optional[str] = None) -> Dict[str, Any]:
    row = plans.open_link(db_session=db_session, token=token)
    if row is None:
        raise HTTPException(404, t("plan.errors.unknown_link", lang or _asked_language(request)))
    snapshot = request.app.state.snapshots.get(db_session)
    view = plans.plan_view(snapshot, row, lang=lang)
    return {"row": row, **view}


def _keep_days(request: Request) -> int:
    return int(getattr(request.app.state.settings, "retention_days", 30) or 30)


def _new_link(request: Request, db_session: Session, conversation: Any, bundle: Dict[str, Any]) -> Tuple[str, Any]:
    """A plan link for a conversation's bundle: its events and kept facts only, expiring with retention."""
    events = [e["id"] for e in bundle.get("events") or [] if isinstance(e, dict) and e.get("id")]
    return plans.create_link(
        db_session=db_session,
        events=events,
        facts=plans.kept_facts(bundle),
        lang=bundle.get("lang") or conversation.lang,
        keep_days=_keep_days(request),
    )


# -- links ---------------------------------------------------------------------------------------


@router.post("/api/conversations/{conversation_id}/plan-link", status_code=201)
def keep_plan(request: Request, conversation_id: str, db_session: Session = Depends(get_db_session, scope="function")):
    """A link to this conversation's latest plan, to come back to. It holds the
    plan's events and facts only, and expires with the retention policy."""
    conversation, bundle = _latest_bundle(request, db_session, conversation_id)
    token, row = _new_link(request, db_session, conversation, bundle)
    return {"url": f"/plan/{token}", "expires_at": row.expires_at.isoformat()}


@router.get("/api/plans/{token}")
def plan_json(
    request: Request,
    token: str,
    lang: Optional[str] = None,
    db_session: Session = Depends(get_db_session, scope="function"),
):
    """The kept plan, recomputed from the current catalogue, with ticked steps and what is due next."""
    view = _open(request, db_session, token, lang if lang in ("en", "fr") else None)
    return {k: v for k, v in view.items() if k != "row"}


@router.post("/api/plans/{token}/steps")
def tick_json(
    request: Request, token: str, tick: StepTick, db_session: Session = Depends(get_db_session, scope="function")
):
    view = _open(request, db_session, token)
    try:
        plans.set_done(
            db_session=db_session,
            row=view["row"],
            service_id=tick.service,
            done=tick.done,
            known=[s["id"] for s in view["bundle"]["services"]],
        )
    except ValueError:
        raise HTTPException(422, _unknown_step(tick.service, view["row"].lang)) from None
    return {"done": list(view["row"].done), "next": plans.due_next(view["bundle"], view["row"].done)}


def _unknown_step(service_id: str, lang: str) -> str:
    """A step that is not in the plan, named as sent (cut short), in the plan's language."""
    return t("plan.errors.unknown_step", lang, service=service_id[:60])


@router.get("/plan/{token}", response_class=HTMLResponse, include_in_schema=False)
def plan_page(request: Request, token: str, db_session: Session = Depends(get_db_session, scope="function")):
    view = _open(request, db_session, token)
    lang = view["row"].lang
    return templates.TemplateResponse(
        request,
        "plans/plan.html",
        {
            "lang": lang,
            "bundle": view["bundle"],
            "groups": plan_groups(view["bundle"]),
            "done": set(view["done"]),
            "next": view["next"],
            "expires": view["expires_at"][:10],
            "base": f"/plan/{token}",
        },
    )


@router.post("/plan/{token}/steps", include_in_schema=False)
def tick_form(
    request: Request,
    token: str,
    service: str = Form(..., max_length=128),
    done: str = Form("1", max_length=1),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    """The plan page's tick boxes work without JavaScript: a form post, then back to the plan."""
    view = _open(request, db_session, token)
    try:
        plans.set_done(
            db_session=db_session,
            row=view["row"],
            service_id=service,
            done=done == "1",
            known=[s["id"] for s in view["bundle"]["services"]],
        )
    except ValueError:
        raise HTTPException(422, _unknown_step(service, view["row"].lang)) from None
    return RedirectResponse(f"/plan/{token}#step-{service}", status_code=303)


# -- the notification package ---------------------------------------------------------------------


def _package_page(request: Request, bundle: Dict[str, Any], lang: str, base: str, download: bool) -> Response:
    response = templates.TemplateResponse(
        request,
        "plans/package.html",
        {"lang": lang, "bundle": bundle, "offices": packages.offices(bundle), "base": base, "download": download},
    )
    if download:
        response.headers["Content-Disposition"] = 'attachment; filename="onewindow-notification-package.html"'
    return response


def _calendar(bundle: Dict[str, Any], lang: str, seed: str) -> Response:
    body = packages.calendar(bundle, seed=seed, title=t("plan.calendar_title", lang), lang=lang)
    return Response(
        content=body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="onewindow-deadlines.ics"'},
    )


@router.get("/conversations/{conversation_id}/package", response_class=HTMLResponse, include_in_schema=False)
def conversation_package(
    request: Request,
    conversation_id: str,
    download: bool = False,
    db_session: Session = Depends(get_db_session, scope="function"),
):
    conversation, bundle = _latest_bundle(request, db_session, conversation_id)
    lang = bundle.get("lang") or conversation.lang
    return _package_page(request, bundle, lang, f"/conversations/{conversation_id}", download)


@router.get("/conversations/{conversation_id}/calendar.ics", include_in_schema=False)
def conversation_calendar(
    request: Request, conversation_id: str, db_session: Session = Depends(get_db_session, scope="function")
):
    conversation, bundle = _latest_bundle(request, db_session, conversation_id)
    return _calendar(bundle, bundle.get("lang") or conversation.lang, seed=conversation_id)


@router.get("/plan/{token}/package", response_class=HTMLResponse, include_in_schema=False)
def plan_package(
    request: Request,
    token: str,
    download: bool = False,
    db_session: Session = Depends(get_db_session, scope="function"),
):
    view = _open(request, db_session, token)
    return _package_page(request, view["bundle"], view["row"].lang, f"/plan/{token}", download)


@router.get("/plan/{token}/calendar.ics", include_in_schema=False)
def plan_calendar(request: Request, token: str, db_session: Session = Depends(get_db_session, scope="function")):
    view = _open(request, db_session, token)
    return _calendar(view["bundle"], view["row"].lang, seed=view["row"].token_hash)


@router.post("/api/conversations/{conversation_id}/package/attach")
def attach_package(
    request: Request,
    conversation_id: str,
    body: PackageConsent,
    db_session: Session = Depends(get_db_session, scope="function"),
):
    """With the person's consent, the package goes on their open case for the agent
    (as a kept plan's link: the agent opens the same pages the person sees)."""
    if not body.consent:
        known = conversations.get(db_session=db_session, conversation_id=conversation_id)
        raise HTTPException(422, t("plan.errors.no_consent", known.lang if known else _asked_language(request)))
    conversation, bundle = _latest_bundle(request, db_session, conversation_id)
    case = cases.open_case_for_conversation(db_session=db_session, conversation_id=conversation_id)
    if case is None:
        raise HTTPException(409, t("plan.errors.no_case", conversation.lang))
    token, row = _new_link(request, db_session, conversation, bundle)
    attached = {
        "package_url": f"/plan/{token}/package",
        "plan_url": f"/plan/{token}",
        "offices": [office["name"] for office in packages.offices(bundle)],
        "attached_at": dt.datetime.now(dt.timezone.utc).isoformat(),
    }
    case.summary = {**(case.summary or {}), "plan_package": attached}
    db_session.add(CaseEventRow(case_id=case.id, kind="plan_package_attached", detail={"offices": attached["offices"]}))
    db_session.flush()
    return {"attached": True, "case": case.reference, "offices": attached["offices"]}
