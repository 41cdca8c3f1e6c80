"""Conversation state and what to do next: events, facts, the next question.

The assistant keeps its state in Rasa slots as plain JSON:
- life_events: ["bereavement", "new_business"]
- facts: {"municipality": "City of Toronto", "has_employees": true, "has_will": null}
  (null: asked, the person does not know; not asked again)
- asked_facts: facts asked so far (the question cap counts these)
- question_limit: how many questions to ask before showing the bundle

Everything here is plain Python over a CatalogueSnapshot, so the actions stay thin.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.assistant.messages import has, say
from bot.assistant.text_language import mark_text_languages
from onewindow_catalogue.bundle import BundleRequestError, answer_label, build_bundle, parse_facts
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.suggestions import suggestions

QUESTION_LIMIT = 6  # questions before the first bundle; more only if the person wants
MORE_QUESTIONS = 6  # how many more each time the person asks for more
MAX_SKIPS = 3  # skips in one round of questions before showing the bundle anyway
MAX_RETRIES = 2  # answers not understood before a question is left unanswered
MUNICIPALITY = "municipality"
EVENT_SEPARATOR = "+"


@dataclass
class State:
    events: List[str] = field(default_factory=list)
    facts: Dict[str, Any] = field(default_factory=dict)
    asked: List[str] = field(default_factory=list)
    question_limit: int = QUESTION_LIMIT
    lang: str = "en"

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> State:
        limit = slots.get("question_limit")
        return cls(
            events=[e for e in (slots.get("life_events") or []) if isinstance(e, str)],
            facts=dict(slots.get("facts") or {}),
            asked=[f for f in (slots.get("asked_facts") or []) if isinstance(f, str)],
            question_limit=int(limit) if isinstance(limit, (int, float)) and limit > 0 else QUESTION_LIMIT,
            lang=slots.get("lang") or "en",
        )


def to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# -- events ---------------------------------------------------------------------------------------


def events_in_intent(intent_name: Optional[str], known: Iterable[str]) -> List[str]:
    """Life events named by an intent ("bereavement+new_business" -> both)."""
    known = list(known)
    if not intent_name:
        return []
    return [part for part in intent_name.split(EVENT_SEPARATOR) if part in known]


def add_events(state: State, events: Sequence[str]) -> List[str]:
    added = [e for e in events if e not in state.events]
    state.events.extend(added)
    return added


def describe_events(events: Sequence[str], lang: str = "en", context: Sequence[str] = ()) -> str:
    """ "what needs doing after a death, and taking over or starting a business"."""
    together = EVENT_SEPARATOR.join(sorted(set(context) | set(events)))
    phrases = []
    for event in events:
        override = f"event_phrase_overrides.{together}.{event}"
        key = override if has(override) else f"event_phrases.{event}"
        phrases.append(say(key, lang) if has(key) else event.replace("_", " "))
    return join_words(phrases, lang, last=say("and_with", lang))


def join_words(items: Sequence[str], lang: str = "en", last: Optional[str] = None) -> str:
    """ "a and b", "a, b and c" (or with another last connector, e.g. "and with")."""
    items = [i for i in items if i]
    connector = last if last is not None else f" {say('and', lang)} "
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])}{connector}{items[-1]}"


# -- facts ----------------------------------------------------------------------------------------


def relevant(snapshot: CatalogueSnapshot, fact_id: str, events: Sequence[str]) -> bool:
    """A fact matters for these events (every fact matters while no event is known)."""
    fact = snapshot.facts.get(fact_id)
    if fact is None:
        return False
    if not events or fact_id == MUNICIPALITY:
        return True
    return bool(set(fact.life_events) & set(events))


def parse_value(snapshot: CatalogueSnapshot, fact_id: str, raw: Any) -> Any:
    """A JSON value for the facts slot; raises ValueError if it isn't valid."""
    fact = snapshot.facts.get(fact_id)
    if fact is None:
        raise ValueError(f"unknown fact {fact_id!r}")
    if raw is None:
        return None
    if fact.type == "municipality":
        found = snapshot.municipalities.find(str(raw))
        if found is None:
            raise ValueError(f"unknown Ontario municipality {str(raw)[:60]!r}")
        return found.name
    return to_json(fact.parse(raw))


