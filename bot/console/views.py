"""The agents' console: server-rendered pages (queues, a case, phone triage,
reports) and a few JSON endpoints (claim, transcript polling, queues).

Every route needs a signed-in agent or admin; every form post carries the
session's CSRF token. Pages follow post/redirect/get: an action that worked
redirects with a notice code; one that did not re-renders the page with the
error next to the form, keeping what the agent typed. A write commits before
its redirect is sent (get_db_session's own commit runs only after the response
has gone, and the browser's next request could otherwise read the old state)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from bot.assistant.text_language import mark_text_languages
from bot.audit.service import record_unmatched
from bot.cases import service as cases
from bot.cases.directory import dispositions
from bot.cases.models import CaseRow
from bot.console import case_views, formats, queue_views, reports
from bot.console import service as console
from bot.console.case_views import _case_page
from bot.console.view_helpers import (
    AGENT,
    _bundle_refusal,
    _case_or_404,
    _lang,
    _render,
    _timezone,
    agent_form,
    form_data,
)
from bot.conversations import service as conversations
from bot.privacy import redact
from bot.triage.nlu import NluUnavailable
from bot.triage.service import MAX_TEXT, TriageInputError, clean_text, triage
from bot.users.models import SignedIn
from bot.web.i18n import t
from onewindow_catalogue.bundle import BundleRequestError
from onewindow_catalogue.database import get_db_session, session_scope
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.text import localise
from onewindow_catalogue.views import get_snapshot

router = APIRouter(tags=["console"])
router.include_router(queue_views.router)
router.include_router(case_views.router)
UNKNOWN = "__unknown__"  # a form answer meaning "the caller does not know"
FACT_FIELD = "fact."


@dataclass
class CaseFormPost:
    """One form post on a case page, and the two ways it can end.

    Every case action either redirects (post/redirect/get, committing first so
    the next page sees the change) or re-renders the case page with the error
    beside its form, keeping what the agent typed."""

    request: Request
    db_session: Session
    snapshot: CatalogueSnapshot
    case: CaseRow
    signed_in: SignedIn
    form: FormData

    def field(self, name: str) -> str:
        return str(self.form.get(name) or "")

    @property
    def lang(self) -> str:
        return _lang(self.request)

    def text(self, key: str, **values: Any) -> str:
        """A console text in the staff member's language."""
        return t(f"console.{key}", self.lang, **values)

    def page(self, status: int = 200, **overrides: Any) -> Response:
        return _case_page(
            self.request, self.db_session, self.snapshot, self.case, self.signed_in, status=status, **overrides
        )

    def invalid(self, message: str, **overrides: Any) -> Response:
        return self.page(status=422, error=message, **overrides)

    def refused(self, error: Exception, **overrides: Any) -> Response:
        """A service refusal: 409 when someone else changed the case, 422 for bad input. The common ones
        are checked in the views first, in the staff member's language; what is left is the service's text."""
        if isinstance(error, cases.CaseConflict):
            return self.page(status=409, error=self.text("errors.not_held", reference=self.case.reference), **overrides)
        if isinstance(error, cases.CaseError):
            message = error.text(self.lang)
        elif isinstance(error, BundleRequestError):
            message = _bundle_refusal(error, self.lang)
        else:
            message = str(error)
        return self.page(status=422, error=message, **overrides)

    def done(self, url: str) -> RedirectResponse:
        self.db_session.commit()  # before the redirect is sent: the next page must see the change
        return RedirectResponse(url, status_code=303)


