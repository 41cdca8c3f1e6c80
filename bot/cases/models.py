"""Case tables and their read schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from pydantic import BaseModel
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text

from onewindow_catalogue.database import Base

STATUSES = ("waiting", "claimed", "closed")
CHANNELS = ("chat", "phone")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class CaseRow(Base):
    __tablename__ = "cases"
    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(16), unique=True, nullable=False)
    conversation_id = Column(String(64), ForeignKey("conversations.id", ondelete="SET NULL"), index=True)
    channel = Column(String(16), nullable=False, default="chat")
    status = Column(String(16), nullable=False, default="waiting", index=True)
    queue = Column(String(32), nullable=False, index=True)
    urgent = Column(Boolean, nullable=False, default=False)
    reason = Column(String(64), nullable=False)  # handoff reason code, e.g. asked_for_person, urgent, complex_case:…
    summary = Column(JSON, nullable=False, default=dict)  # events, facts, proposed bundle, open questions
    consent = Column(JSON)  # {given, wording, at} — None when urgent (no consent is asked first)
    callback = Column(JSON)  # outside staffed hours: {requested_at, contact, when}; contact purged with the case
    assigned_agent_id = Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    claimed_at = Column(DateTime(timezone=True))
    closed_at = Column(DateTime(timezone=True))
    disposition = Column(String(32))
    private_note = Column(Text)


class CaseEventRow(Base):
    """The case's timeline: created, claimed, transferred, bundle sent, handed back, closed…"""

    __tablename__ = "case_events"
    id = Column(Integer, primary_key=True, autoincrement=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    actor_id = Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    detail = Column(JSON, nullable=False, default=dict)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class CaseRead(BaseModel):
    id: int
    reference: str
    conversation_id: Optional[str]
    channel: str
    status: str
    queue: str
    urgent: bool
    reason: str
    summary: Dict[str, Any]
    consent: Optional[Dict[str, Any]]
    assigned_agent_id: Optional[int]
    created_at: dt.datetime
    claimed_at: Optional[dt.datetime]
    closed_at: Optional[dt.datetime]
    disposition: Optional[str]

    class Config:
        orm_mode = True


class CaseEventRead(BaseModel):
    kind: str
    actor_id: Optional[int]
    detail: Dict[str, Any]
    at: dt.datetime

    class Config:
        orm_mode = True


class CaseList(BaseModel):
    cases: List[CaseRead]