def merge_entities(
    snapshot: CatalogueSnapshot, state: State, entities: Iterable[Mapping[str, Any]]
) -> List[Tuple[str, Any]]:
    """Store recognised facts (entity name = fact id); later mentions correct
    earlier answers. Returns the (fact, value) pairs that changed."""
    changed: List[Tuple[str, Any]] = []
    for entity in entities or []:
        name, raw = entity.get("entity"), entity.get("value")
        if not name or name not in snapshot.facts or raw is None:
            continue
        if not relevant(snapshot, name, state.events):
            continue
        try:
            value = parse_value(snapshot, name, raw)
        except ValueError:
            continue
        if state.facts.get(name, object()) != value:
            state.facts[name] = value
            changed.append((name, value))
    return changed


def recall_facts(
    snapshot: CatalogueSnapshot, state: State, earlier: Iterable[Iterable[Mapping[str, Any]]]
) -> List[Tuple[str, Any]]:
    """Say it once: every fact the person stated in an earlier message settles
    its question, even if it was said before the life event it belongs to was
    known (and so pruned or skipped then). Only facts not known yet are filled,
    oldest message first, so an answer or a correction given later always wins."""
    recalled: List[Tuple[str, Any]] = []
    for entities in earlier:
        for entity in entities or []:
            name, raw = entity.get("entity"), entity.get("value")
            if not name or name in state.facts or name not in snapshot.facts or raw is None:
                continue
            if not relevant(snapshot, name, state.events):
                continue
            try:
                state.facts[name] = parse_value(snapshot, name, raw)
            except ValueError:
                continue
            recalled.append((name, state.facts[name]))
    return recalled


def said_facts(snapshot: CatalogueSnapshot, messages: Iterable[Iterable[Mapping[str, Any]]]) -> Dict[str, Any]:
    """Every fact the person stated, whatever life event it belongs to (later
    mentions win), typed for conditions. Used to suggest a second life event."""
    said: Dict[str, Any] = {}
    for entities in messages:
        for entity in entities or []:
            name, raw = entity.get("entity"), entity.get("value")
            if not name or name not in snapshot.facts or raw is None:
                continue
            try:
                said.update(parse_facts(snapshot, {name: parse_value(snapshot, name, raw)}))
            except (ValueError, BundleRequestError):
                continue
    return said


def new_suggestions(
    snapshot: CatalogueSnapshot,
    state: State,
    earlier: Sequence[Iterable[Mapping[str, Any]]],
    latest: Iterable[Mapping[str, Any]],
) -> List[Dict[str, Any]]:
    """May we recommend: second life events the latest message made likely
    (and that no earlier message already did, so each is offered once), each
    with its reason and a button that adds it only if the person says yes."""
    before = suggestions(snapshot, state.events, said_facts(snapshot, earlier), state.lang)
    now = suggestions(snapshot, state.events, said_facts(snapshot, [*earlier, latest]), state.lang)
    offered = {s["event"] for s in before}
    fresh = [s for s in now if s["event"] not in offered]
    for suggestion in fresh:
        suggestion["button"] = {
            "title": say("suggestion_add", state.lang, title=suggestion["title"]),
            "payload": f"/{suggestion['event']}",
        }
    return fresh


def prune_facts(snapshot: CatalogueSnapshot, state: State) -> None:
    """Forget facts that do not matter for the events now known."""
    state.facts = {k: v for k, v in state.facts.items() if relevant(snapshot, k, state.events)}


def typed_facts(snapshot: CatalogueSnapshot, facts: Mapping[str, Any]) -> Dict[str, Any]:
    """Typed facts for the bundle engine; a value that no longer parses (the
    catalogue changed) is dropped rather than breaking the conversation."""
    typed: Dict[str, Any] = {}
    for name, value in facts.items():
        if name not in snapshot.facts:
            continue
        try:
            typed.update(parse_facts(snapshot, {name: value}))
        except BundleRequestError:
            continue
    return typed


def fact_summary(snapshot: CatalogueSnapshot, changed: Sequence[Tuple[str, Any]], lang: str = "en") -> str:
    """ "place: City of Toronto; food: yes"."""
    parts = []
    for name, value in changed:
        fact = snapshot.facts.get(name)
        if fact is None or value is None:
            continue
        label = answer_label(snapshot, name, value, lang).split(" (")[0]
        if fact.type == "choice":
            label = label[:1].lower() + label[1:]
        key = f"fact_names.{name}"
        title = say(key, lang) if has(key) else name.replace("_", " ")
        parts.append(f"{title}: {label[:1].lower() + label[1:] if fact.type == 'boolean' else label}")
    return "; ".join(parts)


