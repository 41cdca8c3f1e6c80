"""The conversation router: the only door for citizen messages.

Every message is checked, redacted and recorded once, here. While the bot
owns the conversation it is forwarded to Rasa; while a case waits or an agent
holds it, it goes to the case instead and Rasa never sees it. The owner in the
database, not Rasa's pause flag, decides — so any replica routes the same way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Callable, Dict, List

from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.cases import hours
from bot.conversations import resends
from bot.conversations import service as conversations
from bot.conversations.errors import ClaimLost, MessageRejected
from bot.conversations.handover import HandOver
from bot.conversations.incoming import AWAITING_LANGUAGE, IncomingMessages, has_words
from bot.conversations.messages import say
from bot.conversations.models import IncomingMessage, Message
from bot.conversations.rasa_channel import BotReply, BotUnavailable, RasaChannel
from bot.conversations.replies import BotReplies
from bot.conversations.resent import ResentMessages
from bot.conversations.turns import _Received, _Resent
from bot.conversations.with_agents import WhileWithAgents
from bot.settings import Settings
from onewindow_catalogue.database import session_scope
from onewindow_catalogue.snapshot import SnapshotCache
from onewindow_catalogue.text import localise

__all__ = ["ClaimLost", "ConversationRouter", "MessageRejected", "has_words"]

log = logging.getLogger(__name__)
LANGUAGES = ("en", "fr")
RESENT_WAIT_SECONDS = 8.0  # a resend waits this long for the first copy's answer (under the widget's 15 s)
RESENT_POLL_SECONDS = 0.2
RESENT_RETRY_AFTER = 2  # seconds, in the 409's Retry-After when the first copy is still being answered


class ConversationRouter(IncomingMessages, WhileWithAgents, ResentMessages, BotReplies, HandOver):
    """Starts conversations and answers messages; the parts it is made of (incoming.py, with_agents.py,
    resent.py, replies.py, handover.py) call each other through it."""

    def __init__(
        self,
        session_factory: sessionmaker,
        bot: RasaChannel,
        settings: Settings,
        snapshots: SnapshotCache,
        clock: Callable[[], dt.datetime] = hours.utcnow,
    ) -> None:
        self.session_factory = session_factory
        self.bot = bot
        self.settings = settings
        self.snapshots = snapshots
        self.clock = clock  # read for staffed hours; tests pass a fixed one

    # --- starting -----------------------------------------------------------------
    def start(self, lang: str = "en", detect_language: bool = False) -> Dict[str, Any]:
        """A new conversation in `lang`. With `detect_language` (the page did not choose),
        the person's first words that clearly are English or French set the language."""
        with session_scope(self.session_factory) as db_session:
            conversation = conversations.create(db_session=db_session, lang=lang)
            if detect_language:
                conversation.awaiting = AWAITING_LANGUAGE
            snapshot = self.snapshots.get(db_session)
            buttons = [
                {"title": localise(event.title, lang) or event.id, "payload": f"/{event.id}"}
                for event in snapshot.life_events.values()
            ]
            buttons.append({"title": say("welcome_other", lang), "payload": "/other_service"})
            welcome = conversations.add_message(
                db_session=db_session,
                conversation=conversation,
                sender="bot",
                text=say("welcome", lang),
                buttons=buttons,
            )
            return {
                "id": conversation.id,
                "owner": conversation.owner,
                "lang": conversation.lang,
                "messages": [Message.from_row(welcome)],
            }

    # --- language -------------------------------------------------------------------
    def set_language(self, conversation_id: str, lang: str) -> Dict[str, Any]:
        """The person chose a language (the page's menu): everything from now on is in it,
        the assistant's answers too (the language goes to Rasa with every message)."""
        if lang not in LANGUAGES:
            raise MessageRejected(422, "rejected_unknown_language", chosen=lang, languages=", ".join(LANGUAGES))
        with session_scope(self.session_factory) as db_session:
            conversation = conversations.get(db_session=db_session, conversation_id=conversation_id)
            if conversation is None:
                raise MessageRejected(404, "rejected_no_conversation")
            if conversation.awaiting == AWAITING_LANGUAGE:
                conversation.awaiting = None
            created = []
            if conversation.lang != lang:
                conversation.lang = lang
                row = conversations.add_message(
                    db_session=db_session,
                    conversation=conversation,
                    sender="system",
                    text=say("language_switched", lang),
                )
                created.append(Message.from_row(row))
            return {"id": conversation.id, "owner": conversation.owner, "lang": conversation.lang, "messages": created}

    # --- receiving ----------------------------------------------------------------
    async def receive(self, conversation_id: str, incoming: IncomingMessage) -> Dict[str, Any]:
        received = await run_in_threadpool(self._record_incoming, conversation_id, incoming)
        if isinstance(received, _Resent):
            return await self._answer_resent(received)
        return await self._answer(received)

    async def _answer(self, received: _Received) -> Dict[str, Any]:
        """Ask Rasa (when the bot owns the conversation) and record its replies; a claimed
        message's claim is renewed meanwhile, so no other replica thinks this one died."""
        keeper = asyncio.create_task(self._keep_claim(received)) if received.claim else None
        try:
            replies = await self._ask_bot(received)
        finally:
            if keeper is not None:
                keeper.cancel()
        try:
            return await run_in_threadpool(self._record_replies, received, replies)
        except ClaimLost:
            return await self._answer_resent(_Resent(received.conversation_id, received.message_id, received.lang))

    async def _ask_bot(self, received: _Received) -> List[BotReply]:
        if received.forward is None:
            return []
        try:
            return await self.bot.send(
                received.conversation_id, received.forward, {"lang": received.lang}, payload=received.is_payload
            )
        except BotUnavailable as error:
            log.warning("conversation %s: %s", received.conversation_id[:8], error)
            return [
                *error.partial,  # what the assistant said before it failed, then the way forward
                BotReply(
                    text=say("bot_unavailable", received.lang),
                    buttons=[{"title": say("talk_to_person", received.lang), "payload": "/request_human"}],
                ),
            ]

    async def _keep_claim(self, received: _Received) -> None:
        """Renew the claim until cancelled; a failed renewal is only logged: recording the
        answer checks the claim again, and a lapsed one lets a resend answer instead."""
        try:
            while True:
                await asyncio.sleep(resends.CLAIM_RENEW_SECONDS)
                if not await run_in_threadpool(self._renew_claim, received):
                    return
        except Exception as error:  # noqa: BLE001 (a background task: nobody else would see it)
            log.warning("conversation %s: could not renew a claim: %s", received.conversation_id[:8], error)

    def _renew_claim(self, received: _Received) -> bool:
        with session_scope(self.session_factory) as db_session:
            return resends.renew(db_session=db_session, message_id=received.message_id, claim=received.claim or "")

    # --- resent messages --------------------------------------------------------------
    async def _answer_resent(self, resent: _Resent) -> Dict[str, Any]:
        """The first copy's answer, once it is there. Waits a little for a replica still
        answering it; takes over a dead replica's claim; else asks the client to retry."""
        deadline = asyncio.get_running_loop().time() + RESENT_WAIT_SECONDS
        while True:
            found = await run_in_threadpool(self._resent_state, resent)
            if isinstance(found, _Received):
                return await self._answer(found)
            if found is not None:
                return found
            if asyncio.get_running_loop().time() >= deadline:
                raise MessageRejected(409, "rejected_still_answering", resent.lang, RESENT_RETRY_AFTER)
            await asyncio.sleep(RESENT_POLL_SECONDS)
