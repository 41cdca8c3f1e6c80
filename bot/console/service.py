"""What the console pages show, computed from cases, conversations and the
catalogue: the queue overview with SLA states, a case's summary in words, the
transcript, and the bundle an agent edits before sending it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from sqlalchemy.orm import Session

from bot.audit import service as audit_log
from bot.cases import service as cases
from bot.cases.directory import PRIORITY_QUEUE, Queue, queues
from bot.cases.models import CaseRow
from bot.console.formats import aware, duration, local_time
from bot.conversations.models import MessageRow
from bot.users.models import UserRow
from bot.web.i18n import t
from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts, render_services
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.text import localise

log = logging.getLogger(__name__)

SLA_STATES = ("ok", "warn", "bad", "none")  # words: console.sla.<state> in console.<lang>.yml
WARN_SHARE = 0.5  # amber from half the queue's SLA on
SENDERS = ("user", "bot", "agent", "system")  # words: console.senders.<sender>


def minutes_between(start: Optional[dt.datetime], end: Optional[dt.datetime]) -> Optional[float]:
    if start is None or end is None:
        return None
    return max(0.0, (aware(end) - aware(start)).total_seconds() / 60)


def format_minutes(minutes: Optional[float], lang: str = "en") -> str:
    """'under 1 min', '12 min', '2 h 5 min' — for people, not machines."""
    return duration(minutes, lang)


def sla_state(waited_minutes: Optional[float], sla_minutes: int) -> str:
    if not waited_minutes:
        return "ok"
    if waited_minutes >= sla_minutes:
        return "bad"
    if waited_minutes >= sla_minutes * WARN_SHARE:
        return "warn"
    return "ok"


def reason_label(reason: Optional[str], lang: str = "en") -> str:
    """A handoff reason code in words; 'complex_case:deadline' keeps its detail (in words when known)."""
    if not reason:
        return t("console.reasons.not_recorded", lang)
    code, _, detail = reason.partition(":")
    label = t(f"console.reasons.{code}", lang, default=code.replace("_", " ").capitalize())
    if not detail:
        return label
    return f"{label} ({t(f'console.reason_details.{detail}', lang, default=detail.replace('_', ' '))})"


# --- queues -------------------------------------------------------------------------------------------------------
@dataclass
class QueueSummary:
    queue: Queue
    waiting: int = 0
    urgent: int = 0
    oldest_minutes: Optional[float] = None

    @property
    def sla_state(self) -> str:
        return sla_state(self.oldest_minutes, self.queue.sla_minutes) if self.waiting else "none"

    @property
    def sla_label(self) -> str:
        """In English, for callers without a language: the pages and the JSON API say console.sla.<state>
        in the staff member's language themselves (bot/console/views.py)."""
        return t(f"console.sla.{self.sla_state}")

    @property
    def priority(self) -> str:
        return "Urgent" if self.urgent or (self.queue.id == PRIORITY_QUEUE and self.waiting) else "Normal"

    def sort_key(self) -> tuple:
        severity = {"bad": 0, "warn": 1, "ok": 2, "none": 3}[self.sla_state]
        return (0 if self.priority == "Urgent" else 1, severity, -(self.oldest_minutes or 0))


@dataclass
class WaitingCase:
    case: CaseRow
    queue: Queue
    waited_minutes: float
    events: List[str]
    reason: str
    lang: Optional[str] = None  # the citizen's language, when known

    @property
    def sla_state(self) -> str:
        return sla_state(self.waited_minutes, self.queue.sla_minutes)

    @property
    def sla_label(self) -> str:
        return t(f"console.sla.{self.sla_state}")


@dataclass
class Overview:
    queues: List[QueueSummary]
    waiting: List[WaitingCase]
    mine: List[WaitingCase] = field(default_factory=list)