# -- bundle and questions -------------------------------------------------------------------------


def bundle_for(snapshot: CatalogueSnapshot, state: State, today: Optional[dt.date] = None) -> Dict[str, Any]:
    events = [e for e in state.events if e in snapshot.life_events]
    bundle = build_bundle(snapshot, events, typed_facts(snapshot, state.facts), lang=state.lang, today=today)
    for item in bundle.get("understood", []):
        # A correction is an `inform` with the fact as its entity (action_update_facts stores it).
        for option in item["options"]:
            option["payload"] = fact_payload(item["fact"], option["value"])
    return mark_text_languages(bundle, snapshot, state.lang)


def fact_payload(fact_id: str, value: str) -> str:
    """The button payload that states one fact: /inform{"has_will": "true"}."""
    return "/inform{" + json.dumps({fact_id: str(value)}, ensure_ascii=True)[1:-1] + "}"


def open_questions(
    snapshot: CatalogueSnapshot, state: State, bundle: Optional[Mapping[str, Any]] = None
) -> List[Dict[str, Any]]:
    """The engine's open questions, best first, minus facts already settled."""
    if not state.events:
        return []
    bundle = bundle or bundle_for(snapshot, state)
    return [q for q in bundle.get("questions", []) if q["fact"] not in state.facts]


def next_question(
    snapshot: CatalogueSnapshot,
    state: State,
    bundle: Optional[Mapping[str, Any]] = None,
    pending: Optional[str] = None,
) -> Optional[Dict[str, Any]]:
    """The question to ask now, or None when done (nothing open or the cap reached).

    The question just asked (`pending`, not understood yet) may be asked again at the cap."""
    questions = open_questions(snapshot, state, bundle)
    if not questions:
        return None
    first = questions[0]
    if len(state.asked) >= state.question_limit and not (pending and first["fact"] == pending):
        return None
    return first


def remaining_questions(snapshot: CatalogueSnapshot, state: State, bundle: Optional[Mapping[str, Any]] = None) -> int:
    return len(open_questions(snapshot, state, bundle))


def record_asked(state: State, fact_id: str) -> None:
    if fact_id not in state.asked:
        state.asked.append(fact_id)


def question_buttons(question: Mapping[str, Any], lang: str = "en") -> List[Dict[str, str]]:
    """Quick replies: the fact's options, then "I don't know", "Skip" and "Show my list now"."""
    buttons = [
        {"title": option["label"], "payload": _inform_payload(option["value"])}
        for option in question.get("options") or []
    ]
    buttons.append({"title": say("dont_know_button", lang), "payload": "/dont_know"})
    buttons.append({"title": say("skip_button", lang), "payload": '/dont_know{"answer": "skip"}'})
    buttons.append({"title": say("show_list_button", lang), "payload": "/show_bundle"})
    return buttons


def _inform_payload(value: str) -> str:
    return '/inform{"answer": "' + str(value).replace('"', "") + '"}'


def understood_message(
    snapshot: CatalogueSnapshot,
    state: State,
    new_events: Sequence[str],
    changed: Sequence[Tuple[str, Any]],
    first_time: bool,
) -> str:
    """Plain words for what was understood: condolences first after a death."""
    lang = state.lang
    parts: List[str] = []
    if "bereavement" in new_events:
        parts.append(say("condolence", lang))
    elif "birth" in new_events and "bereavement" not in state.events:
        parts.append(say("congratulations_birth", lang))
    if new_events:
        described = describe_events(new_events, lang, context=state.events)
        parts.append(say("understood" if first_time else "understood_added", lang, events=described))
    summary = fact_summary(snapshot, changed, lang)
    if summary:
        parts.append(say("noted_facts", lang, facts=summary))
    return " ".join(parts)


def complex_reason_text(reason: Optional[str], lang: str = "en") -> str:
    kind = (reason or "").split(":", 1)[-1]
    key = f"complex_reasons.{kind}"
    return say(key if has(key) else "complex_reasons.default", lang)