def case_form_post(
    request: Request,
    case_id: int,
    form: FormData = Depends(form_data),
    signed_in: SignedIn = Depends(agent_form),
    db_session: Session = Depends(get_db_session, scope="function"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
) -> CaseFormPost:
    case = _case_or_404(db_session, case_id, _lang(request))
    return CaseFormPost(request, db_session, snapshot, case, signed_in, form)


@router.post("/console/cases/{case_id}/reply", include_in_schema=False)
def reply_page(post: CaseFormPost = Depends(case_form_post)):
    text = post.field("text")
    if not redact(text.strip()).text:
        return post.invalid(post.text("case.reply_empty"), error_form="reply", focus="reply-text", form={"text": text})
    try:
        cases.reply(db_session=post.db_session, case_id=post.case.id, agent_id=post.signed_in.user.id, text=text)
    except cases.CaseError as error:
        return post.refused(error, error_form="reply", focus="reply-text", form={"text": text})
    return post.done(f"/console/cases/{post.case.id}?notice=replied#reply-form")


@router.post("/console/cases/{case_id}/bundle", include_in_schema=False)
def bundle_page(post: CaseFormPost = Depends(case_form_post)):
    """Add a catalogue service to the list (action=add), or send the ticked ones (action=send)."""
    case, form = post.case, post.form
    chosen = [str(sid) for sid in form.getlist("services")]
    added = [str(sid) for sid in form.getlist("added")]
    note, query = post.field("note"), post.field("add").strip()
    page = dict(chosen=chosen, added=added, error_form="bundle", form={"note": note, "add": query})
    if form.get("action") == "add":
        if not query:
            return post.invalid(post.text("case.add_empty"), focus="add-service", **page)
        matches = console.search_services(post.snapshot, query, post.lang)
        if not matches:
            return post.invalid(post.text("case.add_none", query=query), focus="add-service", **page)
        if len(matches) == 1:
            sid = matches[0]["id"]
            page.update(chosen=chosen + [sid], added=added + [sid], form={"note": note, "add": ""})
            return post.page(focus="add-service", notice=post.text("case.added", name=matches[0]["name"]), **page)
        page.update(matches=[m for m in matches if m["id"] not in chosen])
        notice = post.text("case.add_many", count=formats.number(len(matches), post.lang), query=query)
        return post.page(focus="matches-heading", notice=notice, **page)
    if not chosen:
        return post.invalid(post.text("case.tick_one"), focus="bundle-heading", **page)
    summary = case.summary or {}
    lang = "en"
    if case.conversation_id:
        conversation = conversations.get(db_session=post.db_session, conversation_id=case.conversation_id)
        lang = conversation.lang if conversation else "en"
    try:
        bundle = console.compose_bundle(
            post.snapshot, summary.get("events") or [], summary.get("facts") or {}, chosen, lang=lang
        )
        bundle = mark_text_languages(bundle, post.snapshot, lang)  # English-only text is marked, as in the chat
        if case.conversation_id:
            bundle["print_url"] = f"/conversations/{case.conversation_id}/bundle"
        cases.send_bundle(
            db_session=post.db_session, case_id=case.id, agent_id=post.signed_in.user.id, bundle=bundle, note=note
        )
    except (cases.CaseError, BundleRequestError) as error:
        return post.refused(error, focus="bundle-heading", **page)
    services = [s["id"] for s in bundle["services"]]
    console.audit(post.db_session, actor=post.signed_in, action="case.bundle_sent", case=case, services=services)
    code = "bundle_sent" if case.conversation_id else "bundle_saved"
    return post.done(f"/console/cases/{case.id}?notice={code}")


@router.post("/console/cases/{case_id}/transfer", include_in_schema=False)
def transfer_page(post: CaseFormPost = Depends(case_form_post)):
    queue, note = post.field("queue"), post.field("note")
    page = dict(error_form="transfer", focus="transfer-queue", form={"queue": queue, "transfer_note": note})
    if not queue:
        return post.invalid(post.text("case.transfer_no_queue"), **page)
    if not note.strip():
        page["focus"] = "transfer-note"
        return post.invalid(post.text("case.transfer_no_note"), **page)
    if queue == post.case.queue:
        return post.invalid(post.text("case.transfer_same_queue"), **page)
    try:
        cases.transfer(
            db_session=post.db_session, case_id=post.case.id, agent_id=post.signed_in.user.id, queue=queue, note=note
        )
    except cases.CaseError as error:
        return post.refused(error, **page)
    console.audit(post.db_session, actor=post.signed_in, action="case.transfer", case=post.case, queue=queue)
    return post.done(f"/console?notice=transferred&case={post.case.id}")


@router.post("/console/cases/{case_id}/close", include_in_schema=False)
def close_page(post: CaseFormPost = Depends(case_form_post)):
    disposition, note = post.field("disposition"), post.field("note")
    return_to_bot = post.form.get("return_to_bot") == "yes"
    form = {"disposition": disposition, "close_note": note, "return_to_bot": return_to_bot}
    page = dict(error_form="close", focus="close-disposition", form=form)
    known = {d.id: d for d in dispositions(post.lang)}
    if disposition not in known:
        return post.invalid(post.text("case.close_no_disposition"), **page)
    if known[disposition].needs_note and not note.strip():
        page["focus"] = "close-note"
        return post.invalid(post.text("case.close_needs_note", disposition=known[disposition].title), **page)
    try:
        cases.close(
            db_session=post.db_session,
            case_id=post.case.id,
            agent_id=post.signed_in.user.id,
            disposition=disposition,
            note=note,
            return_to_bot=return_to_bot,
        )
    except cases.CaseError as error:
        return post.refused(error, **page)
    console.audit(
        post.db_session,
        actor=post.signed_in,
        action="case.close",
        case=post.case,
        disposition=disposition,
        returned_to_bot=return_to_bot,
    )
    return post.done(f"/console?notice=closed&case={post.case.id}")


# --- phone triage -------------------------------------------------------------------------------------------------
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


# --- reports ------------------------------------------------------------------------------------------------------
def _report(
    request: Request, db_session: Session, snapshot: CatalogueSnapshot, start: Optional[str], end: Optional[str]
):
    lang = _lang(request)
    period = reports.date_range(start, end, _timezone(request), lang=lang)
    return period, reports.build_report(db_session=db_session, snapshot=snapshot, period=period, lang=lang)


@router.get("/console/reports", response_class=HTMLResponse, include_in_schema=False)
def reports_page(
    request: Request,
    start: Optional[str] = Query(None, alias="from"),
    end: Optional[str] = Query(None, alias="to"),
    signed_in: SignedIn = Depends(AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    try:
        period, report = _report(request, db_session, snapshot, start, end)
    except reports.ReportRangeError as error:
        period, report = _report(request, db_session, snapshot, None, None)
        context = {"report": report, "error": str(error), "form": {"from": start or "", "to": end or ""}}
        helpers = _report_helpers(report, _lang(request))
        return _render(request, "reports.html", signed_in, {**context, **helpers}, status=422, here="/console/reports")
    form = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    context = {"report": report, "error": None, "form": form}
    here = f"/console/reports?from={form['from']}&to={form['to']}"
    return _render(
        request, "reports.html", signed_in, {**context, **_report_helpers(report, _lang(request))}, here=here
    )


def _report_helpers(report: Dict[str, Any], lang: str) -> Dict[str, Any]:
    volume = [{**row, "count": row["total"]} for row in report["volume"]["rows"]]
    return {
        "volume_bars": reports.bars(volume),
        "reason_bars": reports.bars(report["handoff"]["reasons"]),
        "disposition_bars": reports.bars(report["dispositions"]),
        "queue_bars": reports.bars([{**q, "count": q["cases"]} for q in report["queues"]]),
        "minutes": lambda value: formats.minutes_text(value, lang),
        "day": lambda value: formats.long_date(value, lang),
        "cases_count": lambda n, kind="cases": formats.count(n, f"console.count.{kind}", lang),
        "csv_query": f"from={report['range']['from']}&to={report['range']['to']}",
    }


@router.get("/console/reports.csv", include_in_schema=False)
def reports_csv(
    request: Request,
    start: Optional[str] = Query(None, alias="from"),
    end: Optional[str] = Query(None, alias="to"),
    _: SignedIn = Depends(AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    try:
        period, report = _report(request, db_session, snapshot, start, end)
    except reports.ReportRangeError as error:
        raise HTTPException(422, str(error)) from None
    filename = f"onewindow-report-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(
        reports.to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
