"""The versions table: every draft and every published version of a service.

A row starts as a draft (no number); publishing gives it the next number
for its service. The latest published row is `published`, older ones
`superseded`. Rows outlive the service (no foreign key), so a retired
service keeps its history and can be restored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text, UniqueConstraint

from onewindow_catalogue.database import Base

STATUSES = ("draft", "in_review", "published", "superseded", "rejected", "discarded")
OPEN_STATUSES = ("draft", "in_review")
ACTIONS = ("import", "create", "edit", "retire", "rollback")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ServiceVersionRow(Base):
    __tablename__ = "catalogue_service_versions"
    __table_args__ = (UniqueConstraint("service_id", "number", name="uq_service_version_number"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(128), nullable=False, index=True)
    number = Column(Integer)  # set when published: 1, 2, 3... per service
    status = Column(String(16), nullable=False, default="draft", index=True)
    action = Column(String(16), nullable=False, default="edit")
    organisation = Column(String(128), nullable=False, index=True)
    data = Column(JSON, nullable=False)  # the seed-format entry, JSON-safe
    base_version = Column(Integer)  # the published number the draft started from (None: a new service)
    author = Column(String(64), nullable=False)
    author_id = Column(Integer)
    reviewer = Column(String(64))
    note = Column(Text)
    review_note = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    published_at = Column(DateTime(timezone=True))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
