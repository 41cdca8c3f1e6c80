"""One case, read: the case page (summary, plan, transcript, timeline) and the transcript polling
it uses. The actions posted from it are in case_actions, which re-renders this page on an error."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.cases.directory import dispositions, may_take, queues
from bot.cases.models import CaseRow
from bot.console import formats
from bot.console import service as console
from bot.console.view_helpers import AGENT, API_AGENT, _case_or_404, _lang, _notice, _now, _render, _timezone
from bot.conversations import service as conversations
from bot.users.models import SignedIn
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.views import get_snapshot

router = APIRouter()


def _case_context(
    request: Request,
    db_session: Session,
    snapshot: CatalogueSnapshot,
    case: CaseRow,
    signed_in: SignedIn,
    **overrides: Any,
) -> Dict[str, Any]:
    summary = case.summary or {}
    lang = _lang(request)
    known = queues(lang)
    timezone = _timezone(request)
    rows = (
        conversations.messages_after(db_session=db_session, conversation_id=case.conversation_id)
        if case.conversation_id
        else []
    )
    timeline = cases.timeline(db_session=db_session, case_id=case.id)
    names = console.agent_names(
        db_session, [case.assigned_agent_id, *(row.agent_id for row in rows), *(event.actor_id for event in timeline)]
    )
    proposed = list(summary.get("proposed_bundle") or [])
    chosen = overrides.pop("chosen", None)
    added = [sid for sid in dict.fromkeys([*overrides.pop("added", []), *(chosen or [])]) if sid not in proposed]
    transfers = [event for event in timeline if event.kind == "transferred"]
    sent = list(summary.get("sent_bundle") or [])
    conversation = (
        conversations.get(db_session=db_session, conversation_id=case.conversation_id) if case.conversation_id else None
    )
    citizen_lang = conversation.lang if conversation else summary.get("lang")  # the latest, if they switched
    queue = known.get(case.queue)
    titles = {d.id: d.title for d in dispositions(lang)}
    events, facts = summary.get("events") or [], summary.get("facts") or {}

    def when(moment: Any) -> str:
        return console.local_time(moment, timezone, with_date=True, lang=lang)

    context = {
        "case": case,
        "summary": summary,
        "queue": queue,
        "queues": list(known.values()),
        "dispositions": dispositions(lang),
        "is_mine": case.status == "claimed" and case.assigned_agent_id == signed_in.user.id,
        "holder": names.get(case.assigned_agent_id) if case.assigned_agent_id else None,
        "events": console.event_titles(snapshot, events, lang),
        "facts": console.fact_rows(snapshot, facts, lang),
        "questions": console.question_rows(snapshot, summary.get("open_questions") or [], lang),
        "reason": console.reason_label(case.reason, lang),
        "proposed": console.plan_rows(snapshot, events, facts, proposed, lang),
        "added": console.service_rows(snapshot, added, lang),
        "matches": overrides.pop("matches", []),
        "chosen": set(proposed if chosen is None else chosen),
        "sent": console.service_rows(snapshot, sent, lang),
        "catalogue": console.catalogue_choices(snapshot, lang),
        "transcript": console.transcript_rows(rows, names, timezone, lang),
        "last_seq": rows[-1].id if rows else 0,
        "owner": conversation.owner if conversation else None,
        "citizen_lang": citizen_lang,
        "citizen_said": console.citizen_words(rows),
        "needs_language": _needs_language(case, queue, signed_in),
        "created": when(case.created_at),
        "claimed": when(case.claimed_at),
        "closed": when(case.closed_at),
        "waited": formats.duration(console.minutes_between(case.created_at, case.claimed_at or _now()), lang),
        "disposition_title": titles.get(case.disposition, case.disposition),
        "disposition_name": lambda code: titles.get(code, code),
        "queue_title": lambda code: known[code].title if code in known else code,
        "referred_title": titles.get("referred_program", ""),
        "consent_time": when(_parse_time((case.consent or {}).get("recorded_at"))),
        "timeline": timeline,
        "names": names,
        "transfer_note": transfers[-1].detail.get("note") if transfers else None,
        "transfer_by": names.get(transfers[-1].actor_id) if transfers else None,
        "when": when,
        "notice": None,
        "error": None,
        "error_form": None,
        "focus": None,
        "form": {},
    }
    context.update(overrides)
    return context


def _needs_language(case: CaseRow, queue: Any, signed_in: SignedIn) -> Optional[str]:
    """The language this waiting case's queue requires and this agent lacks (said before they try to claim)."""
    if case.status != "waiting" or queue is None or not queue.language:
        return None
    user = signed_in.user
    return None if may_take(user.username, case.queue, user.languages) else queue.language


def _parse_time(value: Any) -> Optional[dt.datetime]:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _case_page(request, db_session, snapshot, case, signed_in, status: int = 200, **overrides):
    context = _case_context(request, db_session, snapshot, case, signed_in, **overrides)
    return _render(request, "case.html", signed_in, context, status=status, here=f"/console/cases/{case.id}")


@router.get("/console/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(
    request: Request,
    case_id: int,
    notice: Optional[str] = None,
    signed_in: SignedIn = Depends(AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    case = _case_or_404(db_session, case_id, _lang(request))
    focus = {"replied": "reply-text", "claimed": "reply-text" if case.conversation_id else None}.get(notice or "")
    return _case_page(
        request,
        db_session,
        snapshot,
        case,
        signed_in,
        notice=_notice(db_session, notice, case.id, "notices", _lang(request)),
        focus=focus,
    )


@router.get("/api/console/cases/{case_id}/messages", summary="A case's transcript after a sequence number")
def case_messages(
    request: Request,
    case_id: int,
    after: int = Query(0, ge=0),
    _: SignedIn = Depends(API_AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    case = _case_or_404(db_session, case_id, _lang(request))
    rows = (
        conversations.messages_after(db_session=db_session, conversation_id=case.conversation_id, after=after)
        if case.conversation_id
        else []
    )
    names = console.agent_names(db_session, [row.agent_id for row in rows])
    conversation = (
        conversations.get(db_session=db_session, conversation_id=case.conversation_id) if case.conversation_id else None
    )
    return {
        "messages": console.transcript_rows(rows, names, _timezone(request), _lang(request)),
        "owner": conversation.owner if conversation else None,
        "status": case.status,
    }
