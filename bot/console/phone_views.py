"""Phone triage: an agent types what a caller says, answers the catalogue's questions with them,
and saves the call as a case they hold. Unlike a chat case it runs triage itself, here."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from bot.audit.service import record_unmatched
from bot.cases import service as cases
from bot.console import formats
from bot.console import service as console
from bot.console.view_helpers import AGENT, _bundle_refusal, _lang, _render, agent_form, form_data
from bot.triage.nlu import NluUnavailable
from bot.triage.service import MAX_TEXT, TriageInputError, clean_text, triage
from bot.users.models import SignedIn
from bot.web.i18n import t
from onewindow_catalogue.bundle import BundleRequestError
from onewindow_catalogue.database import session_scope
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.text import localise
from onewindow_catalogue.views import get_snapshot

router = APIRouter()
UNKNOWN = "__unknown__"  # a form answer meaning "the caller does not know"
FACT_FIELD = "fact."


def _answers(form: FormData) -> Dict[str, Any]:
    """Fact answers from the form: empty is unanswered, UNKNOWN is 'does not know' (None)."""
    answers: Dict[str, Any] = {}
    for key, value in form.multi_items():
        if key.startswith(FACT_FIELD) and isinstance(value, str) and value.strip():
            answers[key[len(FACT_FIELD) :]] = None if value == UNKNOWN else value.strip()
    return answers


def _answer_fields(
    snapshot: CatalogueSnapshot, result: Dict[str, Any], answers: Dict[str, Any], lang: str = "en"
) -> List[Dict]:
    """One field per known fact (editable) and per open question, in that order."""
    fields: List[Dict[str, Any]] = []
    seen = set()
    known = {**(result.get("facts") or {}), **answers} if result else dict(answers)
    open_ids = [q["fact"] for q in (result or {}).get("bundle", {}).get("questions", [])]
    for fact_id in list(known) + open_ids:
        fact = snapshot.facts.get(fact_id)
        if fact is None or fact_id in seen:
            continue
        seen.add(fact_id)
        value = known.get(fact_id, "")
        if fact_id in known and value is None:
            value = UNKNOWN
        elif isinstance(value, bool):
            value = "true" if value else "false"
        fields.append(
            {
                "fact": fact_id,
                "text": localise(fact.question, lang) or fact_id,
                "type": fact.type,
                "options": fact.options(lang),
                "value": "" if value == "" else str(value),
                "open": fact_id in open_ids and fact_id not in known,
            }
        )
    return fields


async def _run_triage(request: Request, text: str, answers: Dict[str, Any], snapshot: CatalogueSnapshot):
    """The triage result, its services, questions and answers in the staff member's language."""
    lang = _lang(request)
    stripped = text.strip()
    if not stripped:
        raise TriageInputError(t("console.phone.text_empty", lang))
    if len(stripped) > MAX_TEXT:
        raise TriageInputError(t("console.phone.text_too_long", lang, max=formats.number(MAX_TEXT, lang)))
    cleaned = clean_text(text)
    parse = await request.app.state.parser.parse(cleaned)
    return triage(cleaned, parse, snapshot, lang, answers)


def _phone_context(
    snapshot: CatalogueSnapshot,
    text: str,
    result: Optional[Dict],
    answers: Dict[str, Any],
    lang: str = "en",
    **extra: Any,
) -> Dict[str, Any]:
    events = []
    for event in (result or {}).get("life_events", []):
        title = console.event_titles(snapshot, [event["id"]], lang)[0]
        events.append({**event, "title": title, "percent": round(100 * event["confidence"])})
    return {
        "text": text,
        "result": result,
        "events": events,
        "handoff_reason": console.reason_label(((result or {}).get("handoff") or {}).get("reason"), lang),
        "facts": console.fact_rows(snapshot, (result or {}).get("facts") or {}, lang),
        "fields": _answer_fields(snapshot, result or {}, answers, lang),
        "municipalities": sorted(snapshot.municipalities.by_name),
        "unknown_value": UNKNOWN,
        "error": None,
        "error_field": None,
        **extra,
    }


