"""What survives a purge: one anonymous row per deleted case or conversation —
no text, no ids that lead back to a person, dates to the day."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Integer, String

from onewindow_catalogue.database import Base


class ArchivedContactRow(Base):
    __tablename__ = "archived_contacts"
    id = Column(Integer, primary_key=True, autoincrement=True)
    day = Column(Date, nullable=False, index=True)
    channel = Column(String(16), nullable=False)
    events = Column(JSON, nullable=False, default=list)
    handed_over = Column(Boolean, nullable=False, default=False)
    contained = Column(Boolean, nullable=False, default=False)  # ended with a bundle and no handoff
    reason = Column(String(64))
    queue = Column(String(32))
    urgent = Column(Boolean, nullable=False, default=False)
    disposition = Column(String(32))
    wait_seconds = Column(Integer)
    handling_seconds = Column(Integer)
