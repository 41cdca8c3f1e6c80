"""POST /api/triage: the triage result for what a caller or citizen said."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from bot.audit.service import record_unmatched
from bot.catalogue_admin.said import said
from bot.triage.nlu import NluUnavailable
from bot.triage.service import TriageInputError, clean_text, triage
from bot.users.dependencies import api_roles
from bot.users.models import SignedIn
from bot.web.i18n import t
from onewindow_catalogue.bundle import BundleRequestError
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.text import request_language
from onewindow_catalogue.views import get_snapshot

router = APIRouter(prefix="/api", tags=["triage"])


class TriageRequest(BaseModel):
    text: str = Field(..., max_length=20_000, description="what the person said, in their own words")
    lang: Optional[str] = Field(None, regex="^(en|fr)$", description="en or fr; default: Accept-Language, else en")
    facts: Optional[Dict[str, str]] = Field(None, description="answers already known, e.g. {municipality: Ottawa}")


@router.post("/triage", summary="Recognise life events and build the bundle for one message")
async def triage_message(
    body: TriageRequest,
    request: Request,
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
    db_session: Session = Depends(get_db_session, scope="function"),
    _: SignedIn = Depends(api_roles("agent")),
) -> Dict[str, Any]:
    lang = request_language(request.headers.get("accept-language"), body.lang)  # answers and refusals alike
    try:
        text = clean_text(body.text)
        parse = await request.app.state.parser.parse(text)
        result = triage(text, parse, snapshot, lang, body.facts)
        if result["unmatched"]:
            record_unmatched(db_session, text, "triage")  # the catalogue's gap report
        return result
    except TriageInputError as error:
        raise HTTPException(422, [{"loc": ["body", "text"], "msg": error.text(lang), "type": "value_error"}]) from None
    except BundleRequestError as error:
        message = str(said(error.message, lang))  # the catalogue's own message, in `lang` when a template knows it
        problem = {"loc": ["body", "facts", error.field], "msg": message, "type": "value_error"}
        raise HTTPException(422, [problem]) from None
    except NluUnavailable as error:
        raise HTTPException(503, t("triage.errors.nlu_unavailable", lang, reason=error)) from None
