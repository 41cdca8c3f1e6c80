"""When a person should take over, and which agents' queue gets the case.

Pure functions shared by the chat (actions/) and the triage service: same
inputs, same decision. The situations are data (complex_cases.yml); queues come
from the catalogue's life events (`queue`), passed in by the caller or read
from the seed catalogue.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import yaml

from bot.rules.files import load_complex_cases, load_fact_cues
from bot.rules.schema import RuleFileError

CASES_PATH = Path(__file__).with_name("complex_cases.yml")
CUES_PATH = Path(__file__).resolve().parents[1] / "components" / "fact_cues.yml"
PLACES_OUTSIDE = "{outside_ontario}"
WORD_REF = re.compile(r"\{([a-z_]+)\}")  # a `words` list of complex_cases.yml (regex quantifiers are {m,n})
LIFE_EVENTS_PATH = Path(__file__).resolve().parents[2] / "catalogue" / "seed" / "life_events.yml"

ASKED_FOR_PERSON = "asked_for_person"
URGENT = "urgent"
NOT_UNDERSTOOD = "not_understood"
COMPLEX_CASE = "complex_case"
REQUEST_HUMAN_INTENT = "request_human"
CRISIS_INTENT = "crisis"

# asking for a person: English and French lists (complex_cases.yml)
PERSON_KEYS = ("asks_for_person", "asks_for_person_fr")
PERSON_UNLESS_KEYS = ("asks_for_person_unless", "asks_for_person_unless_fr")

Entities = Union[Mapping[str, Any], Iterable[Mapping[str, Any]], None]


@dataclass(frozen=True)
class Handoff:
    needed: bool
    reason: Optional[str] = None
    queue: Optional[str] = None
    urgent: bool = False

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Case:
    kind: str
    patterns: Tuple[re.Pattern, ...]
    entities: Tuple[Tuple[str, str], ...]
    unless: Tuple[re.Pattern, ...] = ()  # the text says it is not this case after all ("he was 24")
    contradicted_by: Tuple[Tuple[str, str], ...] = ()  # facts that rule out a learned guess of this case
    needs_event: str = ""  # the case holds only in a message of this life event (a baby's birthplace)
    heated_not_dangerous: bool = False  # with this case, the model's alarm needs a word of crisis (safety)

    def applies_to(self, events: Optional[Sequence[str]]) -> bool:
        """Whether the case can hold for a message of these events (None: not known yet)."""
        return events is None or not self.needs_event or self.needs_event in events


@dataclass(frozen=True)
class _Config:
    cases: Tuple[_Case, ...]
    person_requests: Tuple[re.Pattern, ...]
    person_requests_unless: Tuple[re.Pattern, ...]  # asking whether one must, not asking to
    not_understood_after: int
    priority_queue: str
    default_queue: str


@lru_cache(maxsize=1)
def _places_outside_ontario() -> str:
    """Places outside Ontario people name (the FactExtractor's arrived_from cues), read once: every pattern
    that says `{outside_ontario}` spells them out."""
    try:
        cues = load_fact_cues(CUES_PATH)
    except RuleFileError:
        return "abroad"
    places = set()
    for key in ("province", "country"):
        places.update(
            str(p).lower()
            for p in ((cues.get("facts") or {}).get("arrived_from") or {}).get(key, {}).get("phrases", [])
        )
    places -= {"another country", "another province", "other province", "a different province"}
    return "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True) if len(p) > 2)


def _text(entry: Any) -> str:
    """A pattern entry: a string, or {pattern, fires, quiet} with the examples it must and must not match."""
    return str(entry["pattern"]) if isinstance(entry, Mapping) else str(entry)


def _compile(pattern: str, words: Optional[Mapping[str, Sequence[str]]] = None) -> re.Pattern:
    """A pattern with `{outside_ontario}` and the file's `words` lists ("{child_age}") spelled out."""
    if PLACES_OUTSIDE in pattern:
        pattern = pattern.replace(PLACES_OUTSIDE, _places_outside_ontario())
    if words:
        pattern = WORD_REF.sub(lambda m: "(?:" + "|".join(map(str, words[m.group(1)])) + ")", pattern)
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=4)
def load_config(path: Path = CASES_PATH) -> _Config:
    data = load_complex_cases(Path(path))
    settings = data.get("settings") or {}
    words = data.get("words") or {}
    cases = tuple(
        _Case(
            kind=str(case["kind"]),
            patterns=tuple(_compile(_text(p), words) for p in case.get("patterns") or []),
            entities=tuple((str(k), str(v).lower()) for k, v in (case.get("entities") or {}).items()),
            unless=tuple(_compile(_text(p), words) for p in case.get("unless") or []),
            contradicted_by=tuple((str(k), str(v).lower()) for k, v in (case.get("contradicted_by") or {}).items()),
            needs_event=str(case.get("needs_event") or ""),
            heated_not_dangerous=bool(case.get("heated_not_dangerous", False)),
        )
        for case in data.get("cases") or []
    )
    return _Config(
        cases=cases,
        person_requests=tuple(_compile(_text(p), words) for key in PERSON_KEYS for p in data.get(key) or []),
        person_requests_unless=tuple(
            _compile(_text(p), words) for key in PERSON_UNLESS_KEYS for p in data.get(key) or []
        ),
        not_understood_after=int(settings.get("not_understood_after", 2)),
        priority_queue=str(settings.get("priority_queue", "priority")),
        default_queue=str(settings.get("default_queue", "general")),
    )


