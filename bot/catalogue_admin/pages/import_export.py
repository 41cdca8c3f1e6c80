"""The catalogue out and in as files: the export download, and the import form's upload, which saves
drafts (published at once or sent to review) and shows what was imported or what is wrong."""

from __future__ import annotations

from fastapi import Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.catalogue_admin import exchange
from bot.catalogue_admin.pages.shared import BASE, _refused, _settings, owner_form, owner_page, page_router
from bot.catalogue_admin.said import error_text, problem_text
from bot.catalogue_admin.workflow import Refused
from bot.users.models import SignedIn
from bot.web.i18n import staff_language
from bot.web.templating import templates
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.drafts import service as drafts

router = page_router()


@router.get(BASE + "/export", include_in_schema=False)
def export(
    format: str = Query("jsonld", regex="^(jsonld|csv|yaml|json)$"),
    _: SignedIn = Depends(owner_page),
    db_session: Session = Depends(get_db_session, scope="function"),
) -> Response:
    return exchange.export_response(db_session, format)


@router.post(BASE + "/import", response_class=HTMLResponse)
async def import_file(
    request: Request,
    file: UploadFile = File(...),
    format: str = Form("csv"),
    publish_now: str = Form("", alias="publish"),
    signed_in: SignedIn = Depends(owner_form),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    if format not in ("csv", "yaml", "json"):
        format = "csv"
    text = (await file.read(exchange_limit())).decode("utf-8", errors="replace")
    try:
        result = exchange.import_services(
            db_session, signed_in, text, format, publish_now == "on", _settings(request).require_review
        )
    except Refused as error:
        return _refused(request, signed_in, error, error.status)
    except drafts.DraftError as error:
        lang = staff_language(request)
        messages = [problem_text(p, lang) for p in getattr(error, "problems", [])] or [error_text(error, lang)]
        return templates.TemplateResponse(
            request,
            "catalogue_admin/imported.html",
            {"signed_in": signed_in, "errors": messages, "result": None},
            status_code=422,
        )
    db_session.commit()
    return templates.TemplateResponse(
        request, "catalogue_admin/imported.html", {"signed_in": signed_in, "errors": [], "result": result}
    )


def exchange_limit() -> int:
    return 2 * 1024 * 1024
