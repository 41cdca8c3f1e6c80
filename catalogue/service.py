"""Reading and writing the published catalogue in the database."""

from __future__ import annotations

import datetime as dt
from typing import List

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from onewindow_catalogue.facts import Fact
from onewindow_catalogue.models import (
    CatalogueRevisionRow,
    FactRow,
    LifeEventRow,
    OrganisationRow,
    ServiceLifeEventRow,
    ServiceRelationRow,
    ServiceRow,
)
from onewindow_catalogue.seed_format import Catalogue, LifeEvent, Organisation, Service


def current_revision(*, db_session: Session) -> int:
    row = db_session.get(CatalogueRevisionRow, 1)
    return row.revision if row else 0


def bump_revision(*, db_session: Session) -> int:
    """Mark the published catalogue as changed (every reader reloads)."""
    row = db_session.get(CatalogueRevisionRow, 1)
    if row is None:
        row = CatalogueRevisionRow(id=1, revision=0)
        db_session.add(row)
    row.revision += 1
    row.changed_at = dt.datetime.now(dt.timezone.utc)
    db_session.flush()
    return row.revision


def is_empty(*, db_session: Session) -> bool:
    return db_session.execute(select(ServiceRow.id).limit(1)).first() is None


def replace_all(*, db_session: Session, catalogue: Catalogue) -> int:
    """Replace the whole published catalogue with a validated one, in the
    caller's transaction (so a failure loads nothing). Returns the revision."""
    for table in (ServiceRelationRow, ServiceLifeEventRow, ServiceRow, OrganisationRow, FactRow, LifeEventRow):
        db_session.execute(delete(table))
    db_session.flush()
    for position, event in enumerate(catalogue.life_events):
        db_session.add(LifeEventRow(position=position, **event.dict()))
    for position, fact in enumerate(catalogue.facts):
        db_session.add(FactRow(position=position, **fact.dict()))
    for position, organisation in enumerate(catalogue.organisations):
        db_session.add(OrganisationRow(position=position, **organisation.dict()))
    db_session.flush()
    for position, service in enumerate(catalogue.services):
        db_session.add(service_row(service, position))
    db_session.flush()
    for service in catalogue.services:
        for kind in ("requires", "covers"):
            for index, target in enumerate(getattr(service, kind)):
                db_session.add(ServiceRelationRow(service_id=service.id, kind=kind, target_id=target, position=index))
    return bump_revision(db_session=db_session)


def service_row(service: Service, position: int) -> ServiceRow:
    return ServiceRow(
        id=service.id,
        position=position,
        life_event_links=[
            ServiceLifeEventRow(life_event_id=event, position=index) for index, event in enumerate(service.life_events)
        ],
        **_service_columns(service),
    )


def _service_columns(service: Service) -> dict:
    data = service.dict()
    return {
        "level": service.level,
        "organisation_id": service.organisation,
        "name": data["name"],
        "summary": data["summary"],
        "applies_when": data["applies_when"],
        "municipalities": data["municipalities"],
        "deadline": data["deadline"],
        "fee": data["fee"],
        "processing_time": data["processing_time"],
        "channels": data["channels"],
        "url": service.url,
        "documents": data["documents"],
        "source": service.source,
        "notes": data["notes"],
        "last_checked": service.last_checked,
        "uncertain": service.uncertain,
    }


