"""The plan as pages show it: one section per phase (when to act), each
top-level step with the steps its application covers nested under it. The
order and phases come from the bundle's `plan` (catalogue/plan.py); nothing
here re-sorts, so the chat, the printable page, the console and the API agree."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping


def plan_groups(bundle: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """[{phase, title, services: [service + {step, included: [...]}]}] in plan order.

    A bundle saved before plans existed (no `plan`) is one untitled group in
    its stored order, so old conversations still print."""
    services = [s for s in bundle.get("services") or [] if isinstance(s, dict)]
    plan = bundle.get("plan") if isinstance(bundle.get("plan"), dict) else {}
    steps = {step["id"]: step for step in plan.get("steps") or [] if isinstance(step, dict) and "id" in step}
    covered: Dict[str, List[Dict[str, Any]]] = {}
    for service in services:
        if service.get("covered_by"):
            covered.setdefault(service["covered_by"], []).append({**service, "step": steps.get(service["id"])})
    top = [
        {**s, "step": steps.get(s["id"]), "included": covered.get(s["id"], [])}
        for s in services
        if not s.get("covered_by")
    ]
    phases = [p for p in plan.get("phases") or [] if isinstance(p, dict)]
    if not phases:
        return [{"phase": "all", "title": None, "services": top}] if top else []
    groups = []
    placed = set()
    for phase in phases:
        items = [s for s in top if (s["step"] or {}).get("phase") == phase.get("id")]
        placed.update(s["id"] for s in items)
        if items:
            groups.append({"phase": phase.get("id"), "title": phase.get("title"), "services": items})
    rest = [s for s in top if s["id"] not in placed]
    if rest:
        groups.append({"phase": "other", "title": None, "services": rest})
    return groups


def step_reasons(service: Mapping[str, Any]) -> str:
    """The step's reasons as one line ("Due by 2027-02-04 · Needed before: …")."""
    step = service.get("step") or {}
    return " · ".join(r.get("text", "") for r in step.get("reasons") or [] if isinstance(r, dict) and r.get("text"))


def understood_corrections(bundle: Any) -> List[Dict[str, str]]:
    """The correction buttons of a bundle's "What I understood" block
    ({title, payload}): the router accepts them as offered, like quick replies."""
    if not isinstance(bundle, dict):
        return []
    buttons = []
    for item in bundle.get("understood") or []:
        if not isinstance(item, dict):
            continue
        for option in item.get("options") or []:
            if isinstance(option, dict) and option.get("payload"):
                title = str(option.get("label") or option["payload"])
                buttons.append({"title": title, "payload": str(option["payload"])})
    return buttons
