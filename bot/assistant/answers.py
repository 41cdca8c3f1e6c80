"""Understanding the answer to one question about one fact.

An answer can come as a button payload (`/inform{"answer": "true"}`), as an
entity the FactExtractor found anywhere in the message, or as free text
("yes", "just me", "Thunder Bay", "March 3"). "I don't know" and "Skip" settle
the fact as unknown (null) so it is not asked again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from bot.assistant.conversation import parse_value, to_json
from bot.components.dates import parse_date
from onewindow_catalogue.facts import Fact
from onewindow_catalogue.snapshot import CatalogueSnapshot

VALUE, UNKNOWN, SKIP, NONE = "value", "unknown", "skip", "none"
ANSWER_ENTITY = "answer"
SKIP_PAYLOAD = "skip"
DONT_KNOW_PAYLOAD = "dont_know"

_DONT_KNOW = re.compile(
    r"^\W*(?:i\s+)?(?:do\s*n[o']?t|dont|don't|didn't|did\s+not)\s+know\b|\bno\s+idea\b|\bnot\s+sure\b|\bunsure\b|"
    r"\bidk\b|\bdunno\b|\bno\s+clue\b|\bcan'?t\s+remember\b|\bhaven'?t\s+decided\b|\bnot\s+decided\b|"
    r"\bje\s+ne\s+sais\s+pas\b|^\W*(?:maybe|perhaps|possibly)\W*$",
    re.IGNORECASE,
)
_SKIP = re.compile(
    r"^\W*(?:skip|pass|next|skip\s+it|skip\s+this(?:\s+one)?|next\s+question|rather\s+not\s+say|prefer\s+not\s+to\s+say)\W*$",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\W*(?:no|nope|nah|not\s+really|not\s+yet|not\s+at\s+all|never|none|negative|false|non|n|no\s+way|"
    r"(?:i|we|he|she|they|it)\s+(?:do|does|did|will|would|have|has|had|am|are|is|was|were)\s*(?:n['’]?t|not)|"
    r"(?:i|we|he|she|they|it)\s+(?:won['’]?t|can['’]?t|cannot))\b",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^\W*(?:yes|yeah|yea|yep|yup|ya|y|sure|of\s+course|definitely|absolutely|correct|right|true|oui|affirmative|"
    r"i\s+think\s+so|probably|likely|indeed|certainly|that'?s\s+right|(?:i|we|he|she|they|it)\s+(?:do|does|did|will|would|have|has|had|am|are|is|was|were)\b)",
    re.IGNORECASE,
)
PAST_DATES = {"death_date"}  # facts whose date cannot be in the future
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Answer:
    kind: str  # value | unknown | skip | none (not understood)
    value: Any = None  # JSON value for the facts slot when kind == value

    @property
    def settled(self) -> bool:
        return self.kind in (VALUE, UNKNOWN, SKIP)


def _entity(entities: Iterable[Mapping[str, Any]], name: str) -> Optional[Any]:
    found = None
    for entity in entities or []:
        if entity.get("entity") == name and entity.get("value") is not None:
            found = entity.get("value")
    return found


def _from_raw(snapshot: CatalogueSnapshot, fact: Fact, raw: Any) -> Optional[Answer]:
    try:
        return Answer(VALUE, parse_value(snapshot, fact.id, raw))
    except ValueError:
        return None


def parse_answer(
    snapshot: CatalogueSnapshot,
    fact_id: str,
    *,
    text: Optional[str] = None,
    intent: Optional[str] = None,
    entities: Iterable[Mapping[str, Any]] = (),
    matcher: Any = None,
    today: Optional[dt.date] = None,
) -> Answer:
    """What the person's message says about `fact_id` (see module docstring).

    `matcher` is a FactMatcher used in answer mode (no context required); pass
    None to skip free-text cue matching (tests of the simple paths)."""
    fact = snapshot.facts.get(fact_id)
    if fact is None:
        return Answer(NONE)
    entities = list(entities or [])
    text = (text or "").strip()
    if text.startswith("/"):
        text = ""  # a button payload: its entities carry the answer

    payload = _entity(entities, ANSWER_ENTITY)
    if payload is not None:
        word = str(payload).strip().lower()
        if word == SKIP_PAYLOAD:
            return Answer(SKIP)
        if word in (DONT_KNOW_PAYLOAD, "null", "none", "unknown"):
            return Answer(UNKNOWN)
        answer = _from_raw(snapshot, fact, payload)
        if answer is not None:
            return answer
    if text and _SKIP.search(text):
        return Answer(SKIP)
    if intent == "dont_know" or (text and _DONT_KNOW.search(text)):
        return Answer(UNKNOWN)

    said = _entity(entities, fact_id)
    if said is not None:
        answer = _from_raw(snapshot, fact, said)
        if answer is not None:
            return answer

    if text and matcher is not None:
        found = matcher.extract(text, contextual=False, only=[fact_id])
        if found:
            answer = _from_raw(snapshot, fact, found[0].value)
            if answer is not None:
                return answer

    if fact.type == "boolean":
        if text and _NO.search(text):
            return Answer(VALUE, False)
        if text and _YES.search(text):
            return Answer(VALUE, True)
        if intent == "affirm":
            return Answer(VALUE, True)
        if intent == "deny":
            return Answer(VALUE, False)
        return Answer(NONE)
    if fact.type == "choice":
        return _choice(fact, text, snapshot.facts[fact_id]) or Answer(NONE)
    if fact.type == "municipality":
        if text:
            cleaned = re.sub(
                r"^\W*(?:i\s+live\s+in|we\s+live\s+in|we'?re\s+in|i'?m\s+in|in|at|the)\s+", "", text, flags=re.I
            )
            cleaned = re.sub(r"[.!?,;]+$", "", cleaned).strip()
            found = snapshot.municipalities.find(cleaned) or snapshot.municipalities.find(text)
            if found is not None:
                return Answer(VALUE, found.name)
        return Answer(NONE)
    if fact.type == "date":
        parsed = parse_date(text, today, past=fact_id in PAST_DATES) if text else None
        return Answer(VALUE, to_json(parsed)) if parsed else Answer(NONE)
    if fact.type == "number":
        number = _NUMBER.search(text or "")
        if number:
            answer = _from_raw(snapshot, fact, number.group(0).replace(",", ""))
            if answer is not None:
                return answer
        return Answer(NONE)
    return Answer(NONE)


def _choice(fact: Fact, text: str, _fact: Fact) -> Optional[Answer]:
    """Match an option by id or by its label ("Corporation", "another province")."""
    if not text:
        return None
    clean = " " + re.sub(r"[^\w]+", " ", text.lower()).strip() + " "
    hits = []
    for option in fact.values:
        names = {option.id.replace("_", " ")}
        for label in option.label.values():
            short = label.split("(")[0].strip().lower()
            names.add(re.sub(r"[^\w]+", " ", short).strip())
        if any(name and f" {name} " in clean for name in names):
            hits.append(option.id)
    if len(hits) == 1:
        return Answer(VALUE, hits[0])
    return None
