"""One message in, one triage result out: life events with confidence, the
intent, the facts found, the bundle, the handoff decision and urgency.

The same rules as the chat decide handoff and urgency (bot.handoff, bot.safety),
and the same engine builds the bundle, so chat and console never disagree."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from bot.handoff.rules import decide
from bot.privacy import redact
from bot.safety import detect
from bot.web.i18n import t
from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.text import DEFAULT_LANGUAGE

EVENT_THRESHOLD = 0.35
UNPLACED_INTENTS = {"other_service", "out_of_scope", "nlu_fallback"}
MAX_TEXT = 2000
SPLIT = "+"


class TriageInputError(ValueError):
    """Text triage cannot take. `key` names its text in bot/web/i18n/triage.*.yml, so the API and the
    console say it in the person's language (`text`); a message given without one stays as it is."""

    def __init__(self, message: str, key: Optional[str] = None, **values: Any) -> None:
        super().__init__(message)
        self.key = key
        self.values = values

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values) if self.key else str(self)


def _refused(key: str, **values: Any) -> TriageInputError:
    return TriageInputError(t(key, DEFAULT_LANGUAGE, **values), key, **values)


def clean_text(text: Any) -> str:
    """Redacted, trimmed text, or TriageInputError saying what is wrong."""
    if not isinstance(text, str):
        raise _refused("triage.errors.not_text")
    text = text.strip()
    if not text:
        raise _refused("triage.errors.empty")
    if len(text) > MAX_TEXT:
        raise _refused("triage.errors.too_long", limit=MAX_TEXT)
    return redact(text).text


def life_events(parse: Mapping[str, Any], known: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The life events of a parse, with their confidence. The model's
    LifeEventRecogniser decides them (DIET checked and completed by cues) and
    puts them in the parse as `life_events`; for a parse without it (an older
    model), each event's confidence is the sum over the intents containing it
    and the events are those of the best-ranked intent made only of events."""
    if isinstance(parse.get("life_events"), list):  # decided by the LifeEventRecogniser component
        found = {e.get("id"): e for e in parse["life_events"] if isinstance(e, dict)}
        return [
            {"id": event, "confidence": round(float(found[event].get("confidence") or 0.0), 4)}
            for event in known
            if event in found
        ]
    ranking = parse.get("intent_ranking") or ([parse["intent"]] if parse.get("intent") else [])
    scores: Dict[str, float] = {}
    chosen: List[str] = []
    for entry in ranking:
        parts = str(entry.get("name") or "").split(SPLIT)
        if not parts or not all(part in known for part in parts):
            continue
        confidence = float(entry.get("confidence") or 0.0)
        for part in parts:
            scores[part] = min(1.0, scores.get(part, 0.0) + confidence)
        if not chosen and confidence >= EVENT_THRESHOLD:
            chosen = parts
    return [{"id": event, "confidence": round(scores[event], 4)} for event in known if event in chosen]


def facts_from_entities(snapshot: CatalogueSnapshot, entities: List[Mapping[str, Any]]) -> Dict[str, Any]:
    """Typed facts from entities named after facts; a value that does not parse is left out."""
    facts: Dict[str, Any] = {}
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        if name in snapshot.facts and value is not None:
            try:
                facts.update(parse_facts(snapshot, {name: value}))
            except BundleRequestError:
                continue
    return facts


def triage(
    text: str,
    parse: Mapping[str, Any],
    snapshot: CatalogueSnapshot,
    lang: str = "en",
    extra_facts: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """The triage result for already-redacted `text` and Rasa's `parse` of it."""
    events = life_events(parse, snapshot.life_events)
    event_ids = [e["id"] for e in events]
    entities = [
        {key: entity.get(key) for key in ("entity", "value", "start", "end")} for entity in parse.get("entities") or []
    ]
    facts = facts_from_entities(snapshot, entities)
    if extra_facts:
        facts.update(parse_facts(snapshot, dict(extra_facts)))
    intent = parse.get("intent") or {}
    safety = detect(text)
    urgent = safety is not None or intent.get("name") == "crisis"
    handoff = decide(intent.get("name"), text, entities, event_ids, signals=parse.get("handoff_signals"))
    bundle = build_bundle(snapshot, event_ids, facts, lang=lang) if event_ids else {"services": [], "questions": []}
    return {
        "text": text,
        "life_events": events,
        "intent": {"name": intent.get("name"), "confidence": round(float(intent.get("confidence") or 0.0), 4)},
        "entities": entities,
        "facts": bundle.get("facts", {}),
        "bundle": {"services": bundle["services"], "questions": bundle["questions"]},
        "handoff": {
            "needed": bool(handoff.needed or urgent),
            "reason": "urgent" if urgent else handoff.reason,
            "queue": "priority" if urgent else handoff.queue,
        },
        "urgent": urgent,
        "safety": {"kind": safety.kind} if safety else None,
        "unmatched": not event_ids and not urgent and intent.get("name") in UNPLACED_INTENTS,
    }
