"""The bundle engine: life events + known facts -> one ordered checklist.

Data decides everything: which services belong to an event, when they apply
(conditions over facts), which municipality serves the person, what comes
first (`requires`, then deadlines) and which application covers others.
Facts nobody has given yet turn into questions, best first. A general
municipal service is named after the body that delivers it for the person's
municipality, and gives way to a city's own entry (local_delivery.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from onewindow_catalogue import conditions
from onewindow_catalogue.deadlines import as_soon_as_possible, comes_first, due_date
from onewindow_catalogue.municipalities import Municipality, place_label
from onewindow_catalogue.plan import StepInput, build_plan
from onewindow_catalogue.snapshot import CatalogueSnapshot, PreparedService
from onewindow_catalogue.text import localise

APPLIES, MAY_APPLY = "applies", "may_apply"
MUNICIPALITY_FACT = "municipality"
FAR_FUTURE = dt.date.max.toordinal()


class BundleRequestError(ValueError):
    """A request the engine cannot answer: names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class _Candidate:
    prepared: PreparedService
    status: str
    unknown: frozenset
    events: List[str]
    due: dt.date | None


def parse_facts(snapshot: CatalogueSnapshot, raw: Mapping[str, Any]) -> Dict[str, Any]:
    """Typed facts from strings (query string, slots, buttons). Unknown fact
    names and bad values raise BundleRequestError naming the fact."""
    facts: Dict[str, Any] = {}
    for name, value in raw.items():
        fact = snapshot.facts.get(name)
        if fact is None:
            raise BundleRequestError(name, f"unknown fact; known facts: {', '.join(sorted(snapshot.facts))}")
        try:
            facts[name] = fact.parse(value)
        except ValueError as error:
            raise BundleRequestError(name, str(error)) from None
    municipality = facts.get(MUNICIPALITY_FACT)
    if municipality is not None:
        found = snapshot.municipalities.find(municipality)
        if found is None:
            raise BundleRequestError(MUNICIPALITY_FACT, f"unknown Ontario municipality {str(municipality)[:60]!r}")
        facts[MUNICIPALITY_FACT] = found.name
    return facts


def with_implied_facts(snapshot: CatalogueSnapshot, facts: Mapping[str, Any]) -> Tuple[Dict[str, Any], Set[str]]:
    """The facts plus what their values imply (facts.yml `implies`), and the
    names of the implied ones. A stated fact is never overridden; implications
    are applied until nothing changes (validation keeps them to known facts)."""
    result, implied = dict(facts), set()
    changed = True
    while changed:
        changed = False
        for name, value in list(result.items()):
            fact = snapshot.facts.get(name)
            if fact is None or not fact.implies or value is None:
                continue
            key = str(value).lower() if isinstance(value, bool) else str(value)
            for other, other_value in (fact.implies.get(key) or {}).items():
                if other not in result:
                    result[other] = other_value
                    implied.add(other)
                    changed = True
    return result, implied


def build_bundle(
    snapshot: CatalogueSnapshot,
    events: Sequence[str],
    facts: Mapping[str, Any] | None = None,
    lang: str = "en",
    today: dt.date | None = None,
) -> Dict[str, Any]:
    """The bundle for these life events and (already typed) facts."""
    facts, implied = with_implied_facts(snapshot, facts or {})
    events = _check_events(snapshot, events)
    active_events = frozenset(events)
    today = today or dt.date.today()
    municipality = _municipality(snapshot, facts.get(MUNICIPALITY_FACT))
    event_dates = {e: facts.get(snapshot.life_events[e].date_fact) for e in events}

    candidates: Dict[str, _Candidate] = {}
    hidden_municipal: List[str] = []
    for event in events:
        for prepared in snapshot.by_event.get(event, ()):
            if prepared.id in candidates:
                candidates[prepared.id].events.append(event)
                continue
            if not _in_scope(prepared, municipality):
                if municipality is None and MUNICIPALITY_FACT not in facts:
                    hidden_municipal.append(prepared.id)
                continue
            outcome = prepared.applies(facts, active_events)
            if outcome.value is False:
                continue
            if municipality is None and MUNICIPALITY_FACT not in facts and prepared.id in snapshot.local.general:
                hidden_municipal.append(prepared.id)  # the answer names who delivers it
            candidates[prepared.id] = _Candidate(
                prepared=prepared,
                status=APPLIES if outcome.value else MAY_APPLY,
                unknown=frozenset(f for f in outcome.unknown_facts if f not in facts),
                events=[event],
                due=None,
            )
    for general_id in [sid for sid in candidates if sid in snapshot.local.general]:
        if any(specific in candidates for specific in snapshot.local.overridden(general_id)):
            del candidates[general_id]
    for candidate in candidates.values():
        deadline = candidate.prepared.service.deadline
        if deadline and deadline.due:
            dates = [event_dates[e] for e in candidate.events if event_dates.get(e)]
            candidate.due = due_date(deadline.due, min(dates)) if dates else None

    covered_by = _covered_by(candidates)
    plan = _plan(candidates, covered_by, snapshot, lang, today)
    order = [step["id"] for step in plan["steps"]]
    services = [_render(candidates[sid], snapshot, covered_by, candidates, lang, today, municipality) for sid in order]
    for service, step in zip(services, plan["steps"], strict=True):
        service["phase"] = step["phase"]
    return {
        "events": [{"id": e, "title": localise(snapshot.life_events[e].title, lang)} for e in events],
        "facts": {name: (value.isoformat() if isinstance(value, dt.date) else value) for name, value in facts.items()},
        "implied_facts": sorted(implied),
        "understood": _understood(snapshot, facts, implied, lang),
        "municipality": _municipality_view(municipality, lang),
        "services": services,
        "plan": plan,
        "questions": _questions(snapshot, candidates, hidden_municipal, event_dates, facts, lang),
        "catalogue_revision": snapshot.revision,
    }