@router.get("/console/phone", response_class=HTMLResponse, include_in_schema=False)
def phone_page(
    request: Request,
    signed_in: SignedIn = Depends(AGENT),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    return _render(request, "phone.html", signed_in, _phone_context(snapshot, "", None, {}, _lang(request)))


@router.post("/console/phone", response_class=HTMLResponse, include_in_schema=False)
async def phone_triage(
    request: Request,
    form: FormData = Depends(form_data),
    signed_in: SignedIn = Depends(agent_form),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    text, answers, lang = str(form.get("text") or ""), _answers(form), _lang(request)
    page = dict(here="/console/phone")
    try:
        result = await _run_triage(request, text, answers, snapshot)
    except TriageInputError as error:
        context = _phone_context(snapshot, text, None, answers, lang, error=error.text(lang), error_field="text")
        return _render(request, "phone.html", signed_in, context, status=422, **page)
    except BundleRequestError as error:
        message = t("console.phone.answer_refused", lang, detail=_bundle_refusal(error, lang))
        context = _phone_context(snapshot, text, None, answers, lang, error=message, error_field=error.field)
        return _render(request, "phone.html", signed_in, context, status=422, **page)
    except NluUnavailable:
        down = t("console.phone.recognition_down", lang)
        context = _phone_context(snapshot, text, None, answers, lang, error=down, error_field="text")
        return _render(request, "phone.html", signed_in, context, status=503, **page)
    if result["unmatched"]:
        await run_in_threadpool(_record_unmatched, request, result["text"])
    return _render(request, "phone.html", signed_in, _phone_context(snapshot, text, result, answers, lang), **page)


def _record_unmatched(request: Request, text: str) -> None:
    """A caller's question that matched no service feeds the catalogue's gap report."""
    with session_scope(request.app.state.session_factory) as db_session:
        record_unmatched(db_session, text, "phone")


@router.post("/console/phone/case", include_in_schema=False)
async def phone_save(
    request: Request,
    form: FormData = Depends(form_data),
    signed_in: SignedIn = Depends(agent_form),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    """Save the call as a phone case, claimed by this agent, with the same summary a chat handoff has."""
    text, answers, lang = str(form.get("text") or ""), _answers(form), _lang(request)
    try:
        result = await _run_triage(request, text, answers, snapshot)
    except (TriageInputError, BundleRequestError) as error:
        refusal = error.text(lang) if isinstance(error, TriageInputError) else _bundle_refusal(error, lang)
        context = _phone_context(snapshot, text, None, answers, lang, error=refusal, error_field="text")
        return _render(request, "phone.html", signed_in, context, status=422, here="/console/phone")
    except NluUnavailable:
        down = t("console.phone.recognition_down", lang)
        context = _phone_context(snapshot, text, None, answers, lang, error=down, error_field="text")
        return _render(request, "phone.html", signed_in, context, status=503, here="/console/phone")
    case_id = await run_in_threadpool(_save_phone_case, request, snapshot, result, signed_in)
    return RedirectResponse(f"/console/cases/{case_id}?notice=phone_saved", status_code=303)


def _save_phone_case(request: Request, snapshot: CatalogueSnapshot, result: Dict[str, Any], signed_in: SignedIn) -> int:
    events = [event["id"] for event in result["life_events"]]
    summary = {
        "events": events,
        "facts": result.get("facts") or {},
        "reason": "phone_call",
        "reason_detail": None,
        "caller_said": result["text"],
        "lang": _lang(request),  # the language the call was taken in
        "proposed_bundle": [service["id"] for service in result["bundle"]["services"]],
        "open_questions": [question["fact"] for question in result["bundle"]["questions"]],
    }
    with session_scope(request.app.state.session_factory) as db_session:
        case = cases.open_case(
            db_session=db_session,
            queue=console.phone_queue(snapshot, events, result["handoff"].get("queue")),
            reason="urgent" if result["urgent"] else "phone_call",
            summary=summary,
            urgent=bool(result["urgent"]),
            channel="phone",
            status="claimed",
            actor_id=signed_in.user.id,
        )
        console.audit(db_session, actor=signed_in, action="case.create_phone", case=case)
        return case.id
