"""Conversation and message tables, and the message shape the widget reads."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field, validator
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text

from onewindow_catalogue.database import Base

OWNERS = ("bot", "queue", "agent", "closed")
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
    """One message, always stored redacted. Its id is the `seq` clients page by."""

    __tablename__ = "conversation_messages"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    sender = Column(String(16), nullable=False)
    text = Column(Text, nullable=False, default="")
    buttons = Column(JSON, nullable=False, default=list)
    bundle = Column(JSON)
    agent_id = Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    redacted_kinds = Column(JSON, nullable=False, default=list)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


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
            created_at=row.created_at,
        )


class ConversationStart(BaseModel):
    """`lang` chosen by the page; left out, the conversation starts in the browser's
    Accept-Language (else English) and takes the language of the person's first clear words."""

    lang: Optional[str] = Field(None, regex="^(en|fr)$")


class LanguageChoice(BaseModel):
    """The language the person picked from the page's menu, mid-conversation."""

    lang: str = Field(..., regex="^(en|fr)$")


class IncomingMessage(BaseModel):
    """What the widget sends: free text, or a quick-reply payload with its title."""

    text: Optional[str] = None
    payload: Optional[str] = Field(None, max_length=500)

    @validator("text", "payload")
    def _whole_characters(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805 (pydantic validator)
        """A lone UTF-16 surrogate (JSON "\\ud800") is no character: it cannot be
        stored, redacted or shown, so it is refused here with a clear 422."""
        if value is not None and any("\ud800" <= char <= "\udfff" for char in value):
            raise ValueError("The message contains a broken character (a lone surrogate). Please type it again.")
        return value


class ConversationState(BaseModel):
    id: str
    owner: str
    messages: List[Message]