def upsert_service(*, db_session: Session, service: Service, version: int | None = None) -> ServiceRow:
    """Publish one validated service in place (a new one goes last), in the
    caller's transaction. The caller validated the whole catalogue with this
    entry in it and bumps the revision."""
    row = db_session.get(ServiceRow, service.id)
    if row is None:
        last = db_session.execute(select(func.max(ServiceRow.position))).scalar()
        row = service_row(service, (last if last is not None else -1) + 1)
        db_session.add(row)
    else:
        db_session.execute(delete(ServiceLifeEventRow).where(ServiceLifeEventRow.service_id == service.id))
        db_session.execute(delete(ServiceRelationRow).where(ServiceRelationRow.service_id == service.id))
        db_session.expire(row, ["life_event_links", "relation_links"])
        for column, value in _service_columns(service).items():
            setattr(row, column, value)
        for index, event in enumerate(service.life_events):
            db_session.add(ServiceLifeEventRow(service_id=service.id, life_event_id=event, position=index))
    if version is not None:
        row.version = version
    db_session.flush()
    for kind in ("requires", "covers"):
        for index, target in enumerate(getattr(service, kind)):
            db_session.add(ServiceRelationRow(service_id=service.id, kind=kind, target_id=target, position=index))
    db_session.flush()
    db_session.expire(row, ["life_event_links", "relation_links"])
    return row


def retire_service(*, db_session: Session, service_id: str) -> bool:
    """Take a service out of the published catalogue (its history is kept
    elsewhere). No other service may still require or cover it."""
    row = db_session.get(ServiceRow, service_id)
    if row is None:
        return False
    db_session.execute(delete(ServiceRelationRow).where(ServiceRelationRow.service_id == service_id))
    db_session.execute(delete(ServiceLifeEventRow).where(ServiceLifeEventRow.service_id == service_id))
    db_session.expire(row, ["life_event_links", "relation_links"])
    db_session.delete(row)
    db_session.flush()
    return True


def read_all(*, db_session: Session) -> Catalogue:
    """The published catalogue, in the seed format."""
    events = db_session.execute(select(LifeEventRow).order_by(LifeEventRow.position)).scalars().all()
    facts = db_session.execute(select(FactRow).order_by(FactRow.position)).scalars().all()
    by_position = select(OrganisationRow).order_by(OrganisationRow.position, OrganisationRow.id)
    organisations = db_session.execute(by_position).scalars().all()
    services = db_session.execute(select(ServiceRow).order_by(ServiceRow.position)).scalars().all()
    return Catalogue(
        life_events=[
            LifeEvent(
                id=e.id,
                title=e.title,
                description=e.description,
                date_fact=e.date_fact,
                queue=e.queue,
                suggests=e.suggests or [],
            )
            for e in events
        ],
        facts=[
            Fact(
                id=f.id,
                type=f.type,
                question=f.question,
                values=f.values,
                life_events=f.life_events,
                help=f.help,
                implies=f.implies or {},
            )
            for f in facts
        ],
        organisations=[
            Organisation(id=o.id, name=o.name, level=o.level, municipality=o.municipality, url=o.url, phone=o.phone)
            for o in organisations
        ],
        services=[_service_from_row(row) for row in services],
    )


def _service_from_row(row: ServiceRow) -> Service:
    relations: dict = {"requires": [], "covers": []}
    for link in sorted(row.relation_links, key=lambda link: link.position):
        relations[link.kind].append(link.target_id)
    return Service(
        id=row.id,
        level=row.level,
        organisation=row.organisation_id,
        life_events=[link.life_event_id for link in sorted(row.life_event_links, key=lambda link: link.position)],
        name=row.name,
        summary=row.summary,
        applies_when=row.applies_when,
        municipalities=row.municipalities,
        deadline=row.deadline,
        fee=row.fee,
        processing_time=row.processing_time,
        channels=row.channels,
        url=row.url,
        documents=row.documents,
        requires=relations["requires"],
        covers=relations["covers"],
        source=row.source,
        notes=row.notes,
        last_checked=row.last_checked,
        uncertain=row.uncertain,
    )


def service_ids(*, db_session: Session) -> List[str]:
    return list(db_session.execute(select(ServiceRow.id).order_by(ServiceRow.position)).scalars())


def read_service(*, db_session: Session, service_id: str) -> Service | None:
    """One published service in the seed format, or None."""
    row = db_session.get(ServiceRow, service_id)
    if row is None:
        return None
    return _service_from_row(row)
