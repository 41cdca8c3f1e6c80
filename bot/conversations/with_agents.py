"""Messages while a case waits or an agent holds the conversation: Rasa never sees them. A crisis
still escalates, and after hours the person may leave a number for a callback. A mixin of
ConversationRouter (router.py)."""

from __future__ import annotations

import re
from typing import List

from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.conversations import service as conversations
from bot.conversations.messages import say
from bot.conversations.models import ConversationRow
from bot.privacy import redact
from bot.safety import detect

PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")


class WhileWithAgents:
    def _while_with_agents(self, db_session: Session, conversation: ConversationRow, raw_text: str) -> List[int]:
        """Messages for a waiting or held case: recorded for the agent; a crisis escalates."""
        case = cases.open_case_for_conversation(db_session=db_session, conversation_id=conversation.id)
        if raw_text and detect(raw_text) is not None:
            conversation.urgent = True
            if case is not None:
                cases.escalate(db_session=db_session, case=case, reason="crisis message while waiting")
            row = conversations.add_message(
                db_session=db_session,
                conversation=conversation,
                sender="system",
                text=say("crisis_while_waiting", conversation.lang),
            )
            return [row.id]
        return []

    def _take_callback_contact(self, db_session: Session, conversation: ConversationRow, raw_text: str) -> List[int]:
        """After hours the person may leave a number. It goes into the case's
        callback field only (never the transcript) and is purged with the case."""
        case = cases.open_case_for_conversation(db_session=db_session, conversation_id=conversation.id)
        match = PHONE.search(raw_text)
        if case is None or match is None:
            row = conversations.add_message(
                db_session=db_session,
                conversation=conversation,
                sender="system",
                text=say("callback_no_phone", conversation.lang),
            )
            return [row.id]
        when = redact(raw_text.replace(match.group(0), " ")).text.strip()[:200]
        case.callback = {**(case.callback or {}), "contact": match.group(0), "when": when, "requested": True}
        conversation.awaiting = None
        row = conversations.add_message(
            db_session=db_session,
            conversation=conversation,
            sender="system",
            text=say("callback_saved", conversation.lang, reference=case.reference),
        )
        return [row.id]