@lru_cache(maxsize=1)
def seed_queues() -> Dict[str, str]:
    """Life event id -> queue, from the seed catalogue (when the caller has no snapshot)."""
    try:
        events = yaml.safe_load(LIFE_EVENTS_PATH.read_text(encoding="utf-8")) or []
    except OSError:
        return {}
    return {str(e["id"]): str(e["queue"]) for e in events if isinstance(e, dict) and e.get("id") and e.get("queue")}


def _entity_values(entities: Entities) -> Dict[str, str]:
    if not entities:
        return {}
    if isinstance(entities, Mapping):
        return {str(k): str(v).lower() for k, v in entities.items() if v is not None}
    values: Dict[str, str] = {}
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        if name and value is not None:
            values[str(name)] = str(value).lower()
    return values


def _clean(text: Optional[str]) -> str:
    """The text as the patterns expect it: apostrophes straight, at most 5 000 characters."""
    return (text or "").replace("\u2019", "'")[:5000]


def complex_case_reason(
    text: Optional[str], entities: Entities = None, events: Optional[Sequence[str]] = None
) -> Optional[str]:
    """`complex_case:<kind>` when self-service cannot settle this, else None.

    Kinds: stillbirth_or_child_death, estate_dispute, birth_registration_dispute,
    no_identity_documents, birth_outside_ontario, death_outside_ontario,
    immigration_status_problem, refused_application. A case with `needs_event` holds only
    in a message of that event, when the events are known: "Dad died here; he was born
    in Scotland" is no birth outside Ontario.
    """
    case = _matching_case(text, entities, events)
    return f"{COMPLEX_CASE}:{case.kind}" if case else None


def _matching_case(text: Optional[str], entities: Entities, events: Optional[Sequence[str]]) -> Optional[_Case]:
    """The first case (in file order) whose facts or patterns hold and whose `unless` does not."""
    clean = _clean(text)
    values = _entity_values(entities)
    for case in load_config().cases:
        if not case.applies_to(events):
            continue
        if clean and any(p.search(clean) for p in case.unless):
            continue
        if any(values.get(name) == value for name, value in case.entities):
            return case
        if clean and any(p.search(clean) for p in case.patterns):
            return case
    return None