def _understood(
    snapshot: CatalogueSnapshot, facts: Mapping[str, Any], implied: Set[str], lang: str
) -> List[Dict[str, Any]]:
    """What was understood, as the person can check it: each known fact's
    question and answer (implied ones marked), with the other answers it could
    have, so a wrong one can be corrected in one step."""
    understood = []
    for name in sorted(facts, key=lambda f: snapshot.fact_position.get(f, 999)):
        fact, value = snapshot.facts.get(name), facts[name]
        if fact is None or value is None:
            continue
        current = str(value).lower() if isinstance(value, bool) else value
        understood.append(
            {
                "fact": name,
                "question": localise(fact.question, lang),
                "answer": value.isoformat()
                if isinstance(value, dt.date)
                else answer_label(snapshot, name, value, lang),
                "implied": name in implied,
                "options": [option for option in fact.options(lang) if option["value"] != current],
            }
        )
    return understood


def answer_label(snapshot: CatalogueSnapshot, name: str, value: Any, lang: str) -> str:
    """How a fact's value reads to a person; a municipality as `lang` names it (place_label)."""
    if name == MUNICIPALITY_FACT and value in snapshot.municipalities.by_name:
        return place_label(snapshot.municipalities.by_name[value], lang) or str(value)
    fact = snapshot.facts.get(name)
    return fact.label_of(value, lang) if fact is not None else str(value)


def _check_events(snapshot: CatalogueSnapshot, events: Sequence[str]) -> List[str]:
    unique: List[str] = []
    for event in events:
        if event not in snapshot.life_events:
            raise BundleRequestError(
                "events", f"unknown life event {str(event)[:40]!r}; known: {', '.join(snapshot.life_events)}"
            )
        if event not in unique:
            unique.append(event)
    return unique


def _municipality(snapshot: CatalogueSnapshot, name: str | None) -> Municipality | None:
    return snapshot.municipalities.by_name.get(name) if name else None


def _municipality_view(municipality: Optional[Municipality], lang: str) -> Optional[Dict[str, Optional[str]]]:
    """`label` is the place as the bundle's language names it (place_label)."""
    if municipality is None:
        return None
    return {
        "name": municipality.name,
        "short_name": municipality.short_name,
        "region": municipality.region,
        "label": place_label(municipality, lang),
    }


def _in_scope(prepared: PreparedService, municipality: Municipality | None) -> bool:
    """Municipal services appear only for the person's municipality or region."""
    if prepared.scope is None or prepared.scope == "any":
        return True
    if municipality is None:
        return False
    return any(name in prepared.scope for name in municipality.served_by())


def _covered_by(candidates: Mapping[str, _Candidate]) -> Dict[str, str]:
    """Which service's application also takes care of another one. Only a
    service that applies can cover; chains resolve to the outermost one."""
    covered: Dict[str, str] = {}
    for sid, candidate in candidates.items():
        if candidate.status != APPLIES:
            continue
        for target in candidate.prepared.service.covers:
            if target in candidates and target not in covered and target != sid:
                covered[target] = sid
    for target in list(covered):
        root, seen = covered[target], {target}
        while root in covered and root not in seen:
            seen.add(root)
            root = covered[root]
        covered[target] = root
    return covered


def _plan(
    candidates: Mapping[str, _Candidate],
    covered_by: Mapping[str, str],
    snapshot: CatalogueSnapshot,
    lang: str,
    today: dt.date,
) -> Dict[str, Any]:
    """The plan (plan.py) over this bundle's services. While the event date is
    unknown, dated deadlines are estimated as if the event were today."""
    inputs = []
    for sid, candidate in candidates.items():
        deadline = candidate.prepared.service.deadline
        rules = deadline.due if deadline else []
        inputs.append(
            StepInput(
                id=sid,
                due=candidate.due,
                estimated_due=None if candidate.due or not rules else due_date(rules, today),
                first=comes_first(rules),
                soon=as_soon_as_possible(rules),
                has_deadline=deadline is not None,
                requires=[r for r in candidate.prepared.service.requires if r in candidates],
                covered_by=covered_by.get(sid),
                position=candidate.prepared.position,
                extra={"deadline_text": localise(deadline.text, lang) if deadline else None},
            )
        )
    rendered = snapshot.rendered(lang)
    names = {sid: rendered[sid]["name"] for sid in candidates}
    return build_plan(inputs, today, names, lang)