def event_titles(snapshot: CatalogueSnapshot, events: Iterable[str], lang: str = "en") -> List[str]:
    return [
        (localise(snapshot.life_events[e].title, lang) or e) if e in snapshot.life_events else str(e)
        for e in events or []
    ]


def overview(
    *,
    db_session: Session,
    snapshot: CatalogueSnapshot,
    agent_id: int,
    now: Optional[dt.datetime] = None,
    lang: str = "en",
) -> Overview:
    """Every queue with its waiting count, oldest wait and SLA state (urgent
    queues first, then the most overdue); waiting cases urgent first, then
    oldest first; and the cases this agent holds. Titles and reasons in `lang`."""
    now = now or dt.datetime.now(dt.timezone.utc)
    known = queues(lang)
    summaries = {qid: QueueSummary(queue) for qid, queue in known.items()}
    waiting: List[WaitingCase] = []
    for case in cases.waiting(db_session=db_session):
        queue = known.get(case.queue) or Queue(case.queue, case.queue, 15)
        summary = summaries.setdefault(case.queue, QueueSummary(queue))
        waited = minutes_between(case.created_at, now) or 0.0
        summary.waiting += 1
        summary.urgent += 1 if case.urgent else 0
        summary.oldest_minutes = max(summary.oldest_minutes or 0.0, waited)
        waiting.append(_listed(case, queue, waited, snapshot, lang))
    mine = []
    for case in cases.claimed_by(db_session=db_session, agent_id=agent_id):
        queue = known.get(case.queue) or Queue(case.queue, case.queue, 15)
        mine.append(_listed(case, queue, minutes_between(case.claimed_at, now) or 0.0, snapshot, lang))
    ordered = sorted(summaries.values(), key=QueueSummary.sort_key)
    return Overview(queues=ordered, waiting=waiting, mine=mine)


def _listed(case: CaseRow, queue: Queue, minutes: float, snapshot: CatalogueSnapshot, lang: str) -> WaitingCase:
    summary = case.summary or {}
    return WaitingCase(
        case=case,
        queue=queue,
        waited_minutes=minutes,
        events=event_titles(snapshot, summary.get("events") or [], lang),
        reason=reason_label(case.reason, lang),
        lang=summary.get("lang") or "en",
    )


# --- one case -----------------------------------------------------------------------------------------------------
def fact_rows(snapshot: CatalogueSnapshot, facts: Mapping[str, Any], lang: str = "en") -> List[Dict[str, str]]:
    """Known facts as question and answer, in the catalogue's order."""
    rows = []
    ordered = sorted(facts.items(), key=lambda item: snapshot.fact_position.get(item[0], 999))
    for name, value in ordered:
        fact = snapshot.facts.get(name)
        question = (localise(fact.question, lang) if fact else None) or name
        if value is None:
            answer = t("console.phone.does_not_know", lang)
        elif fact is not None:
            answer = fact.label_of(value, lang)
        else:
            answer = str(value)
        rows.append({"id": name, "question": question, "answer": answer})
    return rows


def question_rows(snapshot: CatalogueSnapshot, fact_ids: Iterable[str], lang: str = "en") -> List[Dict[str, Any]]:
    rows = []
    for name in fact_ids or []:
        fact = snapshot.facts.get(name)
        if fact is not None:
            rows.append(
                {
                    "fact": name,
                    "text": localise(fact.question, lang) or name,
                    "type": fact.type,
                    "options": fact.options(lang),
                }
            )
    return rows


def service_rows(snapshot: CatalogueSnapshot, ids: Iterable[str], lang: str = "en") -> List[Dict[str, str]]:
    rows = []
    for sid in ids or []:
        prepared = snapshot.services.get(sid)
        if prepared is None:
            name = t("console.case.service_gone", lang, id=sid)
            rows.append({"id": sid, "name": name, "organisation": "", "level": ""})
            continue
        service = prepared.service
        org = snapshot.organisations.get(service.organisation)
        rows.append(
            {
                "id": sid,
                "name": localise(service.name, lang) or sid,
                "organisation": (localise(org.name, lang) if org else None) or service.organisation,
                "level": service.level,
            }
        )
    return rows


