"""The published catalogue as JSON-LD in the CPSV-AP 3.2 vocabulary, so other
governments' catalogues can read ours.

Public services are cpsv:PublicService, grouped by cv:LifeEvent
(cv:isGroupedBy), with their competent authority (cv:hasCompetentAuthority,
a cv:PublicOrganisation), channels (cv:hasChannel), evidence to bring
(cpsv:hasInput, cv:Evidence), cost (cv:hasCost), who it is for
(cv:holdsRequirement, a cv:Requirement) and the services that must come
first (dct:requires). What CPSV-AP has no term for (our structured
condition, deadline text, "covers") uses the `ow:` namespace. Identifiers
are URNs (urn:onewindow:service:<id>) so no host name is baked in."""

from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import quote

from onewindow_catalogue.seed_format import Catalogue, Channel, Service
from onewindow_catalogue.text import LocalText

CONTEXT = {
    "@version": 1.1,
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "ow": "urn:onewindow:vocab:",
}
BASE = "urn:onewindow:"
CHANNEL_LABELS = {
    "online": "Online",
    "phone": "Telephone",
    "in_person": "In person",
    "mail": "Mail",
    "funeral_director": "Through the funeral director",
    "hospital": "At the hospital",
}


def iri(kind: str, identifier: str, *parts: int) -> str:
    """urn:onewindow:<kind>:<id>[:<n>...]; names with spaces are percent-encoded."""
    return ":".join([f"{BASE}{kind}", quote(identifier, safe="-_."), *map(str, parts)])


def lang_strings(text: Optional[LocalText]) -> List[Dict[str, str]]:
    return [{"@language": lang, "@value": value} for lang, value in (text or {}).items() if value]


def to_jsonld(catalogue: Catalogue) -> Dict[str, Any]:
    graph: List[Dict[str, Any]] = []
    grouped: Dict[str, List[str]] = {event.id: [] for event in catalogue.life_events}
    for service in catalogue.services:
        for event in service.life_events:
            grouped.setdefault(event, []).append(service.id)
    for organisation in catalogue.organisations:
        node: Dict[str, Any] = {
            "@id": iri("organisation", organisation.id),
            "@type": "cv:PublicOrganisation",
            "dct:identifier": organisation.id,
            "skos:prefLabel": lang_strings(organisation.name),
            "ow:levelOfGovernment": organisation.level,
        }
        if organisation.municipality:
            node["dct:spatial"] = _location(organisation.municipality)
        if organisation.url:
            node["foaf:homepage"] = {"@id": organisation.url}
        if organisation.phone:
            node["cv:contactPoint"] = {"@type": "cv:ContactPoint", "cv:telephone": organisation.phone}
        graph.append(node)
    for event in catalogue.life_events:
        graph.append(
            {
                "@id": iri("life-event", event.id),
                "@type": "cv:LifeEvent",
                "dct:identifier": event.id,
                "dct:title": lang_strings(event.title),
                "dct:description": lang_strings(event.description),
                "cv:hasRelatedService": [{"@id": iri("service", sid)} for sid in grouped.get(event.id, [])],
            }
        )
    graph += [_service(service) for service in catalogue.services]
    return {"@context": CONTEXT, "@graph": graph}


def _location(name: str) -> Dict[str, Any]:
    return {"@id": iri("municipality", name), "@type": "dct:Location", "skos:prefLabel": name}


def _service(service: Service) -> Dict[str, Any]:
    sid = service.id
    node: Dict[str, Any] = {
        "@id": iri("service", sid),
        "@type": "cpsv:PublicService",
        "dct:identifier": sid,
        "dct:title": lang_strings(service.name),
        "dct:description": lang_strings(service.summary),
        "cv:hasCompetentAuthority": {"@id": iri("organisation", service.organisation)},
        "cv:isGroupedBy": [{"@id": iri("life-event", event)} for event in service.life_events],
        "ow:levelOfGovernment": service.level,
        "cv:hasChannel": [
            _channel(sid, index, channel, service.organisation) for index, channel in enumerate(service.channels)
        ],
        "cv:holdsRequirement": [
            {
                "@id": iri("requirement", sid),
                "@type": "cv:Requirement",
                "dct:description": lang_strings(service.applies_when.text),
            }
        ],
    }
    if service.applies_when.condition is not None:
        node["cv:holdsRequirement"][0]["ow:condition"] = {"@type": "@json", "@value": service.applies_when.condition}
    if service.requires:
        node["dct:requires"] = [{"@id": iri("service", target)} for target in service.requires]
    if service.covers:
        node["ow:covers"] = [{"@id": iri("service", target)} for target in service.covers]
        node["cv:relatedService"] = [{"@id": iri("service", target)} for target in service.covers]
    if service.documents:
        node["cpsv:hasInput"] = [
            {"@id": iri("evidence", sid, index + 1), "@type": "cv:Evidence", "dct:title": lang_strings(doc)}
            for index, doc in enumerate(service.documents)
        ]
    if service.fee is not None:
        node["cv:hasCost"] = [
            {"@id": iri("cost", sid), "@type": "cv:Cost", "dct:description": lang_strings(service.fee.text)}
        ]
    if service.processing_time:
        node["ow:processingTime"] = lang_strings(service.processing_time)
    if service.deadline is not None:
        node["ow:deadline"] = lang_strings(service.deadline.text)
    if service.url:
        node["cv:contactPoint"] = [{"@type": "cv:ContactPoint", "cv:contactPage": {"@id": service.url}}]
    if isinstance(service.municipalities, list):
        node["dct:spatial"] = [_location(name) for name in service.municipalities]
    elif service.municipalities == "any":
        node["ow:anyMunicipality"] = True
    if service.last_checked:
        node["ow:lastChecked"] = {"@type": "xsd:date", "@value": service.last_checked.isoformat()}
    if service.uncertain:
        node["ow:uncertain"] = True
    return node


def _channel(sid: str, index: int, channel: Channel, organisation: str) -> Dict[str, Any]:
    node: Dict[str, Any] = {
        "@id": iri("channel", sid, index + 1),
        "@type": "cv:Channel",
        "dct:type": {"@id": iri("channel-type", channel.type), "skos:prefLabel": CHANNEL_LABELS[channel.type]},
        "cv:ownedBy": {"@id": iri("organisation", organisation)},
    }
    if channel.note:
        node["dct:description"] = lang_strings(channel.note)
    if channel.url or channel.phone:
        contact: Dict[str, Any] = {"@type": "cv:ContactPoint"}
        if channel.url:
            contact["cv:contactPage"] = {"@id": channel.url}
        if channel.phone:
            contact["cv:telephone"] = channel.phone
        node["cv:contactPoint"] = contact
    return node
