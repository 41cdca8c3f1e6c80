"""The citizen's plan: a bundle's services ordered by when to act.

People should not need to know which order of government does what, so the
plan's outline is time, never the organisation: first what must happen first
(a deadline that is due or nearly due, a step the catalogue marks `first`, a
step that other steps in this plan `require`), then this week (a date within
seven days, or "as soon as possible"), then within their own deadlines, then
whenever the person is ready. The organisation and order of government are a
label on each step. A step that one application covers stays under it.

The order is computed here once, from the catalogue's deadline rules and
`requires` relations, and every view (chat, printable page, console, API)
shows it as it is. A prerequisite is never in a later phase than a step that
needs it, and never after it.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

PHASES = ("now", "this_week", "within_deadline", "when_ready")
NOW_DAYS = 2  # a due date this close (or past) means "do it first"
WEEK_DAYS = 7
FAR_FUTURE = dt.date.max.toordinal()

# Every plan string a person reads, in both languages, in one place.
TEXT: Dict[str, Dict[str, str]] = {
    "phase_now": {"en": "Do first", "fr": "À faire en premier"},
    "phase_this_week": {"en": "This week", "fr": "Cette semaine"},
    "phase_within_deadline": {"en": "Before their deadlines", "fr": "Avant leur échéance"},
    "phase_when_ready": {"en": "When you are ready", "fr": "Quand vous serez prêt"},
    "reason_first": {
        "en": "Must be done before the other steps",
        "fr": "Doit être fait avant les autres démarches",
    },
    "reason_overdue": {"en": "Was due on {date}: do it now", "fr": "Échéance dépassée ({date}) : faites-le maintenant"},
    "reason_due": {"en": "Due by {date}", "fr": "À faire d'ici le {date}"},
    "reason_due_estimate": {
        "en": "Due {days} days after the event date (about {date})",
        "fr": "À faire {days} jours après la date de l'événement (vers le {date})",
    },
    "reason_required_by": {"en": "Needed before: {names}", "fr": "Nécessaire avant : {names}"},
    "reason_after": {"en": "Comes after: {names}", "fr": "Vient après : {names}"},
    "reason_soon": {"en": "As soon as possible", "fr": "Dès que possible"},
    "reason_deadline": {"en": "Has a deadline: {text}", "fr": "A une échéance : {text}"},
    "reason_none": {"en": "No deadline", "fr": "Aucune échéance"},
    "reason_covered": {
        "en": "Included in the application for: {name}",
        "fr": "Compris dans la demande : {name}",
    },
}


def say(key: str, lang: str = "en", **values: Any) -> str:
    """A plan string in `lang` (English when the language is unknown)."""
    text = TEXT[key].get(lang) or TEXT[key]["en"]
    return text.format(**values) if values else text


@dataclass
class StepInput:
    """What the plan needs to know about one service of the bundle."""

    id: str
    due: Optional[dt.date] = None  # the due date from the event's date, if known
    estimated_due: Optional[dt.date] = None  # the due date as if the event were today, when its date is unknown
    first: bool = False  # the catalogue says: before every other step
    soon: bool = False  # the catalogue says: as soon as possible (no number of days)
    has_deadline: bool = False
    requires: Sequence[str] = ()
    covered_by: Optional[str] = None
    position: int = 0
    extra: Dict[str, Any] = field(default_factory=dict)


@dataclass
class PlanStep:
    id: str
    phase: str
    reasons: List[Dict[str, str]]
    due: Optional[dt.date]
    covered_by: Optional[str]
    after: List[str]

    def as_dict(self, order: int, lang: str) -> Dict[str, Any]:
        return {
            "id": self.id,
            "order": order,
            "phase": self.phase,
            "phase_title": say(f"phase_{self.phase}", lang),
            "due": self.due.isoformat() if self.due else None,
            "covered_by": self.covered_by,
            "after": self.after,
            "reasons": self.reasons,
        }


def build_plan(
    inputs: Sequence[StepInput], today: dt.date, names: Mapping[str, str] | None = None, lang: str = "en"
) -> Dict[str, Any]:
    """{phases: [{id, title, steps: [ids]}], steps: [...]}, steps in the order to act."""
    names = dict(names or {})
    steps = {item.id: item for item in inputs}
    group = {sid: _root(sid, steps) for sid in steps}
    # Requirements between groups (a requirement on a covered step is one on the step covering it).
    needs: Dict[str, Set[str]] = {sid: set() for sid in steps if group[sid] == sid}
    for sid, item in steps.items():
        for required in item.requires:
            if required in steps and group[required] != group[sid]:
                needs[group[sid]].add(group[required])
    needed_by: Dict[str, Set[str]] = {}
    for sid, required in needs.items():
        for target in required:
            needed_by.setdefault(target, set()).add(sid)

    phase = {sid: _own_phase(steps[sid], today, bool(needed_by.get(sid))) for sid in needs}
    # A prerequisite is never later than what needs it (transitively): validation forbids cycles.
    changed = True
    while changed:
        changed = False
        for sid, required in needs.items():
            for target in required:
                if PHASES.index(phase[target]) > PHASES.index(phase[sid]):
                    phase[target] = phase[sid]
                    changed = True

    order = _order(needs, needed_by, phase, steps)
    children: Dict[str, List[str]] = {}
    for sid in steps:
        if group[sid] != sid:
            children.setdefault(group[sid], []).append(sid)

    plan_steps: List[PlanStep] = []
    for sid in order:
        item = steps[sid]
        plan_steps.append(
            PlanStep(
                id=sid,
                phase=phase[sid],
                reasons=_reasons(item, today, phase[sid], sorted(needed_by.get(sid, ())), needs[sid], names, lang),
                due=item.due,
                covered_by=None,
                after=sorted(needs[sid], key=order.index),
            )
        )
        for child in sorted(children.get(sid, []), key=lambda c: (steps[c].position, c)):
            plan_steps.append(
                PlanStep(
                    id=child,
                    phase=phase[sid],
                    reasons=[{"code": "covered", "text": say("reason_covered", lang, name=names.get(sid, sid))}],
                    due=steps[child].due,
                    covered_by=sid,
                    after=[],
                )
            )
    rendered = [step.as_dict(index + 1, lang) for index, step in enumerate(plan_steps)]
    phases = [
        {"id": p, "title": say(f"phase_{p}", lang), "steps": [s["id"] for s in rendered if s["phase"] == p]}
        for p in PHASES
    ]
    return {"phases": [p for p in phases if p["steps"]], "steps": rendered}


def _root(sid: str, steps: Mapping[str, StepInput]) -> str:
    seen = {sid}
    while steps[sid].covered_by in steps and steps[sid].covered_by not in seen:
        sid = steps[sid].covered_by
        seen.add(sid)
    return sid


def _due(item: StepInput) -> Optional[dt.date]:
    return item.due or item.estimated_due


def _own_phase(item: StepInput, today: dt.date, needed_by_others: bool) -> str:
    due = _due(item)
    if item.first or needed_by_others or (due is not None and (due - today).days <= NOW_DAYS):
        return "now"
    if item.soon or (due is not None and (due - today).days <= WEEK_DAYS):
        return "this_week"
    if item.has_deadline:
        return "within_deadline"
    return "when_ready"


def _order(
    needs: Mapping[str, Set[str]], needed_by: Mapping[str, Set[str]], phase: Mapping[str, str], steps
) -> List[str]:
    """Topological order over `requires`, earliest phase, then earliest due date, then catalogue order."""

    def key(sid: str) -> Tuple[int, int, int, int, str]:
        item = steps[sid]
        due = _due(item)
        return (
            PHASES.index(phase[sid]),
            0 if item.first else 1,
            due.toordinal() if due else FAR_FUTURE,
            item.position,
            sid,
        )

    waiting = {sid: set(required) for sid, required in needs.items()}
    ready = [(key(sid), sid) for sid, required in waiting.items() if not required]
    heapq.heapify(ready)
    order: List[str] = []
    while ready:
        _, sid = heapq.heappop(ready)
        order.append(sid)
        for dependent in needed_by.get(sid, ()):
            waiting[dependent].discard(sid)
            if not waiting[dependent]:
                heapq.heappush(ready, (key(dependent), dependent))
    # Validation forbids cycles; anything left (defensive) keeps its key order.
    order += sorted((sid for sid in needs if sid not in order), key=key)
    return order


def _reasons(
    item: StepInput,
    today: dt.date,
    phase: str,
    needed_by: Sequence[str],
    after: Set[str],
    names: Mapping[str, str],
    lang: str,
) -> List[Dict[str, str]]:
    """Why this step sits where it does, most decisive reason first."""
    reasons: List[Dict[str, str]] = []
    if item.first:
        reasons.append({"code": "first", "text": say("reason_first", lang)})
    if item.due is not None:
        key = "reason_overdue" if item.due < today else "reason_due"
        reasons.append({"code": key[7:], "text": say(key, lang, date=item.due.isoformat())})
    elif item.estimated_due is not None:
        days = (item.estimated_due - today).days
        reasons.append(
            {"code": "due_estimate", "text": say("reason_due_estimate", lang, days=days, date=item.estimated_due)}
        )
    if needed_by:
        listed = ", ".join(names.get(sid, sid) for sid in needed_by)
        reasons.append({"code": "required_by", "text": say("reason_required_by", lang, names=listed)})
    if after:
        listed = ", ".join(names.get(sid, sid) for sid in sorted(after))
        reasons.append({"code": "after", "text": say("reason_after", lang, names=listed)})
    if item.soon and item.due is None:
        reasons.append({"code": "soon", "text": say("reason_soon", lang)})
    if not reasons:
        if item.has_deadline and item.extra.get("deadline_text"):
            reasons.append({"code": "deadline", "text": say("reason_deadline", lang, text=item.extra["deadline_text"])})
        else:
            reasons.append({"code": "none", "text": say("reason_none", lang)})
    return reasons
