"""The audit log: a filterable page, a JSON API and a CSV export. Admins see
everything; service owners see what concerns their organisations and what
they did themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.users.dependencies import api_roles, page_roles
from bot.users.models import SignedIn
from bot.web.templating import templates
from onewindow_catalogue.database import get_db_session

router = APIRouter(tags=["audit"])
PAGE_SIZE = 100
MAX_EXPORT = 50000


def _filter(
    signed_in: SignedIn,
    actor: Optional[str],
    action: Optional[str],
    target: Optional[str],
    since: Optional[dt.date],
    until: Optional[dt.date],
) -> audit.AuditFilter:
    where = audit.AuditFilter(
        actor=(actor or "").strip() or None,
        action=(action or "").strip() or None,
        target_id=(target or "").strip() or None,
        since=since,
        until=until,
    )
    if signed_in.user.role != "admin":
        where.organisations = list(signed_in.user.organisations)
        where.include_actor = signed_in.user.username
    return where


def _row(row: Any) -> Dict[str, Any]:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.timezone.utc)
    return {
        "at": at.isoformat(timespec="seconds"),
        "actor": row.actor,
        "actor_role": row.actor_role,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "organisation": row.organisation,
        "detail": row.detail,
    }


def _csv(db_session: Session, where: audit.AuditFilter) -> Response:
    body = audit.to_csv(audit.search(db_session, where, limit=MAX_EXPORT))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="onewindow-audit.csv"'},
    )


def _date(value: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/api/admin/audit", summary="The audit log, newest first (format=csv to download)")
def audit_api(
    actor: Optional[str] = Query(None, max_length=64),
    action: Optional[str] = Query(None, max_length=64),
    target: Optional[str] = Query(None, max_length=128),
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    limit: int = Query(PAGE_SIZE, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    format: str = Query("json", regex="^(json|csv)$"),
    signed_in: SignedIn = Depends(api_roles("owner")),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    where = _filter(signed_in, actor, action, target, since, until)
    if format == "csv":
        return _csv(db_session, where)
    return {
        "total": audit.count(db_session, where),
        "entries": [_row(row) for row in audit.search(db_session, where, limit=limit, offset=offset)],
    }


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request,
    actor: str = Query("", max_length=64),
    action: str = Query("", max_length=64),
    target: str = Query("", max_length=128),
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
    page: int = Query(1, ge=1, le=10000),
    signed_in: SignedIn = Depends(page_roles("owner")),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    errors = {
        name: "Use a date like 2026-11-23."
        for name, value in (("since", since), ("until", until))
        if value and _date(value) is None
    }
    where = _filter(signed_in, actor, action, target, _date(since), _date(until))
    total = audit.count(db_session, where)
    rows = audit.search(db_session, where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    query = {"actor": actor, "action": action, "target": target, "since": since, "until": until}
    kept = {key: value for key, value in query.items() if value}
    return templates.TemplateResponse(
        request,
        "audit/index.html",
        {
            "signed_in": signed_in,
            "rows": [_row(row) for row in rows],
            "total": total,
            "page": page,
            "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
            "query": query,
            "errors": errors,
            "actions": audit.actions(db_session),
            "csv_url": "/admin/audit.csv" + (f"?{urlencode(kept)}" if kept else ""),
            "page_url": "/admin/audit?" + urlencode({**kept, "page": ""}),
        },
    )


@router.get("/admin/audit.csv", include_in_schema=False)
def audit_csv(
    actor: str = Query("", max_length=64),
    action: str = Query("", max_length=64),
    target: str = Query("", max_length=128),
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
    signed_in: SignedIn = Depends(page_roles("owner")),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    return _csv(db_session, _filter(signed_in, actor, action, target, _date(since), _date(until)))
