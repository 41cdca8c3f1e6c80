"""Catalogue HTTP API: services, life events, facts and bundles."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.seed_format import LEVELS
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.text import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, localise, request_language

router = APIRouter(prefix="/api", tags=["catalogue"])
RESERVED_PARAMS = {"events", "lang"}
MAX_FACTS = 50
MAX_VALUE_LENGTH = 200
LANG_PATTERN = "^(" + "|".join(SUPPORTED_LANGUAGES) + ")$"


def get_snapshot(
    request: Request, db_session: Session = Depends(get_db_session, scope="function")
) -> CatalogueSnapshot:
    """The published catalogue, reloaded when another process changed it."""
    return request.app.state.snapshots.get(db_session)


def unprocessable(field: str, message: str, location: str = "query") -> HTTPException:
    return HTTPException(status_code=422, detail=[{"loc": [location, field], "msg": message, "type": "value_error"}])


def _asked_language(request: Request) -> str:
    """A refusal's language: `?lang=` when given, else Accept-Language (a listing's `lang` defaults to English
    for its content, which a refusal need not follow)."""
    return request_language(request.headers.get("accept-language"), request.query_params.get("lang"))


def told(request: Request, message: str, lang: str) -> str:
    """`message` (this package speaks English) in `lang`, when the app serving this router knows how to say
    it: OneWindow's web app sets `app.state.catalogue_said` (bot/catalogue_admin/said.py: English templates
    beside their French). Elsewhere, or for a message no template knows, it stays English."""
    tell = getattr(request.app.state, "catalogue_said", None)
    return str(tell(message, lang)) if tell is not None and lang != DEFAULT_LANGUAGE else message


@router.get("/life-events", summary="The life events the catalogue knows")
def list_life_events(lang: str = Query("en", regex=LANG_PATTERN), snapshot: CatalogueSnapshot = Depends(get_snapshot)):
    return [
        {"id": e.id, "title": localise(e.title, lang), "description": localise(e.description, lang)}
        for e in snapshot.life_events.values()
    ]


@router.get("/facts", summary="The facts bundles may depend on, and their questions")
def list_facts(lang: str = Query("en", regex=LANG_PATTERN), snapshot: CatalogueSnapshot = Depends(get_snapshot)):
    return [
        {"id": f.id, "type": f.type, "question": localise(f.question, lang), "options": f.options(lang)}
        for f in snapshot.facts.values()
    ]


@router.get("/services", summary="Search the published services")
def list_services(
    request: Request,
    event: str | None = Query(None, max_length=64),
    level: str | None = Query(None, max_length=16),
    organisation: str | None = Query(None, max_length=128),
    q: str | None = Query(None, max_length=200, description="words to find in name or summary"),
    lang: str = Query("en", regex=LANG_PATTERN),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
) -> List[Dict[str, Any]]:
    if event is not None and event not in snapshot.life_events:
        message = f"unknown life event; known: {', '.join(snapshot.life_events)}"
        raise unprocessable("event", told(request, message, _asked_language(request)))
    if level is not None and level not in LEVELS:
        raise unprocessable("level", told(request, f"must be one of {', '.join(LEVELS)}", _asked_language(request)))
    words = (q or "").lower().split()
    results = []
    for prepared in snapshot.services.values():
        service = prepared.service
        if event and event not in prepared.events:
            continue
        if level and service.level != level:
            continue
        if organisation and service.organisation != organisation:
            continue
        name, summary = localise(service.name, lang) or "", localise(service.summary, lang) or ""
        haystack = f"{name} {summary} {service.id}".lower()
        if words and not all(word in haystack for word in words):
            continue
        results.append(_summary(service, snapshot, lang))
    return results


@router.get("/services/{service_id}", summary="One published service")
def get_service(
    request: Request,
    service_id: str,
    lang: str = Query("en", regex=LANG_PATTERN),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
) -> Dict[str, Any]:
    prepared = snapshot.services.get(service_id)
    if prepared is None:
        message = f"No service with id {service_id[:128]!r}."
        raise HTTPException(status_code=404, detail=told(request, message, _asked_language(request)))
    service = prepared.service
    data = service.dict(exclude_none=True)
    data.update(_summary(service, snapshot, lang))
    return data


@router.get("/bundles", summary="The bundle for life events and facts")
def get_bundle(
    request: Request,
    events: List[str] = Query(..., description="life event ids, repeated or comma-separated"),
    lang: Optional[str] = Query(None, regex=LANG_PATTERN, description="en or fr; default: Accept-Language, else en"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
) -> Dict[str, Any]:
    lang = request_language(request.headers.get("accept-language"), lang)
    event_ids = [part.strip() for value in events for part in value.split(",") if part.strip()]
    if not event_ids:
        raise unprocessable("events", told(request, "give at least one life event", lang))
    raw_facts = {key: value for key, value in request.query_params.items() if key not in RESERVED_PARAMS}
    if len(raw_facts) > MAX_FACTS:
        raise unprocessable("facts", told(request, f"too many facts (at most {MAX_FACTS})", lang))
    for key, value in raw_facts.items():
        if len(key) > 64 or len(value) > MAX_VALUE_LENGTH:
            message = f"fact names are at most 64 and values at most {MAX_VALUE_LENGTH} characters"
            raise unprocessable(key[:64], told(request, message, lang))
    try:
        facts = parse_facts(snapshot, raw_facts)
        return build_bundle(snapshot, event_ids, facts, lang=lang)
    except BundleRequestError as error:
        raise unprocessable(error.field[:64], told(request, error.message, lang)) from None


def _summary(service, snapshot: CatalogueSnapshot, lang: str) -> Dict[str, Any]:  # type: ignore[no-untyped-def]
    organisation = snapshot.organisations.get(service.organisation)
    return {
        "id": service.id,
        "name": localise(service.name, lang),
        "summary": localise(service.summary, lang),
        "level": service.level,
        "organisation": {
            "id": service.organisation,
            "name": localise(organisation.name, lang) if organisation else None,
        },
        "life_events": service.life_events,
        "url": service.url,
    }
