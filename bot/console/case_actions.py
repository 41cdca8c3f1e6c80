"""What an agent does on a case page: reply, send a bundle, transfer, close. Each is a form post
ending one of CaseFormPost's ways: a redirect, or the case page again with the error by its form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from bot.assistant.text_language import mark_text_languages
from bot.cases import service as cases
from bot.cases.directory import dispositions
from bot.cases.models import CaseRow
from bot.console import formats
from bot.console import service as console
from bot.console.case_views import _case_page
from bot.console.view_helpers import _bundle_refusal, _case_or_404, _lang, agent_form, form_data
from bot.conversations import service as conversations
from bot.privacy import redact
from bot.users.models import SignedIn
from bot.web.i18n import t
from onewindow_catalogue.bundle import BundleRequestError
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.views import get_snapshot

router = APIRouter()


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
