"""Plain functions over conversations and their messages."""

from __future__ import annotations

import secrets
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.conversations.models import ConversationRow, MessageRow, utcnow


class ConversationNotFound(LookupError):
    pass


def create(*, db_session: Session, lang: str = "en", channel: str = "chat") -> ConversationRow:
    conversation = ConversationRow(id=secrets.token_urlsafe(24), lang=lang, channel=channel)
    db_session.add(conversation)
    db_session.flush()
    return conversation


def get(*, db_session: Session, conversation_id: str) -> Optional[ConversationRow]:
    if not conversation_id or len(conversation_id) > 64:
        return None
    return db_session.get(ConversationRow, conversation_id)


def get_or_raise(*, db_session: Session, conversation_id: str) -> ConversationRow:
    conversation = get(db_session=db_session, conversation_id=conversation_id)
    if conversation is None:
        raise ConversationNotFound("No such conversation: it may have ended or been deleted. Start a new one.")
    return conversation


def add_message(
    *,
    db_session: Session,
    conversation: ConversationRow,
    sender: str,
    text: str,
    buttons: Sequence[Dict[str, str]] = (),
    bundle: Optional[Dict[str, Any]] = None,
    agent_id: Optional[int] = None,
    redacted_kinds: Sequence[str] = (),
    client_message_id: Optional[str] = None,
) -> MessageRow:
    """Record a message; the caller has already redacted `text`. A `client_message_id`
    already stored in the conversation raises IntegrityError here, at the flush."""
    row = MessageRow(
        conversation_id=conversation.id,
        sender=sender,
        text=text,
        buttons=list(buttons),
        bundle=bundle,
        agent_id=agent_id,
        redacted_kinds=list(redacted_kinds),
        client_message_id=client_message_id,
    )
    conversation.last_activity_at = utcnow()
    if bundle is not None:
        conversation.ended_with_bundle = True
    db_session.add(row)
    db_session.flush()
    return row


def messages_after(*, db_session: Session, conversation_id: str, after: int = 0, limit: int = 500) -> List[MessageRow]:
    query = (
        select(MessageRow)
        .where(MessageRow.conversation_id == conversation_id, MessageRow.id > after)
        .order_by(MessageRow.id)
        .limit(limit)
    )
    return list(db_session.execute(query).scalars())


def latest_messages(*, db_session: Session, conversation_id: str, limit: int = 50) -> List[MessageRow]:
    """The conversation's last `limit` messages, newest first (however long it is)."""
    query = (
        select(MessageRow)
        .where(MessageRow.conversation_id == conversation_id)
        .order_by(MessageRow.id.desc())
        .limit(limit)
    )
    return list(db_session.execute(query).scalars())


def set_owner(*, db_session: Session, conversation_id: str, owner: str, expected: Optional[str] = None) -> bool:
    """Change who owns the conversation; with `expected`, only if it still has
    that owner (a conditional update, so two replicas cannot both win)."""
    query = update(ConversationRow).where(ConversationRow.id == conversation_id)
    if expected is not None:
        query = query.where(ConversationRow.owner == expected)
    result = db_session.execute(query.values(owner=owner, last_activity_at=utcnow()))
    return result.rowcount == 1
