"""Citizen-facing routes: the chat page, the conversation API (HTTP and
WebSocket) and the printable bundle. Thin: the router does the work."""

from __future__ import annotations

import asyncio
import contextlib
from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from bot.conversations import service as conversations
from bot.conversations.messages import say
from bot.conversations.models import ConversationStart, IncomingMessage, LanguageChoice, Message, as_utc
from bot.conversations.router import ConversationRouter, MessageRejected
from bot.plans.outline import plan_groups
from bot.web.i18n import LANG_PATTERN, request_language, widget_strings
from bot.web.rate_limit import TooManyRequests, check_rate
from bot.web.templating import templates
from onewindow_catalogue.database import get_db_session, session_scope

router = APIRouter(tags=["conversations"])
POLL_SECONDS = 0.7
MAX_SEQ = 2**63 - 1  # message ids are SQL BIGINTs: a larger `after` is no sequence number


def _too_many(error: TooManyRequests, lang: Optional[str] = None) -> JSONResponse:
    """429 in `lang` when the conversation's (or the person's chosen) language is known, else the request's."""
    detail = error.text(lang) if lang else str(error)
    return JSONResponse({"detail": detail}, status_code=429, headers={"Retry-After": error.retry_after})


def _asked_language(request: Request) -> str:
    """The language a request asks for (`?lang=`, else Accept-Language): for refusals made before the
    conversation, and so its language, is known."""
    return request_language(request.headers, request.query_params.get("lang"))


def _rejected(request: Request, error: MessageRejected) -> JSONResponse:
    """A refusal, in the conversation's language (else the request's); one the same request may get
    past later (a message still being answered) says when."""
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    detail = error.detail(_asked_language(request))
    return JSONResponse({"detail": detail}, status_code=error.status, headers=headers)


REFUSAL_KEYS = {  # pydantic error types of IncomingMessage -> messages.yml
    "value_error.client_message_id": "rejected_bad_message_id",
    "value_error.broken_character": "rejected_broken_character",
}


def _unreadable(error: ValueError, lang: str) -> str:
    """A WebSocket message the model refused, said in `lang` (pydantic's own words are English)."""
    problems = error.errors() if isinstance(error, ValidationError) else []
    keys = [REFUSAL_KEYS.get(problem.get("type", ""), "rejected_unreadable") for problem in problems]
    return say(keys[0] if keys else "rejected_unreadable", lang)


def origin_allowed(connection: HTTPConnection, origins: List[str]) -> bool:
    """ONEWINDOW_CHAT_ORIGINS for the WebSocket, as CORS applies it to HTTP:
    "*" lets any page in, else only those origins and this host itself. A client
    that sends no Origin is not a browser page, which is what the check protects."""
    origin = connection.headers.get("origin")
    if origin is None or "*" in origins:
        return True
    origin = origin.rstrip("/")
    host = connection.headers.get("host", "")
    return origin in {o.rstrip("/") for o in origins} or origin in {f"http://{host}", f"https://{host}"}


def get_router(request: Request) -> ConversationRouter:
    return request.app.state.router


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
def chat_page(request: Request, lang: Optional[str] = Query(None, regex=LANG_PATTERN)):
    """`?lang=` is the person's choice (sent to the API as such); without it the page
    opens in the browser's language and the conversation follows the first message."""
    shown = request_language(request.headers, lang)
    return templates.TemplateResponse(
        request,
        "chat.html",
        {
            "lang": shown,
            "lang_chosen": lang is not None,
            "api_base": "",
            "strings_url": "/static/i18n/{lang}.json",
            "strings": widget_strings(shown),
        },
    )


@router.get("/", include_in_schema=False)
def home(request: Request):
    return chat_page(request, None)


@router.post("/api/conversations", status_code=201, summary="Start a conversation with the assistant")
async def start_conversation(
    request: Request, start: ConversationStart, chat: ConversationRouter = Depends(get_router)
):
    try:
        check_rate(request, "conversations")
    except TooManyRequests as error:
        return _too_many(error, start.lang)
    lang = start.lang or request_language(request.headers)
    return await run_in_threadpool(chat.start, lang, start.lang is None)


@router.post("/api/conversations/{conversation_id}/lang", summary="Switch the conversation's language")
async def switch_language(
    request: Request, conversation_id: str, choice: LanguageChoice, chat: ConversationRouter = Depends(get_router)
):
    try:
        check_rate(request, "messages")
        return await run_in_threadpool(chat.set_language, conversation_id, choice.lang)
    except TooManyRequests as error:
        return _too_many(error, choice.lang)
    except MessageRejected as error:
        return _rejected(request, error)


@router.post(
    "/api/conversations/{conversation_id}/messages",
    summary="Send a message (text or quick-reply payload)",
    description=(
        "With a `client_message_id` (1-64 of A-Z a-z 0-9 _ -, e.g. a UUID) a resend of the same message is "
        "answered with the first copy's answer and reaches the assistant once; 422 if the id was used for "
        "another message; 409 with Retry-After while the first copy is still being answered."
    ),
)
async def send_message(
    request: Request, conversation_id: str, incoming: IncomingMessage, chat: ConversationRouter = Depends(get_router)
):
    try:
        check_rate(request, "messages")
        return await chat.receive(conversation_id, incoming)
    except TooManyRequests as error:  # looked up only when refusing: counting stays cheap
        return _too_many(error, await run_in_threadpool(_language, chat, conversation_id))
    except MessageRejected as error:
        return _rejected(request, error)