def _render(
    candidate: _Candidate,
    snapshot: CatalogueSnapshot,
    covered_by: Mapping[str, str],
    candidates: Mapping[str, _Candidate],
    lang: str,
    today: dt.date,
    municipality: Municipality | None = None,
) -> Dict[str, Any]:
    """The service as shown: its fixed texts (rendered once per language by the
    snapshot, shared, never mutated) plus what this request decided."""
    service = candidate.prepared.service
    rendered = dict(snapshot.rendered(lang)[service.id])
    delivered_by = snapshot.local.resolve(service.id, municipality, lang)
    if delivered_by is not None:
        rendered["delivered_by"] = delivered_by
        rendered["organisation"] = {**rendered["organisation"], "name": delivered_by["name"]}
        rendered["url"] = delivered_by["url"] or rendered["url"]
    if service.deadline:
        rendered["deadline"] = {
            "text": rendered["deadline"]["text"],
            "date": candidate.due.isoformat() if candidate.due else None,
            "overdue": bool(candidate.due and candidate.due < today),
        }
    rendered["status"] = candidate.status
    rendered["unknown_facts"] = sorted(candidate.unknown, key=lambda f: snapshot.fact_position.get(f, 999))
    rendered["life_events"] = candidate.events
    rendered["requires"] = [sid for sid in service.requires if sid in candidates]
    rendered["covers"] = [sid for sid in service.covers if covered_by.get(sid) == service.id]
    rendered["covered_by"] = covered_by.get(service.id)
    return rendered


def _questions(
    snapshot: CatalogueSnapshot,
    candidates: Mapping[str, _Candidate],
    hidden_municipal: Iterable[str],
    event_dates: Mapping[str, Any],
    facts: Mapping[str, Any],
    lang: str,
) -> List[Dict[str, Any]]:
    """Open questions, the one that decides the most services first. Dates
    come last: they sharpen deadlines but change no service."""
    decides: Dict[str, List[str]] = {}
    for sid, candidate in candidates.items():
        for fact in candidate.unknown:
            decides.setdefault(fact, []).append(sid)
    hidden = list(dict.fromkeys(hidden_municipal))
    if hidden:
        decides.setdefault(MUNICIPALITY_FACT, []).extend(hidden)
    date_questions: Dict[str, List[str]] = {}
    for sid, candidate in candidates.items():
        deadline = candidate.prepared.service.deadline
        dated = deadline is not None and any(rule.after or rule.on_day for rule in deadline.due)
        if dated and candidate.due is None:
            for event in candidate.events:
                date_fact = snapshot.life_events[event].date_fact
                if date_fact not in facts and not event_dates.get(event):
                    date_questions.setdefault(date_fact, []).append(sid)
    ranked = sorted(decides.items(), key=lambda item: (-len(item[1]), snapshot.fact_position.get(item[0], 999)))
    ranked += [(fact, sids) for fact, sids in date_questions.items() if fact not in decides]
    asked = snapshot.questions(lang)
    return [{**asked[fact_id], "decides": sids} for fact_id, sids in ranked if fact_id in asked]


def render_services(
    snapshot: CatalogueSnapshot,
    ids: Sequence[str],
    facts: Mapping[str, Any] | None = None,
    lang: str = "en",
    today: dt.date | None = None,
) -> List[Dict[str, Any]]:
    """Services chosen by hand (an agent adding one the engine did not
    propose), rendered like bundle services. Each stands alone: `applies` when
    its condition holds on `facts`, otherwise `may_apply`; unknown ids raise
    BundleRequestError."""
    facts = dict(facts or {})
    today = today or dt.date.today()
    rendered: List[Dict[str, Any]] = []
    for sid in dict.fromkeys(ids):
        prepared = snapshot.services.get(sid)
        if prepared is None:
            raise BundleRequestError("services", f"unknown service {str(sid)[:60]!r}")
        events = [e for e in prepared.service.life_events if e in snapshot.life_events]
        outcome = conditions.evaluate(prepared.service.applies_when.condition, facts, frozenset(events))
        candidate = _Candidate(
            prepared=prepared,
            status=APPLIES if outcome.value else MAY_APPLY,
            unknown=frozenset(f for f in outcome.unknown_facts if f not in facts),
            events=events,
            due=None,
        )
        deadline = prepared.service.deadline
        if deadline and deadline.due:
            dates = [facts.get(snapshot.life_events[e].date_fact) for e in events]
            dates = [d for d in dates if isinstance(d, dt.date)]
            candidate.due = due_date(deadline.due, min(dates)) if dates else None
        municipality = _municipality(snapshot, facts.get(MUNICIPALITY_FACT))
        rendered.append(_render(candidate, snapshot, {}, {sid: candidate}, lang, today, municipality))
    return rendered
