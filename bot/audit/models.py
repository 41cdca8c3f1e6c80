"""Audit entries and unmatched questions. Both hold only what staff need:
usernames and ids, never a citizen's words unredacted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text

from onewindow_catalogue.database import Base

SOURCES = ("chat", "triage", "phone")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    actor = Column(String(64), nullable=False, index=True)  # a username, or "system"
    actor_id = Column(Integer)
    actor_role = Column(String(16))
    action = Column(String(64), nullable=False, index=True)  # e.g. "service.publish"
    target_type = Column(String(32), nullable=False)
    target_id = Column(String(128), nullable=False, index=True)
    organisation = Column(String(128), index=True)  # from detail["organisation"], for owners' view
    detail = Column(JSON, nullable=False, default=dict)


class UnmatchedQuestionRow(Base):
    """A question a citizen or caller asked that matched no service (redacted)."""

    __tablename__ = "unmatched_questions"
    id = Column(Integer, primary_key=True, autoincrement=True)
    text_redacted = Column(Text, nullable=False)
    source = Column(String(16), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
