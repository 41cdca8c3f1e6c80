"""Rasa's SQL tracker store, redacting every event before it is saved.

The router already redacts what it forwards; this is defence in depth, so
that `rasa shell`, a direct call to Rasa's REST channel or a slot filled from
free text stores nothing raw either. Configured in endpoints.yml."""

from __future__ import annotations

from typing import Any, Iterator

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event

from bot.privacy.redact import redact_text

TEXT_KEYS = {"text", "value", "metadata"}


def redact_values(value: Any) -> Any:
    """Every string inside `value`, redacted; other values unchanged."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: redact_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_values(item) for item in value]
    return value


def redact_event(event: Event) -> Event:
    """A copy of the event whose free text (message, slot values, entity
    values, metadata) is redacted; names and numbers are left alone."""
    data = event.as_dict()
    for key in TEXT_KEYS & set(data):
        data[key] = redact_values(data[key])
    parse_data = data.get("parse_data")
    if isinstance(parse_data, dict):
        for key in TEXT_KEYS & set(parse_data):  # the message again, and the channel's metadata
            parse_data[key] = redact_values(parse_data[key])
        for entity in parse_data.get("entities") or []:
            if isinstance(entity, dict) and "value" in entity:
                entity["value"] = redact_values(entity["value"])
    return Event.from_parameters(data) or event


class RedactingSQLTrackerStore(SQLTrackerStore):
    def _additional_events(self, session: Any, tracker: Any) -> Iterator[Event]:
        for event in super()._additional_events(session, tracker):
            yield redact_event(event)
