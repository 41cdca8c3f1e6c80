"""The assistant in both languages: every text it can say exists in French with the
same placeholders, the conversation's language reaches every action and response,
and catalogue text missing in French is marked, never shown as if it were French."""

from __future__ import annotations

import asyncio
import string
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions as A
from bot.assistant import catalogue_access
from bot.assistant.messages import catalogue as assistant_messages
from bot.assistant.summary import bundle_text
from bot.assistant.text_language import mark_text_languages, service_text_lang
from bot.conversations.messages import _catalogue as router_messages
from onewindow_catalogue.bundle import build_bundle
from onewindow_catalogue.snapshot import CatalogueSnapshot

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def _placeholders(text: str) -> set:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _entries(node, path=""):
    """(path, {lang: text}) for every message of a nested messages.yml."""
    if isinstance(node, dict) and "en" in node and isinstance(node["en"], str):
        yield path, node
        return
    for key, value in (node or {}).items():
        yield from _entries(value, f"{path}.{key}" if path else key)


@pytest.mark.parametrize("name,messages", [("assistant", assistant_messages), ("router", router_messages)])
def test_every_message_is_in_french_with_the_same_placeholders(name, messages):
    entries = list(_entries(messages()))
    assert len(entries) > 10
    for path, texts in entries:
        assert texts.get("fr"), f"{name} {path}: no French"
        assert _placeholders(texts["fr"]) == _placeholders(texts["en"]), f"{name} {path}: placeholders differ"


def test_every_response_has_a_french_variation_with_the_same_buttons():
    for name, variations in DOMAIN["responses"].items():
        french = [
            v for v in variations if {"type": "slot", "name": "lang", "value": "fr"} in (v.get("condition") or [])
        ]
        default = [v for v in variations if not v.get("condition")]
        assert french and default, f"{name}: needs a French variation and an English default"
        assert [b["payload"] for b in french[0].get("buttons", [])] == [
            b["payload"] for b in default[0].get("buttons", [])
        ], name
        assert french[0]["text"] != default[0]["text"], name


def test_the_language_slot_is_set_by_an_action_before_each_turn():
    mapping = DOMAIN["slots"]["lang"]["mappings"]
    assert {"type": "custom", "action": "action_set_language"} in mapping
    assert "action_set_language" in DOMAIN["actions"]


@pytest.fixture()
def seeded(seed_snapshot):
    catalogue_access.set_provider(lambda: seed_snapshot)
    yield seed_snapshot
    catalogue_access.set_provider(None)


def tracker(intent="inform", text="", slots=None, metadata=None):
    return Tracker(
        sender_id="conv-fr",
        slots={"lang": "en", "question_limit": 6.0, **(slots or {})},
        latest_message={
            "intent": {"name": intent, "confidence": 0.9},
            "text": text,
            "entities": [],
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def run(action, t):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, t, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return dispatcher.messages, {e["name"]: e["value"] for e in result if e.get("event") == "slot"}


def test_set_language_takes_the_metadata_and_keeps_an_unchanged_slot(seeded):
    assert run(A.ActionSetLanguage(), tracker(metadata={"lang": "fr"}))[1] == {"lang": "fr"}
    assert run(A.ActionSetLanguage(), tracker(slots={"lang": "fr"}, metadata={"lang": "fr"}))[1] == {}
    assert run(A.ActionSetLanguage(), tracker(slots={"lang": "fr"}, metadata={"lang": "en"}))[1] == {"lang": "en"}
    assert run(A.ActionSetLanguage(), tracker(metadata={"lang": "de"}))[1] == {}  # unknown: English, as before


def test_a_french_conversation_gets_french_questions_buttons_and_checklist(seeded):
    messages, slots = run(
        A.ActionRecogniseEvents(), tracker("birth", "on vient d'avoir un bébé", metadata={"lang": "fr"})
    )
    assert slots["lang"] == "fr"
    assert "Félicitations" in messages[0]["text"]
    messages, slots = run(A.ActionAskAnswer(), tracker(slots={"life_events": ["birth"], "lang": "fr"}))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Je ne sais pas" in titles and "I don't know" not in titles
    assert messages[0]["text"].startswith(seeded.questions("fr")[slots["pending_fact"]]["text"])
    messages, _ = run(A.ActionShowBundle(), tracker(slots={"life_events": ["birth"], "lang": "fr"}))
    assert messages[0]["text"].startswith("Voici votre liste")
    assert "Gouvernement de l'Ontario" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]][-1] == "Parler à une personne"
    bundle = messages[1]["custom"]["bundle"]
    assert bundle["lang"] == "fr" and all(s["text_lang"] == "fr" for s in bundle["services"])


@pytest.fixture()
def snapshot_missing_french(seed_catalogue, seed_snapshot):
    """The seed with one service of a birth checklist whose name and summary have no French yet."""
    shown = build_bundle(seed_snapshot, ["birth"], {}, lang="fr")["services"]
    missing = shown[len(shown) // 2]["id"]
    catalogue = seed_catalogue.copy(deep=True)
    service = next(s for s in catalogue.services if s.id == missing)
    service.name = {"en": service.name["en"]}
    service.summary = {"en": service.summary["en"]}
    return CatalogueSnapshot.build(catalogue, revision=1), missing


def test_catalogue_text_missing_in_french_is_marked_not_hidden(snapshot_missing_french):
    snapshot, missing = snapshot_missing_french
    assert service_text_lang(snapshot, missing, "fr") == "en"
    assert service_text_lang(snapshot, missing, "en") == "en"
    bundle = mark_text_languages(build_bundle(snapshot, ["birth"], {}, lang="fr"), snapshot, "fr")
    marked = {s["id"]: s["text_lang"] for s in bundle["services"]}
    assert marked[missing] == "en" and [v for v in marked.values() if v == "en"] == ["en"]
    text = bundle_text(bundle, "fr")
    name = snapshot.services[missing].service.name["en"]
    assert any(name in line and "(disponible en anglais seulement)" in line for line in text.splitlines())
    assert text.count("(disponible en anglais seulement)") == 1
    english = mark_text_languages(build_bundle(snapshot, ["birth"], {}, lang="en"), snapshot, "en")
    assert "(available in English only)" not in bundle_text(english, "en")


def test_a_phone_only_service_says_by_phone_instead_of_a_number_the_router_would_redact():
    service = {"id": "x", "name": "Bébés en santé", "level": "municipal", "text_lang": "fr"}
    service["channels"] = [{"type": "phone", "phone": "613-580-6744"}]
    text = bundle_text({"events": [{"id": "birth", "title": "Naissance"}], "services": [service]}, "fr")
    assert "Comment : par téléphone" in text and "613" not in text


@pytest.mark.parametrize("lang,start", [("fr", "Je peux vous mettre en contact"), ("en", "I can connect you")])
def test_rasa_picks_the_response_variation_of_the_lang_slot(lang, start):
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_events("c", [SlotSet("lang", lang)], slots=domain.slots)
    reply = asyncio.run(
        TemplatedNaturalLanguageGenerator(domain.responses).generate("utter_ask_handoff_consent", tracker, "rest")
    )
    assert reply["text"].startswith(start)
