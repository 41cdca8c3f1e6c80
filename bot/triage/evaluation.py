"""`onewindow eval`: score triage on a labelled file of cases.

    cases:
      - {text: "...", events: [birth], handoff: false, urgent: false,
         services: [on-newborn-registration-service], not_services: [ca-cpp-death-benefit]}

`events` is the exact expected set; `handoff`/`urgent` absent mean false and
null means either is fine; a service counts as in the bundle when it is listed
or covered by a listed service."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set

import yaml

from onewindow_catalogue.snapshot import CatalogueSnapshot


class CasesFileError(ValueError):
    pass


@dataclass
class Case:
    line: int
    text: str
    events: Set[str]
    handoff: Optional[bool] = False
    urgent: Optional[bool] = False
    services: List[str] = field(default_factory=list)
    not_services: List[str] = field(default_factory=list)


def load_cases(path: Path, snapshot: CatalogueSnapshot) -> List[Case]:
    """Parsed cases, or CasesFileError listing every problem with its case number."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CasesFileError(f"{path}: no such file") from None
    except yaml.YAMLError as error:
        raise CasesFileError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise CasesFileError(f"{path}: expected a mapping with a 'cases' list")
    cases, problems = [], []
    for number, raw in enumerate(data["cases"], start=1):
        where = f"{path}: case {number}"
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"].strip():
            problems.append(f"{where}: needs 'text'")
            continue
        events = raw.get("events", [])
        unknown = [e for e in events if e not in snapshot.life_events] if isinstance(events, list) else None
        if unknown is None:
            problems.append(f"{where}: 'events' must be a list")
            continue
        if unknown:
            problems.append(f"{where}: unknown life event(s) {unknown}")
        for key in ("services", "not_services"):
            missing = [s for s in raw.get(key) or [] if s not in snapshot.services]
            if missing:
                problems.append(f"{where}: unknown service id(s) in {key}: {missing}")
        for key in ("handoff", "urgent"):
            if key in raw and raw[key] not in (True, False, None):
                problems.append(f"{where}: '{key}' must be true, false or null")
        cases.append(
            Case(
                number,
                raw["text"],
                set(events),
                raw.get("handoff", False),
                raw.get("urgent", False),
                list(raw.get("services") or []),
                list(raw.get("not_services") or []),
            )
        )
    if problems:
        raise CasesFileError("\n".join(problems))
    return cases


def in_bundle(result: Dict[str, Any], snapshot: CatalogueSnapshot) -> Set[str]:
    """Services listed, plus every service a listed one covers (transitively)."""
    present = {s["id"] for s in result["bundle"]["services"]}
    stack = list(present)
    while stack:
        for covered in snapshot.services[stack.pop()].service.covers:
            if covered not in present and covered in snapshot.services:
                present.add(covered)
                stack.append(covered)
    return present


def score(cases: Iterable[Case], results: Iterable[Dict[str, Any]], snapshot: CatalogueSnapshot) -> Dict[str, Any]:
    pairs = list(zip(cases, results, strict=True))
    events = list(snapshot.life_events)
    counts = {e: {"tp": 0, "fp": 0, "fn": 0} for e in events}
    exact = misrouted = 0
    handoff = {"tp": 0, "fp": 0, "fn": 0}
    urgent_expected = urgent_found = 0
    expected_services = found_services = 0
    unwanted = unwanted_present = 0
    failures = []
    for case, result in pairs:
        got = {e["id"] for e in result["life_events"]}
        for event in events:
            counts[event]["tp"] += event in got and event in case.events
            counts[event]["fp"] += event in got and event not in case.events
            counts[event]["fn"] += event not in got and event in case.events
        reasons = []
        if got == case.events:
            exact += 1
        else:
            reasons.append(f"events {sorted(got)} != {sorted(case.events)}")
        needed = bool(result["handoff"]["needed"])
        if case.handoff is not None:
            handoff["tp"] += needed and case.handoff
            handoff["fp"] += needed and not case.handoff
            handoff["fn"] += (not needed) and case.handoff
            if needed != case.handoff:
                reasons.append(f"handoff {needed} != {case.handoff}")
        if case.urgent is not None:
            if case.urgent:
                urgent_expected += 1
                urgent_found += bool(result["urgent"])
            if bool(result["urgent"]) != case.urgent:
                reasons.append(f"urgent {result['urgent']} != {case.urgent}")
        present = in_bundle(result, snapshot)
        missing = [s for s in case.services if s not in present]
        wrong = [s for s in case.not_services if s in present]
        expected_services += len(case.services)
        found_services += len(case.services) - len(missing)
        unwanted += len(case.not_services)
        unwanted_present += len(wrong)
        if reasons:
            misrouted += 1
        if reasons or missing or wrong:
            failures.append(
                {
                    "case": case.line,
                    "text": case.text,
                    "problems": reasons
                    + ([f"missing services {missing}"] if missing else [])
                    + ([f"wrong services {wrong}"] if wrong else []),
                }
            )
    total = max(1, len(pairs))
    return {
        "cases": len(pairs),
        "event_exact_match": round(exact / total, 4),
        "per_event": {e: _prf(**counts[e]) for e in events},
        "handoff": _prf(**handoff),
        "urgent_recall": round(urgent_found / urgent_expected, 4) if urgent_expected else None,
        "service_recall": round(found_services / expected_services, 4) if expected_services else None,
        "wrong_service_rate": round(unwanted_present / unwanted, 4) if unwanted else None,
        "misrouted_rate": round(misrouted / total, 4),
        "failures": failures,
    }


def _prf(tp: int, fp: int, fn: int) -> Dict[str, Optional[float]]:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {
        k: (round(v, 4) if v is not None else None)
        for k, v in {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}.items()
    }


def report(scores: Dict[str, Any]) -> str:
    """A plain-text report for a person."""
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
    lines = [
        f"cases                 {scores['cases']}",
        f"event exact match     {fmt(scores['event_exact_match'])}",
        f"misrouted rate        {fmt(scores['misrouted_rate'])}",
        f"urgent recall         {fmt(scores['urgent_recall'])}",
        f"handoff precision     {fmt(scores['handoff']['precision'])}   recall {fmt(scores['handoff']['recall'])}",
        f"service recall        {fmt(scores['service_recall'])}",
        f"wrong-service rate    {fmt(scores['wrong_service_rate'])}",
        "per event             precision  recall  f1",
    ]
    for event, prf in scores["per_event"].items():
        lines.append(f"  {event:<19} {fmt(prf['precision']):>9}  {fmt(prf['recall']):>6}  {fmt(prf['f1'])}")
    if scores["failures"]:
        lines.append(f"failures ({len(scores['failures'])}):")
        for failure in scores["failures"]:
            lines.append(f"  #{failure['case']}: {failure['text'][:80]!r}: {'; '.join(failure['problems'])}")
    return "\n".join(lines)