@router.get("/api/conversations/{conversation_id}/messages", summary="Messages after a sequence number (polling)")
def list_messages(
    request: Request,
    conversation_id: str,
    after: int = Query(0, ge=0, le=MAX_SEQ),
    db_session: Session = Depends(get_db_session, scope="function"),
):
    conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
    if conversation is None:
        raise HTTPException(404, say("rejected_no_conversation", _asked_language(request)))
    rows = conversations.messages_after(db_session=db_session, conversation_id=conversation_id, after=after)
    return {"owner": conversation.owner, "lang": conversation.lang, "messages": [Message.from_row(row) for row in rows]}


@router.get("/conversations/{conversation_id}/bundle", response_class=HTMLResponse, include_in_schema=False)
def printable_bundle(
    request: Request, conversation_id: str, db_session: Session = Depends(get_db_session, scope="function")
):
    """The latest bundle of a conversation as a page to print or save, in the language
    the bundle was made in (the conversation's at the time), so page and content agree."""
    conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
    rows = conversations.messages_after(db_session=db_session, conversation_id=conversation_id) if conversation else []
    bundles = [row.bundle for row in rows if row.bundle]
    if not bundles:
        lang = conversation.lang if conversation else _asked_language(request)
        raise HTTPException(404, say("no_bundle_yet", lang))
    page_lang = bundles[-1].get("lang") or conversation.lang
    return templates.TemplateResponse(
        request,
        "bundle_print.html",
        {"bundle": bundles[-1], "lang": page_lang, "groups": plan_groups(bundles[-1])},
    )


@router.websocket("/api/conversations/{conversation_id}/ws")
async def conversation_socket(websocket: WebSocket, conversation_id: str):
    """Pushes new messages (read from the database, so a message written by any
    replica or by an agent reaches the citizen) and takes the citizen's messages."""
    chat: ConversationRouter = websocket.app.state.router
    if not origin_allowed(websocket, websocket.app.state.settings.chat_origins):
        await websocket.close(code=4403)  # before accept: the handshake is refused with 403
        return
    after = websocket.query_params.get("after", "0") or "0"
    if not (after.isascii() and after.isdigit()) or int(after) > MAX_SEQ:
        await websocket.close(code=4422)
        return
    exists = await run_in_threadpool(_owner, chat, conversation_id)
    if exists is None:
        await websocket.close(code=4404)
        return
    await websocket.accept()
    last = int(after)
    # refusals are said in the conversation's language, once push() has read it; until then the request's
    said = {"lang": request_language(websocket.headers, websocket.query_params.get("lang"))}

    async def push() -> None:
        nonlocal last
        owner = lang = None
        while True:
            current, current_lang, rows = await run_in_threadpool(_new_messages, chat, conversation_id, last)
            if lang is not None and current_lang is not None and current_lang != lang:
                # the first words or the menu changed it: the page follows (the client knew the first one)
                await websocket.send_json({"type": "lang", "lang": current_lang})
            lang = current_lang or lang
            said["lang"] = lang or said["lang"]
            for row in rows:
                await websocket.send_json(
                    {
                        "type": "message",
                        "message": Message.from_row(row).dict() | {"created_at": as_utc(row.created_at).isoformat()},
                    }
                )
                last = row.id
            if current != owner:
                owner = current
                await websocket.send_json({"type": "owner", "owner": owner})
                if owner == "closed":
                    await websocket.close()
                    return
            # woken at once by a message saved on any replica (bot/platform/fanout.py); polls anyway
            await websocket.app.state.message_signal.wait(conversation_id, POLL_SECONDS)

    async def listen() -> None:
        while True:
            data = await websocket.receive_json()
            if not isinstance(data, dict) or data.get("type") != "message":
                continue
            try:
                check_rate(websocket, "messages")
                incoming = IncomingMessage(
                    text=data.get("text"), payload=data.get("payload"), client_message_id=data.get("client_message_id")
                )
                await chat.receive(conversation_id, incoming)
            except TooManyRequests as error:
                detail = {"type": "error", "status": 429, "detail": error.text(said["lang"])}
                detail["retry_after"] = int(error.retry_after)
                await websocket.send_json(detail)
            except MessageRejected as error:
                detail = {"type": "error", "status": error.status, "detail": error.detail(said["lang"])}
                await websocket.send_json(detail | ({"retry_after": error.retry_after} if error.retry_after else {}))
            except ValueError as error:  # pydantic's ValidationError among them: its words are English
                detail = _unreadable(error, said["lang"])
                await websocket.send_json({"type": "error", "status": 422, "detail": detail})

    tasks = [asyncio.create_task(push()), asyncio.create_task(listen())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    except WebSocketDisconnect:
        pass
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task


def _language(chat: ConversationRouter, conversation_id: str) -> Optional[str]:
    with session_scope(chat.session_factory) as db_session:
        conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
        return conversation.lang if conversation else None


def _owner(chat: ConversationRouter, conversation_id: str):
    with session_scope(chat.session_factory) as db_session:
        conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
        return conversation.owner if conversation else None


def _new_messages(chat: ConversationRouter, conversation_id: str, after: int):
    with session_scope(chat.session_factory) as db_session:
        conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
        rows = conversations.messages_after(db_session=db_session, conversation_id=conversation_id, after=after)
        if conversation is None:
            return "closed", None, rows
        return conversation.owner, conversation.lang, rows