def plan_rows(
    snapshot: CatalogueSnapshot,
    events: Sequence[str],
    raw_facts: Mapping[str, Any],
    ids: Iterable[str],
    lang: str = "en",
) -> List[Dict[str, Any]]:
    """The proposed services as the citizen's plan shows them: in plan order,
    each with its phase (when to act), why, and whether an application covers
    it, so agent and citizen read the same plan. Services the plan no longer
    holds keep their place at the end."""
    rows = service_rows(snapshot, ids, lang)
    known = [e for e in events or [] if e in snapshot.life_events]
    if not known:
        return rows
    plan = build_bundle(snapshot, known, case_facts(snapshot, raw_facts), lang=lang)["plan"]
    steps = {step["id"]: step for step in plan["steps"]}
    order = {sid: index for index, sid in enumerate(steps)}
    rows.sort(key=lambda row: order.get(row["id"], len(order)))
    for row in rows:
        step = steps.get(row["id"])
        row["phase"] = step["phase_title"] if step else None
        row["covered_by"] = step["covered_by"] if step else None
        row["when"] = " · ".join(r["text"] for r in step["reasons"]) if step else ""
    return rows


def catalogue_choices(snapshot: CatalogueSnapshot, lang: str = "en") -> List[Dict[str, str]]:
    """Every service, for the 'add a service' list."""
    return sorted(service_rows(snapshot, snapshot.services, lang), key=lambda row: row["name"].lower())


def search_services(snapshot: CatalogueSnapshot, query: str, lang: str = "en", limit: int = 12) -> List[Dict[str, str]]:
    """Services whose id is `query`, or whose id, name or organisation contains
    all of its words (case-insensitive)."""
    query = (query or "").strip().lower()
    if not query:
        return []
    choices = catalogue_choices(snapshot, lang)
    exact = [row for row in choices if row["id"] == query or row["name"].lower() == query]
    if exact:
        return exact
    words = query.split()
    found = [
        row
        for row in choices
        if all(word in f"{row['id']} {row['name']} {row['organisation']}".lower() for word in words)
    ]
    return found[:limit]


def case_facts(snapshot: CatalogueSnapshot, raw: Mapping[str, Any]) -> Dict[str, Any]:
    """Typed facts from a case summary; a value the catalogue no longer takes is dropped."""
    facts: Dict[str, Any] = {}
    for name, value in (raw or {}).items():
        if name not in snapshot.facts or value is None:
            continue
        try:
            facts.update(parse_facts(snapshot, {name: value}))
        except BundleRequestError:
            log.info("case fact %s=%r no longer parses; left out", name, value)
    return facts


def compose_bundle(
    snapshot: CatalogueSnapshot,
    events: Sequence[str],
    raw_facts: Mapping[str, Any],
    chosen: Sequence[str],
    lang: str = "en",
) -> Dict[str, Any]:
    """The bundle an agent sends: the engine's bundle for the case's events and
    facts, keeping only the services the agent ticked, plus any the agent added
    from the catalogue, rendered the same way. A kept service whose covering
    application was removed stands on its own again."""
    facts = case_facts(snapshot, raw_facts)
    known_events = [e for e in events or [] if e in snapshot.life_events]
    bundle = build_bundle(snapshot, known_events, facts, lang=lang)
    chosen_ids = [sid for sid in dict.fromkeys(chosen) if sid in snapshot.services]
    unknown = [sid for sid in dict.fromkeys(chosen) if sid not in snapshot.services]
    if unknown:
        raise BundleRequestError("services", f"unknown service {unknown[0][:60]!r}")
    keep = set(chosen_ids)
    kept = []
    for service in bundle["services"]:
        if service["id"] not in keep:
            continue
        service = dict(service)
        if service.get("covered_by") not in keep:
            service["covered_by"] = None
        service["covers"] = [sid for sid in service.get("covers") or [] if sid in keep]
        service["requires"] = [sid for sid in service.get("requires") or [] if sid in keep]
        kept.append(service)
    in_bundle = {service["id"] for service in bundle["services"]}
    extra = render_services(snapshot, [sid for sid in chosen_ids if sid not in in_bundle], facts, lang)
    questions = [q for q in bundle["questions"] if keep & set(q.get("decides") or [])]
    return {
        **bundle,
        "services": kept + extra,
        "questions": questions,
        "plan": _kept_plan(bundle, kept),
        "chosen_by_agent": True,
    }


