"""Conversation and message tables, and the message shape the widget reads."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field, PydanticValueError, validator
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint

from onewindow_catalogue.database import Base

OWNERS = ("bot", "queue", "agent", "closed")
CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # fullmatch: "$" would let a final newline in
SENDERS = ("user", "bot", "agent", "system")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ConversationRow(Base):
    __tablename__ = "conversations"
    id = Column(String(64), primary_key=True)  # an unguessable token: it is the citizen's only key
    lang = Column(String(8), nullable=False, default="en")
    channel = Column(String(16), nullable=False, default="chat")
    owner = Column(String(16), nullable=False, default="bot", index=True)
    awaiting = Column(String(32))  # a reply the router itself waits for, e.g. "callback_contact"
    urgent = Column(Boolean, nullable=False, default=False)
    ended_with_bundle = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_activity_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


class MessageRow(Base):
    """One message, always stored redacted. Its id is the `seq` clients page by.

    A citizen's message sent with a `client_message_id` is answered once however
    often it is resent (a replica died, the network dropped the answer): the
    unique pair lets only one replica store it, `claim` says which replica is
    answering it, and `answer` keeps what it was answered with, for the resends."""

    __tablename__ = "conversation_messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "client_message_id", name="uq_conversation_messages_client_message_id"),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    sender = Column(String(16), nullable=False)
    text = Column(Text, nullable=False, default="")
    buttons = Column(JSON, nullable=False, default=list)
    bundle = Column(JSON)
    agent_id = Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    redacted_kinds = Column(JSON, nullable=False, default=list)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    client_message_id = Column(String(64))  # the client's id for this message; NULL for any other message
    submission = Column(JSON)  # what answering it (again) needs: digest of what was sent, what Rasa gets
    answer = Column(JSON)  # the seqs it was answered with; NULL while a replica is answering it
    claim = Column(String(32))  # the token of the replica answering it; NULL once answered
    claimed_at = Column(DateTime(timezone=True))  # renewed while answering: an old one means that replica died


class Button(BaseModel):
    title: str
    payload: str


class Message(BaseModel):
    seq: int
    sender: str
    text: str
    buttons: List[Button] = []
    bundle: Optional[Dict[str, Any]] = None
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: MessageRow) -> Message:
        return cls(
            seq=row.id,
            sender=row.sender,
            text=row.text,
            buttons=row.buttons or [],
            bundle=row.bundle,
            created_at=as_utc(row.created_at),
        )


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite returns them without their zone, PostgreSQL with it.
    With it always, a message reads the same just written or read back (a resend's answer)."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment


class ConversationStart(BaseModel):
    """`lang` chosen by the page; left out, the conversation starts in the browser's
    Accept-Language (else English) and takes the language of the person's first clear words."""

    lang: Optional[str] = Field(None, regex="^(en|fr)$")


class LanguageChoice(BaseModel):
    """The language the person picked from the page's menu, mid-conversation."""

    lang: str = Field(..., regex="^(en|fr)$")


class BrokenCharacter(PydanticValueError):
    """Its `code` (error type `value_error.broken_character`) lets the WebSocket say it in the person's language."""

    code = "broken_character"
    msg_template = "The message contains a broken character (a lone surrogate). Please type it again."


class BadClientMessageId(PydanticValueError):
    code = "client_message_id"
    msg_template = "client_message_id must be 1 to 64 letters, digits, '-' or '_' (a UUID fits)."


class IncomingMessage(BaseModel):
    """What the widget sends: free text, or a quick-reply payload with its title."""

    text: Optional[str] = None
    payload: Optional[str] = Field(None, max_length=500)
    client_message_id: Optional[str] = None  # the client's id: a resend with it is answered once, not twice

    @validator("client_message_id")
    def _client_message_id(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805 (pydantic validator)
        """An id the client chose is a key in the database: short and plain, so a UUID fits."""
        if value is not None and not CLIENT_MESSAGE_ID.fullmatch(value):
            raise BadClientMessageId()
        return value

    @validator("text", "payload")
    def _whole_characters(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805 (pydantic validator)
        """A lone UTF-16 surrogate (JSON "\\ud800") is no character: it cannot be
        stored, redacted or shown, so it is refused here with a clear 422."""
        if value is not None and any("\ud800" <= char <= "\udfff" for char in value):
            raise BrokenCharacter()
        return value


class ConversationState(BaseModel):
    id: str
    owner: str
    messages: List[Message]
