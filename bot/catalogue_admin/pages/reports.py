"""The upkeep reports: services due for review, missing French and services without an owner, and the
gaps citizens met that the catalogue does not cover."""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bot.catalogue_admin import upkeep
from bot.catalogue_admin.pages.shared import BASE, _settings, owner_page, page_router
from bot.users.models import SignedIn
from bot.web.i18n import staff_language
from bot.web.templating import templates
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.text import localise

router = page_router()


@router.get(BASE + "/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    days: Optional[int] = Query(None, ge=1, le=3650),
    signed_in: SignedIn = Depends(owner_page),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    days = days or _settings(request).review_after_days
    report = upkeep.review_report(db_session, signed_in, days)
    catalogue = catalogue_service.read_all(db_session=db_session)
    names = {o.id: localise(o.name, staff_language(request)) for o in catalogue.organisations}
    french = report.missing_french
    return templates.TemplateResponse(
        request,
        "catalogue_admin/review.html",
        {
            "signed_in": signed_in,
            "report": report,
            "days": days,
            "names": names,
            "localise": localise,
            "french": french,
        },
    )


@router.get(BASE + "/gaps", response_class=HTMLResponse)
def gaps_page(
    request: Request,
    days: int = Query(90, ge=1, le=3650),
    signed_in: SignedIn = Depends(owner_page),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    return templates.TemplateResponse(
        request,
        "catalogue_admin/gaps.html",
        {"signed_in": signed_in, "gaps": upkeep.gaps(db_session, days), "days": days},
    )