def _kept_plan(bundle: Mapping[str, Any], kept: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    """The engine's plan restricted to the services the agent kept, in the same
    order; services the agent added follow it (they have no step, so no phase)."""
    ids = {service["id"]: service for service in kept}
    plan = bundle.get("plan") or {}
    steps = []
    for step in plan.get("steps") or []:
        if step["id"] in ids:
            steps.append({**step, "order": len(steps) + 1, "covered_by": ids[step["id"]].get("covered_by")})
    phases = []
    for phase in plan.get("phases") or []:
        members = [sid for sid in phase["steps"] if sid in ids]
        if members:
            phases.append({**phase, "steps": members})
    return {"phases": phases, "steps": steps}


def transcript_rows(
    rows: Sequence[MessageRow], agents: Mapping[int, str], timezone: str, lang: str = "en"
) -> List[Dict[str, Any]]:
    """Messages as the console shows them (already redacted when stored), labels in `lang`."""
    out = []
    for row in rows:
        sender = t(f"console.senders.{row.sender}", lang, default=row.sender)
        if row.sender == "agent" and row.agent_id in agents:
            sender = t("console.senders.named_agent", lang, name=agents[row.agent_id])
        bundle = row.bundle or None
        out.append(
            {
                "seq": row.id,
                "sender": row.sender,
                "sender_label": sender,
                "text": row.text or "",
                "time": local_time(row.created_at, timezone, lang=lang),
                "buttons": [b.get("title", "") for b in row.buttons or [] if isinstance(b, dict)],
                "bundle_size": len(bundle.get("services") or []) if isinstance(bundle, dict) else None,
                "redacted": list(row.redacted_kinds or []),
            }
        )
    return out


def citizen_words(rows: Sequence[MessageRow], limit: int = 3) -> List[str]:
    """What the person wrote before an agent joined (their first messages, already redacted), as they wrote
    it: the agent reads the request in the person's own language, not a paraphrase."""
    said = []
    for row in rows:
        if row.sender == "agent":
            break
        if row.sender == "user" and (row.text or "").strip():
            said.append(row.text.strip())
    return said[:limit]


def agent_names(db_session: Session, ids: Iterable[Optional[int]]) -> Dict[int, str]:
    names: Dict[int, str] = {}
    for user_id in {i for i in ids if i}:
        user = db_session.get(UserRow, user_id)
        if user is not None:
            names[user_id] = user.display_name
    return names


def phone_queue(snapshot: CatalogueSnapshot, events: Sequence[str], handoff_queue: Optional[str]) -> str:
    """The queue a phone case belongs to: the first life event's, else the handoff rule's, else general."""
    known = queues()
    for event in events:
        life_event = snapshot.life_events.get(event)
        if life_event is not None and life_event.queue in known:
            return life_event.queue
    if handoff_queue in known:
        return str(handoff_queue)
    return "general"


def audit(db_session: Session, *, actor: Any, action: str, case: CaseRow, **detail: Any) -> None:
    """One audit entry about a case, in the caller's transaction. Detail holds
    codes and references only: never what people wrote."""
    audit_log.record(db_session, actor, action, "case", case.id, {"reference": case.reference, **detail})
