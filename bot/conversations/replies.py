"""Recording the assistant's replies to a message (redacted, with the bundle's print link) and the
answer the client gets; a reply asking for a person hands over (handover.py). A mixin of
ConversationRouter (router.py)."""

from __future__ import annotations

from typing import Any, Dict, List

from sqlalchemy.orm import Session, sessionmaker

from bot.audit.service import record_unmatched
from bot.conversations import resends
from bot.conversations import service as conversations
from bot.conversations.errors import ClaimLost
from bot.conversations.models import ConversationRow, Message
from bot.conversations.rasa_channel import BotReply
from bot.conversations.turns import _Received
from bot.privacy import redact
from onewindow_catalogue.database import session_scope


class BotReplies:
    session_factory: sessionmaker

    def _record_replies(self, received: _Received, replies: List[BotReply]) -> Dict[str, Any]:
        with session_scope(self.session_factory) as db_session:
            if received.claim and not resends.renew(
                db_session=db_session, message_id=received.message_id, claim=received.claim
            ):
                raise ClaimLost(received.conversation_id)
            conversation = conversations.get_or_raise(db_session=db_session, conversation_id=received.conversation_id)
            created = list(received.created)
            handoff = None
            for reply in replies:
                bundle = reply.custom.get("bundle") if isinstance(reply.custom.get("bundle"), dict) else None
                if bundle is not None:
                    bundle = {**bundle, "print_url": f"/conversations/{conversation.id}/bundle"}
                if reply.text or reply.buttons or bundle:
                    row = conversations.add_message(
                        db_session=db_session,
                        conversation=conversation,
                        sender="bot",
                        text=redact(reply.text).text,
                        buttons=reply.buttons,
                        bundle=bundle,
                    )
                    created.append(row.id)
                if isinstance(reply.custom.get("handoff"), dict):
                    handoff = reply.custom["handoff"]
            if any(reply.custom.get("unmatched") for reply in replies):
                question = conversations.messages_after(
                    db_session=db_session, conversation_id=conversation.id, after=min(received.created) - 1, limit=1
                )
                if question and question[0].sender == "user":
                    record_unmatched(db_session, question[0].text, "chat")  # the catalogue's gap report
            if handoff is not None and conversation.owner == "bot":
                created += self._hand_over(db_session, conversation, handoff)
            if received.claim:
                resends.finish(
                    db_session=db_session, message_id=received.message_id, claim=received.claim, answer=created
                )
            return self._answer_body(db_session, conversation, created)

    @staticmethod
    def _answer_body(db_session: Session, conversation: ConversationRow, created: List[int]) -> Dict[str, Any]:
        """The answer to a message: the messages `created` for it (the person's own first)."""
        rows = [
            row
            for row in conversations.messages_after(
                db_session=db_session, conversation_id=conversation.id, after=min(created) - 1
            )
            if row.id in created
        ]
        return {
            "owner": conversation.owner,
            "lang": conversation.lang,
            "messages": [Message.from_row(row) for row in rows],
        }
