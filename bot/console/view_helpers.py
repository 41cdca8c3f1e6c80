"""What every console page shares: the role checks, the staff member's language and time zone,
rendering a console template in that language, the case lookup that 404s in it, and the fixed
notice codes a redirect may carry. One place, so the page modules never copy them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from bot.cases import service as cases
from bot.cases.directory import dispositions, queues
from bot.cases.models import CaseRow
from bot.catalogue_admin.said import said
from bot.console import formats
from bot.users.dependencies import api_roles, csrf_form, page_roles
from bot.users.models import SignedIn
from bot.web.i18n import LANG_COOKIE, staff_language, supported, t
from bot.web.templating import templates
from onewindow_catalogue.bundle import BundleRequestError

AGENT = page_roles("agent")
API_AGENT = api_roles("agent")
# Codes a redirect may carry; their words are console.notices.<code> / console.errors.<code> in console.<lang>.yml.
NOTICES = ("claimed", "replied", "bundle_sent", "bundle_saved", "transferred", "closed", "phone_saved")
ERRORS = ("claimed_elsewhere", "needs_language")
LANG_COOKIE_SECONDS = 365 * 24 * 3600


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def agent_form(signed_in: SignedIn = Depends(AGENT), _: SignedIn = Depends(csrf_form)) -> SignedIn:
    """A form post by an agent (or admin) carrying the session's CSRF token."""
    return signed_in


async def form_data(request: Request) -> FormData:
    return await request.form()


def _timezone(request: Request) -> str:
    return request.app.state.settings.timezone


def _lang(request: Request) -> str:
    """The staff member's language: the switch (?lang=, then its cookie), else Accept-Language, else English."""
    return staff_language(request)


def _render(
    request: Request,
    name: str,
    signed_in: SignedIn,
    context: Dict[str, Any],
    status: int = 200,
    here: Optional[str] = None,
):
    """A console page in the staff member's language. `here`: the page the language switch links back to
    (a form post's page is shown at its action's address, which only takes posts). A `?lang=` choice is
    remembered in the cookie every staff page reads."""
    lang = _lang(request)
    helpers = {
        "number": lambda value: formats.number(value, lang),
        "percent": lambda rate: formats.percent(rate, lang),
        "format_minutes": lambda minutes: formats.duration(minutes, lang),
    }
    response = templates.TemplateResponse(
        request,
        f"console/{name}",
        {"signed_in": signed_in, **helpers, **context, "lang": lang, "here": here or request.url.path},
        status_code=status,
    )
    chosen = supported(request.query_params.get("lang"))
    if chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_COOKIE_SECONDS, httponly=True, samesite="lax")
    return response


def _case_or_404(db_session: Session, case_id: int, lang: str) -> CaseRow:
    try:
        return cases.get_or_raise(db_session=db_session, case_id=case_id)
    except cases.CaseNotFound:
        raise HTTPException(404, t("console.errors.no_case", lang, case_id=case_id)) from None


def _bundle_refusal(error: BundleRequestError, lang: str) -> str:
    """The catalogue's refusal of some answers, naming the fact, in `lang` when a template knows it."""
    return f"{error.field}: {said(error.message, lang)}"


def _notice(db_session: Session, code: Optional[str], case_id: Optional[int], kind: str, lang: str) -> Optional[str]:
    """A fixed message for a notice code (never text from the address bar), in `lang`.
    `kind`: "notices" or "errors"."""
    if not code or code not in (NOTICES if kind == "notices" else ERRORS):
        return None
    case = db_session.get(CaseRow, case_id) if case_id else None
    values = {"reference": case.reference if case else "", "queue": "", "disposition": ""}
    if case is not None:
        queue = queues(lang).get(case.queue)
        values["queue"] = queue.title if queue else case.queue
        values["disposition"] = next((d.title for d in dispositions(lang) if d.id == case.disposition), "")
    return t(f"console.{kind}.{code}", lang, **values)
