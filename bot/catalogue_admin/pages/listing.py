"""The catalogue administration's front page: the services a staff member may edit, with what needs
their attention (open drafts, drafts to review, overdue checks, missing French)."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bot.catalogue_admin import upkeep
from bot.catalogue_admin.pages.shared import BASE, _done, _settings, owner_page, page_router
from bot.catalogue_admin.workflow import awaiting_my_consent, editable_organisations
from bot.users.models import SignedIn
from bot.web.i18n import staff_language, t
from bot.web.templating import templates
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.drafts import service as drafts
from onewindow_catalogue.text import localise

router = page_router()


@router.get(BASE, response_class=HTMLResponse)
def index(
    request: Request,
    signed_in: SignedIn = Depends(owner_page),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    orgs = editable_organisations(signed_in)
    lang = staff_language(request)
    catalogue = catalogue_service.read_all(db_session=db_session)
    names = {o.id: localise(o.name, lang) for o in catalogue.organisations}
    french = {item.service.id: item.fields for item in upkeep.missing_french(catalogue.services, orgs)}
    open_drafts = drafts.open_drafts(db_session=db_session, organisations=orgs)
    report = upkeep.review_report(db_session, signed_in, _settings(request).review_after_days)
    overdue_ids = {item.service.id for item in report.overdue}
    services = [
        {
            "id": s.id,
            "name": localise(s.name, lang),
            "name_lang": lang if (s.name or {}).get(lang) else "en",
            "organisation": names.get(s.organisation, s.organisation),
            "last_checked": s.last_checked,
            "overdue": s.id in overdue_ids,
            "french_missing": [t(f"admin.french_fields.{field}", lang) for field in french.get(s.id, [])],
            "drafts": [d for d in open_drafts if d.service_id == s.id],
        }
        for s in catalogue.services
        if orgs is None or s.organisation in orgs
    ]
    return templates.TemplateResponse(
        request,
        "catalogue_admin/index.html",
        {
            "signed_in": signed_in,
            "services": services,
            "done": _done(request),
            "mine": [d for d in open_drafts if d.author == signed_in.user.username],
            "to_review": [d for d in open_drafts if d.status == "in_review" and d.author != signed_in.user.username]
            + awaiting_my_consent(db_session, signed_in),
            "overdue_count": len(report.overdue),
            "french_missing_count": len(french),
            "ownerless_count": len(report.ownerless),
            "require_review": _settings(request).require_review,
            "my_organisations": [names.get(o, o) for o in signed_in.user.organisations],
        },
    )
