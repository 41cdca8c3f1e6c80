"""Rasa's tracker store as configured (bot/privacy/tracker_store.py): a real
tracker with a user message, its parse data, an entity and a slot is saved to
a real SQLite file, and nothing raw may be in the rows Rasa wrote. Only the
slow end-to-end tier talked to this store before; this is the fast check."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

PHONE = "416 555 0123"
EMAIL = "maria.lopez@example.com"
SAID = f"my husband died, call me at {PHONE} or write to {EMAIL}"


@pytest.fixture()
def saved_rows(tmp_path):
    """The event rows Rasa's SQL store wrote for one conversation, as JSON."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.privacy.tracker_store import RedactingSQLTrackerStore

    domain = Domain.from_dict({"intents": ["inform"], "slots": {"contact": {"type": "text", "mappings": []}}})
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(database))
    tracker = DialogueStateTracker("conversation-1", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(
        UserUttered(
            SAID,
            intent={"name": "inform", "confidence": 0.9},
            entities=[{"entity": "phone", "value": PHONE, "start": 27, "end": 39}],
            parse_data={
                "text": SAID,
                "intent": {"name": "inform", "confidence": 0.9},
                "entities": [{"entity": "phone", "value": PHONE, "start": 27, "end": 39}],
            },
            metadata={"said": SAID},
        )
    )
    tracker.update(SlotSet("contact", EMAIL))
    asyncio.run(store.save(tracker))
    store.engine.dispose()
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT type_name, data FROM events ORDER BY id").fetchall()
    return [(type_name, json.loads(data)) for type_name, data in rows]


def test_nothing_raw_reaches_the_tracker_database(saved_rows):
    written = json.dumps([data for _, data in saved_rows])
    assert "user" in [type_name for type_name, _ in saved_rows]  # the message was stored, redacted
    assert "0123" not in written and "maria.lopez" not in written


def test_each_free_text_field_is_redacted(saved_rows):
    user = next(data for type_name, data in saved_rows if type_name == "user")
    assert "0123" not in user["text"] and "[PHONE]" in user["text"]
    assert "0123" not in user["parse_data"]["text"] and "[PHONE]" in user["parse_data"]["text"]
    assert "example.com" not in user["parse_data"]["text"]
    assert all("0123" not in str(entity["value"]) for entity in user["parse_data"]["entities"])
    assert "0123" not in json.dumps(user["metadata"])
    slot = next(data for type_name, data in saved_rows if type_name == "slot")
    assert slot["name"] == "contact" and "maria.lopez" not in str(slot["value"])


def test_what_is_not_personal_is_kept(saved_rows):
    """Redaction keeps the words, the intent and the entity's name: the store stays useful."""
    user = next(data for type_name, data in saved_rows if type_name == "user")
    assert user["text"].startswith("my husband died, call me at ")
    assert user["parse_data"]["intent"]["name"] == "inform"
    assert user["parse_data"]["entities"][0]["entity"] == "phone"
