"""What every page of the catalogue administration shares: who may post a form, how a refusal
and a finished step are shown, and where a saved change sends the staff member next. Kept in one
place so the edit, history, draft and import pages answer alike."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Union

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from bot.catalogue_admin.in_language import InLanguage
from bot.catalogue_admin.workflow import Refused, organisation_names
from bot.users.dependencies import csrf_form, page_roles
from bot.users.models import SignedIn
from bot.web.i18n import staff_language, t
from bot.web.templating import templates

owner_page = page_roles("owner")
BASE = "/admin/catalogue"
DONE = ("saved", "published", "submitted", "retired", "rolled_back", "discarded", "approved", "rejected", "imported")


def page_router() -> APIRouter:
    """A router for some of the pages: out of the API schema, its HTTP errors in the page's language."""
    return APIRouter(include_in_schema=False, route_class=InLanguage)


async def owner_form(signed_in: SignedIn = Depends(csrf_form)) -> SignedIn:
    """A form post by a service owner or an admin, with the session's CSRF token."""
    if signed_in.user.role not in ("owner", "admin"):
        raise HTTPException(403, f"This needs the role owner or admin; you are signed in as {signed_in.user.role}.")
    return signed_in


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _refused(request: Request, signed_in: SignedIn, refusal: Union[Refused, str], status: int = 403) -> HTMLResponse:
    """The refusal page; a Refused is told in the page's language."""
    message = refusal.text(staff_language(request)) if isinstance(refusal, Refused) else refusal
    return templates.TemplateResponse(
        request, "catalogue_admin/refused.html", {"signed_in": signed_in, "message": message}, status_code=status
    )


def _done(request: Request) -> Optional[str]:
    done = request.query_params.get("done", "")
    version = request.query_params.get("v", "")
    if done not in DONE:
        return None
    lang = staff_language(request)
    message = t(f"admin.done.{done}", lang)
    if version.isdigit():
        message = t("admin.done.with_version", lang, message=message, version=version)
    return message


def _after(db_session: Session, outcome: Any, service_id: str) -> RedirectResponse:
    """Committed before the redirect, so the next page (and every bundle) sees the change."""
    db_session.commit()
    done = "published" if outcome.published else "submitted" if outcome.in_review else "saved"
    if outcome.published and outcome.draft.action in ("retire", "rollback"):
        done = {"retire": "retired", "rollback": "rolled_back"}[outcome.draft.action]
    version = f"&v={outcome.draft.number}" if outcome.published else ""
    return RedirectResponse(f"{BASE}/services/{service_id}?done={done}{version}", status_code=303)


def _int(value: Any) -> Optional[int]:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _author(signed_in: SignedIn, form: Any) -> Dict[str, Any]:
    """Who makes a change, and their note (the form's change note)."""
    note = str(form.get("change_note") or "")[:1000] or None
    return {"author": signed_in.user.username, "author_id": signed_in.user.id, "note": note}


def _organisation_named(db_session: Session, organisation: str) -> Callable[[str], Dict[str, str]]:
    """A refusal's `organisation` placeholder, the name in the page's language."""
    name = organisation_names(db_session, organisation)
    return lambda lang: {"organisation": name(lang)}
