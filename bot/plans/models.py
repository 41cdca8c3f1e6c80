"""A kept plan: what a link reopens. Holds the plan's inputs (life events and
situation facts), the steps ticked off, and when it expires; never a name, a
conversation id or any other identifier. The link's token is stored only as
its SHA-256, so the table alone cannot reopen anything."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, DateTime, String

from onewindow_catalogue.database import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class PlanLinkRow(Base):
    __tablename__ = "plan_links"
    token_hash = Column(String(64), primary_key=True)
    lang = Column(String(8), nullable=False, default="en")
    events = Column(JSON, nullable=False, default=list)
    facts = Column(JSON, nullable=False, default=dict)
    done = Column(JSON, nullable=False, default=list)  # service ids ticked off
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)