def heated_not_dangerous(text: Optional[str]) -> bool:
    """Whether the rules find a case that is heated but no danger in itself (an estate dispute, a refusal):
    the learned urgency of such a message is the heat of the dispute unless a word of crisis says more
    (see SafetyOverride)."""
    case = _matching_case(text, None, None)
    return bool(case and case.heated_not_dangerous)


def learned_reason(
    signals: Optional[Mapping[str, Any]],
    text: Optional[str] = None,
    entities: Entities = None,
    events: Optional[Sequence[str]] = None,
) -> Optional[str]:
    """The HandoffClassifier's reason as a handoff reason (`asked_for_person`, `complex_case:<kind>`), or None
    when there is none or the case's `unless` patterns, `contradicted_by` facts or `needs_event` rule it out."""
    reason = str((signals or {}).get("reason") or "")
    if not reason or reason == "none":
        return None
    if reason == "asks_for_person":
        return None if _asks_whether(_clean(text)) else ASKED_FOR_PERSON
    case = next((c for c in load_config().cases if c.kind == reason), None)
    if case is None or not case.applies_to(events):
        return None
    clean = _clean(text)
    values = _entity_values(entities)
    if any(p.search(clean) for p in case.unless) or any(values.get(k) == v for k, v in case.contradicted_by):
        return None
    return f"{COMPLEX_CASE}:{reason}"


def asks_for_person(text: Optional[str]) -> bool:
    """The message asks for a person in so many words (complex_cases.yml `asks_for_person`, not overruled by
    `asks_for_person_unless`: "do I need to talk to someone in person" asks how, not for a person)."""
    clean = _clean(text)
    return bool(clean) and any(p.search(clean) for p in load_config().person_requests) and not _asks_whether(clean)


def _asks_whether(clean: str) -> bool:
    """The message asks whether a person is needed (`asks_for_person_unless`), which is no request for one."""
    return any(p.search(clean) for p in load_config().person_requests_unless)


def queue_for(events: Sequence[str], urgent: bool = False, queues: Optional[Mapping[str, str]] = None) -> str:
    config = load_config()
    if urgent:
        return config.priority_queue
    known = queues if queues is not None else seed_queues()
    for event in events or ():
        if event in known:
            return known[event]
    return config.default_queue


def decide(
    intent_name: Optional[str],
    text: Optional[str],
    entities: Entities,
    events: Sequence[str],
    failed_understanding_count: int = 0,
    queues: Optional[Mapping[str, str]] = None,
    signals: Optional[Mapping[str, Any]] = None,
) -> Handoff:
    """Whether to hand over to a person, why, and to which queue.

    Reasons: `urgent` (crisis: intent or safety patterns), `asked_for_person`,
    `complex_case:<kind>`, `not_understood` (failed understandings in a row).
    The rules in complex_cases.yml come first; where they are silent, the
    HandoffClassifier's `reason` (`signals`, the parse's `handoff_signals`) is
    taken, so wording nobody wrote down still reaches a person.
    The queue is `priority` when urgent, else the first life event's queue,
    else `general`.
    """
    from bot.safety import detect

    config = load_config()
    events = list(events or [])
    if intent_name == CRISIS_INTENT or (text and detect(text) is not None):
        return Handoff(True, URGENT, queue_for(events, urgent=True, queues=queues), True)
    if (intent_name == REQUEST_HUMAN_INTENT and not _asks_whether(_clean(text))) or asks_for_person(text):
        return Handoff(True, ASKED_FOR_PERSON, queue_for(events, queues=queues), False)
    reason = complex_case_reason(text, entities, events) or learned_reason(signals, text, entities, events)
    if reason:
        return Handoff(True, reason, queue_for(events, queues=queues), False)
    if failed_understanding_count >= config.not_understood_after:
        return Handoff(True, NOT_UNDERSTOOD, queue_for(events, queues=queues), False)
    return Handoff(False)


__all__: List[str] = ["Handoff", "asks_for_person", "complex_case_reason", "decide", "learned_reason", "queue_for"]
