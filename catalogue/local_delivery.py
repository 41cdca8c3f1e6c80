"""General municipal services ("your municipality") resolved to the body that
delivers them for one person: the municipality, its upper tier (Ontario Works
service manager) or its public health unit, with the official page we know
and, where we know none, an honest "contact them" instead of a guessed address.

The data is seed/local_delivery.yml; a specific city entry listed in a general
service's `overridden_by` replaces it in bundles (the engine never lists both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

import yaml

from onewindow_catalogue.municipalities import SEED_DIR, Municipality, MunicipalityDirectory
from onewindow_catalogue.text import localise

FILE_NAME = "local_delivery.yml"
DELIVERERS = ("municipality", "service_manager", "public_health_unit")

_YOUR = {
    "municipality": {"en": "your municipality", "fr": "votre municipalité"},
    "service_manager": {
        "en": "your municipality or region (Ontario Works office)",
        "fr": "votre municipalité ou région (bureau d'Ontario au travail)",
    },
    "public_health_unit": {"en": "your local public health unit", "fr": "votre bureau de santé publique local"},
}
_CONTACT = {
    "en": "We have no page on file for this service here; contact this office: {name} (see the official page).",
    "fr": (
        "Nous n'avons pas de page pour ce service ici; communiquez avec ce bureau : {name} "
        "(consultez la page officielle)."
    ),
}
_ASK = {
    "en": "Tell us the municipality to see who delivers this service; until then, contact {name}.",
    "fr": "Indiquez la municipalité pour savoir qui offre ce service; d'ici là, communiquez avec {name}.",
}
_OFFICE_SERVING = {
    "en": "Ontario Works office serving {name}",
    "fr": "Bureau d'Ontario au travail desservant {name}",
}
_OFFICE_UNKNOWN = {
    "en": "Which office serves {name} is not in our data: see the official page, or ask the municipality.",
    "fr": "Le bureau qui dessert {name} ne figure pas dans nos données : consultez la page officielle ou "
    "renseignez-vous auprès de la municipalité.",
}
_HEALTH_UNIT = {
    "en": "{name} (names changed when some units merged: the locator page gives the current unit).",
    "fr": "{name} (certains bureaux ont fusionné : la page de recherche donne le bureau actuel).",
}


@dataclass(frozen=True)
class HealthUnit:
    id: str
    name: Dict[str, str]
    regions: FrozenSet[str] = frozenset()
    areas: FrozenSet[str] = frozenset()
    url: Optional[str] = None


@dataclass(frozen=True)
class GeneralService:
    id: str
    delivered_by: str
    overridden_by: Tuple[str, ...] = ()
    note: Optional[Dict[str, str]] = None  # said wherever it is resolved (e.g. "where the death occurred")


@dataclass
class LocalDelivery:
    general: Dict[str, GeneralService] = field(default_factory=dict)
    health_units: List[HealthUnit] = field(default_factory=list)
    locator_url: Optional[str] = None
    pages: Dict[Tuple[str, Optional[str]], str] = field(default_factory=dict)
    service_managers: FrozenSet[str] = frozenset()  # municipalities known to run Ontario Works themselves

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> LocalDelivery:
        """Build from the parsed YAML; shape errors raise ValueError naming the part."""
        data = data or {}
        general: Dict[str, GeneralService] = {}
        for sid, spec in (data.get("general_services") or {}).items():
            spec = spec or {}
            general[str(sid)] = GeneralService(
                id=str(sid),
                delivered_by=str(spec.get("delivered_by", "")),
                overridden_by=tuple(str(item) for item in spec.get("overridden_by") or ()),
                note=dict(spec["note"]) if spec.get("note") else None,
            )
        units = [
            HealthUnit(
                id=str(unit["id"]),
                name=dict(unit["name"]),
                regions=frozenset(unit.get("regions") or ()),
                areas=frozenset(unit.get("areas") or ()),
                url=unit.get("url"),
            )
            for unit in data.get("public_health_units") or []
        ]
        pages = {(str(page["municipality"]), page.get("service")): str(page["url"]) for page in data.get("pages") or []}
        managers = frozenset(str(name) for name in data.get("service_managers") or ())
        return cls(general, units, (data.get("locator") or {}).get("url"), pages, managers)

    def overridden(self, general_id: str) -> Tuple[str, ...]:
        spec = self.general.get(general_id)
        return spec.overridden_by if spec else ()

    def health_unit(self, municipality: Municipality) -> Optional[HealthUnit]:
        """The unit that serves a municipality: by its upper tier (or itself, for
        an upper tier), else by the county or district of a single tier."""
        region = municipality.region if municipality.tier == "lower-tier" else municipality.name
        for unit in self.health_units:
            if region in unit.regions:
                return unit
        for unit in self.health_units:
            if municipality.area and municipality.area in unit.areas:
                return unit
        return None

    def resolve(self, service_id: str, municipality: Optional[Municipality], lang: str) -> Optional[Dict[str, Any]]:
        """Who delivers a general service for this municipality (None when the
        service is not a general one): name, official page if known, and a note."""
        spec = self.general.get(service_id)
        if spec is None:
            return None
        found = self._resolve(spec, municipality, lang)
        extra = localise(spec.note, lang) if spec.note else None
        if extra:
            found["note"] = f"{extra} {found['note']}" if found["note"] else extra
        return found

    def _resolve(self, spec: GeneralService, municipality: Optional[Municipality], lang: str) -> Dict[str, Any]:
        service_id = spec.id
        if municipality is None:
            name = localise(_YOUR.get(spec.delivered_by, _YOUR["municipality"]), lang) or ""
            url = self.locator_url if spec.delivered_by == "public_health_unit" else None
            return {"name": name, "url": url, "page_known": False, "note": localise(_ASK, lang).format(name=name)}
        if spec.delivered_by == "public_health_unit":
            unit = self.health_unit(municipality)
            page = self.pages.get((municipality.name, service_id))
            if unit is None:
                name = localise(_YOUR["public_health_unit"], lang) or ""
                return {"name": name, "url": self.locator_url, "page_known": False, "note": None}
            name = localise(unit.name, lang) or unit.id
            url = page or unit.url or self.locator_url
            return {
                "name": name,
                "url": url,
                "page_known": bool(page or unit.url),
                "note": localise(_HEALTH_UNIT, lang).format(name=name),
            }
        body = municipality.name
        if spec.delivered_by == "service_manager":
            return self._service_manager(service_id, municipality, lang)
        url = self.pages.get((municipality.name, service_id)) or self.pages.get((body, service_id))
        url = url or self.pages.get((body, None))
        note = None if url else localise(_CONTACT, lang).format(name=body)
        return {"name": body, "url": url, "page_known": url is not None, "note": note}

    def _service_manager(self, service_id: str, municipality: Municipality, lang: str) -> Dict[str, Any]:
        """Ontario Works is run by service managers that are often neither the
        municipality nor its county (a county's may be a nearby city): name one
        only where the data says which, else the office that serves the place."""
        for body in (municipality.region if municipality.tier == "lower-tier" else None, municipality.name):
            if body and body in self.service_managers:
                url = self.pages.get((body, service_id)) or self.pages.get((body, None))
                note = None if url else localise(_CONTACT, lang).format(name=body)
                return {"name": body, "url": url, "page_known": url is not None, "note": note}
        name = localise(_OFFICE_SERVING, lang).format(name=municipality.name)
        note = localise(_OFFICE_UNKNOWN, lang).format(name=municipality.name)
        return {"name": name, "url": None, "page_known": False, "note": note}

    def problems(self, service_ids: Mapping[str, Any], directory: MunicipalityDirectory) -> List[Tuple[str, str]]:
        """(where, message) for every reference that does not resolve: unknown
        service ids or municipalities, a general service that is not `any`, and
        municipalities reaching no public health unit or more than one."""
        found: List[Tuple[str, str]] = []
        for sid, spec in self.general.items():
            if sid not in service_ids:
                found.append((f"general_services.{sid}", f"unknown service '{sid}'"))
            elif getattr(service_ids[sid], "municipalities", "any") != "any":
                found.append((f"general_services.{sid}", "a general service must have `municipalities: any`"))
            if spec.delivered_by not in DELIVERERS:
                found.append((f"general_services.{sid}.delivered_by", f"must be one of {', '.join(DELIVERERS)}"))
            for target in spec.overridden_by:
                if target not in service_ids:
                    found.append((f"general_services.{sid}.overridden_by", f"unknown service '{target}'"))
        for unit in self.health_units:
            for name in unit.regions:
                if name not in directory:
                    found.append((f"public_health_units.{unit.id}.regions", f"unknown municipality '{name}'"))
        for name in self.service_managers:
            if name not in directory:
                found.append(("service_managers", f"unknown municipality '{name}'"))
        for municipality, _service in self.pages:
            if municipality not in directory:
                found.append(("pages", f"unknown municipality '{municipality}'"))
        for municipality in directory.by_name.values():
            region = municipality.region if municipality.tier == "lower-tier" else municipality.name
            units = {u.id for u in self.health_units if region in u.regions}
            if not units:
                units = {u.id for u in self.health_units if municipality.area and municipality.area in u.areas}
            if len(units) != 1:
                found.append(
                    ("public_health_units", f"'{municipality.name}' reaches {len(units)} public health units, not 1")
                )
        return found


def read_local_delivery(path: Path) -> LocalDelivery:
    """Parse one local_delivery.yml; a missing file means no general services."""
    if not path.exists():
        return LocalDelivery()
    try:
        return LocalDelivery.from_data(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{path}: not a valid local delivery file ({error})") from None


@lru_cache(maxsize=4)
def load_local_delivery(seed_dir: Path = SEED_DIR) -> LocalDelivery:
    return read_local_delivery(seed_dir / FILE_NAME)
