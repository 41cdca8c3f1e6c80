"""The catalogue's tables, aligned with CPSV-AP 3.2: a public service, its
competent authority (organisation) and order of government, the life events
that group it, its requirements, evidence (documents), channels, cost,
deadline, applicability condition, and `requires` / `covers` relations.

Translatable text is stored as a JSON mapping of language to text
({"en": ..., "fr": ...}); structured parts that are only ever read whole
(channels, deadline rules, the condition) are JSON too, so the tables stay
portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from onewindow_catalogue.database import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class LifeEventRow(Base):
    __tablename__ = "catalogue_life_events"
    id = Column(String(64), primary_key=True)
    title = Column(JSON, nullable=False)
    description = Column(JSON, nullable=False)
    date_fact = Column(String(64), nullable=False)
    queue = Column(String(64), nullable=False)
    suggests = Column(JSON)  # [{event, when, why}]: second life events to offer as a question
    position = Column(Integer, nullable=False, default=0)


class FactRow(Base):
    __tablename__ = "catalogue_facts"
    id = Column(String(64), primary_key=True)
    type = Column(String(16), nullable=False)
    question = Column(JSON, nullable=False)
    values = Column(JSON, nullable=False, default=list)
    life_events = Column(JSON, nullable=False, default=list)
    help = Column(JSON)
    implies = Column(JSON)  # {value: {other fact: value}}
    position = Column(Integer, nullable=False, default=0)


class OrganisationRow(Base):
    """cv:PublicOrganisation — a competent authority or delivering organisation."""

    __tablename__ = "catalogue_organisations"
    id = Column(String(128), primary_key=True)
    name = Column(JSON, nullable=False)
    level = Column(String(16), nullable=False)
    municipality = Column(String(200))
    url = Column(String(2000))
    phone = Column(String(40))
    position = Column(Integer, nullable=False, default=0)


class ServiceRow(Base):
    """cpsv:PublicService, as currently published."""

    __tablename__ = "catalogue_services"
    id = Column(String(128), primary_key=True)
    level = Column(String(16), nullable=False, index=True)
    organisation_id = Column(String(128), ForeignKey("catalogue_organisations.id"), nullable=False, index=True)
    name = Column(JSON, nullable=False)
    summary = Column(JSON, nullable=False)
    applies_when = Column(JSON, nullable=False)  # {text: {...}, condition: {...}|null}
    municipalities = Column(JSON)  # list of official names, "any", or null
    deadline = Column(JSON)  # {text, due: [rules]}
    fee = Column(JSON)  # {text, uncertain}
    processing_time = Column(JSON)
    channels = Column(JSON, nullable=False, default=list)
    url = Column(String(2000))
    documents = Column(JSON, nullable=False, default=list)
    source = Column(Text)
    notes = Column(JSON)
    last_checked = Column(Date)
    uncertain = Column(Boolean, nullable=False, default=False)
    position = Column(Integer, nullable=False, default=0)
    version = Column(Integer, nullable=False, default=1)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=_now, onupdate=_now)

    organisation = relationship(OrganisationRow, lazy="joined")
    life_event_links = relationship("ServiceLifeEventRow", cascade="all, delete-orphan", lazy="selectin")
    relation_links = relationship(
        "ServiceRelationRow",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="ServiceRelationRow.service_id",
    )


class ServiceLifeEventRow(Base):
    """cv:isGroupedBy — the life events a service belongs to."""

    __tablename__ = "catalogue_service_life_events"
    service_id = Column(String(128), ForeignKey("catalogue_services.id", ondelete="CASCADE"), primary_key=True)
    life_event_id = Column(String(64), ForeignKey("catalogue_life_events.id"), primary_key=True, index=True)
    position = Column(Integer, nullable=False, default=0)


class ServiceRelationRow(Base):
    """dct:requires (must come before) and covers (one application also does the other)."""

    __tablename__ = "catalogue_service_relations"
    __table_args__ = (UniqueConstraint("service_id", "kind", "target_id"),)
    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(128), ForeignKey("catalogue_services.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(16), nullable=False)  # "requires" | "covers"
    target_id = Column(String(128), ForeignKey("catalogue_services.id"), nullable=False)
    position = Column(Integer, nullable=False, default=0)


class CatalogueRevisionRow(Base):
    """One row whose number goes up with every published change, so every
    process and replica knows when its in-memory catalogue is stale."""

    __tablename__ = "catalogue_revision"
    id = Column(Integer, primary_key=True)
    revision = Column(Integer, nullable=False, default=0)
    changed_at = Column(DateTime(timezone=True), nullable=False, default=_now)
