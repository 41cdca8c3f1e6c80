"""A message sent again with the same client_message_id is answered from its first copy, or
answered again when the replica holding it died (resends.py stores the claims). A mixin of
ConversationRouter (router.py), which waits for the answer."""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Union

from sqlalchemy.orm import Session, sessionmaker

from bot.conversations import resends
from bot.conversations.errors import MessageRejected
from bot.conversations.models import ConversationRow, MessageRow
from bot.conversations.turns import _Received, _Resent
from onewindow_catalogue.database import session_scope

log = logging.getLogger(__name__)


class ResentMessages:
    session_factory: sessionmaker

    def _resent_state(self, resent: _Resent) -> Union[Dict[str, Any], _Received, None]:
        """The stored answer; or the message to answer again, its claim now ours (the
        replica that held it stopped renewing it); or None while it is being answered."""
        with session_scope(self.session_factory) as db_session:
            conversation = self._open(db_session, resent.conversation_id)
            row = db_session.get(MessageRow, resent.message_id)
            if row is None:  # deleted meanwhile with its conversation's history (retention)
                raise MessageRejected(404, "rejected_no_conversation")
            if row.claim is None:
                return self._answer_body(db_session, conversation, row.answer or [row.id])
            claim = resends.take_over(db_session=db_session, message_id=row.id)
            if claim is None:
                return None
            log.warning("conversation %s: answering a message its replica left unanswered", conversation.id[:8])
            submission = row.submission or {}
            forward = submission.get("forward") if conversation.owner == "bot" else None
            created = [int(seq) for seq in submission.get("created") or [row.id]]
            is_payload = bool(submission.get("payload"))
            return _Received(
                conversation.id, conversation.lang, conversation.owner, forward, is_payload, created, "", row.id, claim
            )

    def _earlier_copy(
        self, db_session: Session, conversation: ConversationRow, client_message_id: str, digest: str
    ) -> Optional[_Resent]:
        """The message stored before under this id, if any; the same id with other words is refused."""
        earlier = resends.find(
            db_session=db_session, conversation_id=conversation.id, client_message_id=client_message_id
        )
        if earlier is None:
            return None
        if (earlier.submission or {}).get("digest") != digest:
            raise MessageRejected(422, "rejected_id_reused", conversation.lang)
        return _Resent(conversation.id, earlier.id, conversation.lang)
