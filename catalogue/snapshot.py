"""The published catalogue held in memory, prepared for the bundle engine.

Each process keeps one snapshot and checks the database's revision number
before use, so a change published through any replica reaches every bundle
at once, and no two replicas serve different catalogues for long.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Union

from sqlalchemy.orm import Session

from onewindow_catalogue import conditions
from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.facts import Fact
from onewindow_catalogue.local_delivery import LocalDelivery, load_local_delivery
from onewindow_catalogue.municipalities import MunicipalityDirectory, load_directory
from onewindow_catalogue.seed_format import Catalogue, LifeEvent, Organisation, Service
from onewindow_catalogue.text import localise

LEVEL_ORDER = {"federal": 0, "provincial": 1, "municipal": 2}
UNCERTAIN_FEE: Dict[str, str] = {
    "en": "Fees change: see the official page for the current fee.",
    "fr": "Les frais changent : consultez la page officielle pour connaître les frais actuels.",
}


@dataclass(frozen=True)
class PreparedService:
    """A service with what the engine needs precomputed."""

    service: Service
    position: int
    events: FrozenSet[str]
    condition_facts: FrozenSet[str]
    applies: conditions.Compiled
    scope: Union[None, str, FrozenSet[str]]  # None: not municipal; "any"; or municipality names

    @property
    def id(self) -> str:
        return self.service.id


@dataclass
class CatalogueSnapshot:
    revision: int
    catalogue: Catalogue
    municipalities: MunicipalityDirectory
    local: LocalDelivery = field(default_factory=LocalDelivery)
    services: Dict[str, PreparedService] = field(default_factory=dict)
    by_event: Dict[str, List[PreparedService]] = field(default_factory=dict)
    facts: Dict[str, Fact] = field(default_factory=dict)
    fact_position: Dict[str, int] = field(default_factory=dict)
    life_events: Dict[str, LifeEvent] = field(default_factory=dict)
    organisations: Dict[str, Organisation] = field(default_factory=dict)
    _rendered: Dict[str, Dict[str, Dict[str, Any]]] = field(default_factory=dict, repr=False)
    _questions: Dict[str, Dict[str, Dict[str, Any]]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        catalogue: Catalogue,
        revision: int = 0,
        municipalities: MunicipalityDirectory | None = None,
        local: LocalDelivery | None = None,
    ) -> CatalogueSnapshot:
        snapshot = cls(
            revision=revision,
            catalogue=catalogue,
            municipalities=municipalities or load_directory(),
            local=local if local is not None else load_local_delivery(),
        )
        snapshot.facts = {fact.id: fact for fact in catalogue.facts}
        snapshot.fact_position = {fact.id: index for index, fact in enumerate(catalogue.facts)}
        snapshot.life_events = {event.id: event for event in catalogue.life_events}
        snapshot.organisations = {org.id: org for org in catalogue.organisations}
        snapshot.by_event = {event.id: [] for event in catalogue.life_events}
        for position, service in enumerate(catalogue.services):
            scope = service.municipalities
            prepared = PreparedService(
                service=service,
                position=position,
                events=frozenset(service.life_events),
                condition_facts=conditions.facts_in(service.applies_when.condition),
                applies=conditions.compile_condition(service.applies_when.condition),
                scope=frozenset(scope) if isinstance(scope, list) else scope,
            )
            snapshot.services[service.id] = prepared
            for event in service.life_events:
                snapshot.by_event.setdefault(event, []).append(prepared)
        return snapshot

    def rendered(self, lang: str) -> Dict[str, Dict[str, Any]]:
        """Each service's fixed texts in one language, rendered once: the hot
        path of every bundle only adds what the request decided."""
        if lang not in self._rendered:
            self._rendered[lang] = {sid: self._render_fixed(p.service, lang) for sid, p in self.services.items()}
        return self._rendered[lang]

    def questions(self, lang: str) -> Dict[str, Dict[str, Any]]:
        """Each fact's question, in one language, rendered once."""
        if lang not in self._questions:
            self._questions[lang] = {
                fact.id: {
                    "fact": fact.id,
                    "text": localise(fact.question, lang),
                    "type": fact.type,
                    "options": fact.options(lang),
                }
                for fact in self.facts.values()
            }
        return self._questions[lang]

    def _render_fixed(self, service: Service, lang: str) -> Dict[str, Any]:
        organisation = self.organisations.get(service.organisation)
        fee = None
        if service.fee:
            uncertain = service.fee.uncertain
            fee = {"text": localise(UNCERTAIN_FEE if uncertain else service.fee.text, lang), "uncertain": uncertain}
        return {
            "id": service.id,
            "name": localise(service.name, lang),
            "summary": localise(service.summary, lang),
            "level": service.level,
            "organisation": {
                "id": service.organisation,
                "name": localise(organisation.name, lang) if organisation else service.organisation,
            },
            "status": None,
            "reason": localise(service.applies_when.text, lang),
            "unknown_facts": [],
            "life_events": [],
            "deadline": {"text": localise(service.deadline.text, lang)} if service.deadline else None,
            "fee": fee,
            "processing_time": localise(service.processing_time, lang),
            "documents": [localise(document, lang) for document in service.documents],
            "channels": [
                {"type": c.type, "url": c.url, "phone": c.phone, "note": localise(c.note, lang)}
                for c in service.channels
            ],
            "url": service.url,
            "requires": [],
            "covers": [],
            "covered_by": None,
            "delivered_by": None,
            "uncertain": service.uncertain,
        }


class SnapshotCache:
    """One snapshot per process, reloaded when the database revision moves."""

    def __init__(self) -> None:
        self._snapshot: CatalogueSnapshot | None = None
        self._lock = threading.Lock()

    def get(self, db_session: Session) -> CatalogueSnapshot:
        revision = catalogue_service.current_revision(db_session=db_session)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.revision == revision:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.revision != revision:
                catalogue = catalogue_service.read_all(db_session=db_session)
                self._snapshot = CatalogueSnapshot.build(catalogue, revision)
            return self._snapshot

    def clear(self) -> None:
        self._snapshot = None
