"""`onewindow explain "text"`: why a message was routed as it was.

Agents and service owners ask why the assistant chose what it chose. This puts side by side, for one message:
- the model's scores: DIET's intent ranking before any rule touched it (`model_intent_ranking`, kept in the parse
  by LifeEventRecogniser), each life event's learned probability P(e) (EventClassifier's `event_scores`) against
  its threshold, and the HandoffClassifier's learned urgency and reason scores with their thresholds (config.yml);
- the rules that fired: the safety patterns, the life-event cues (strong, vetoed; English text only), the
  handoff rules (a request for a person, a complex case);
- the final decision (the same `triage()` the chat and the console use) and, in plain sentences, which of the
  above decided each part of it.
Pure logic on a parse; the command (bot/cli/explain.py) gets the parse from the model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

from bot.components.life_event_recogniser import cues_apply
from bot.components.life_events import EVENTS, detect_events, intent_mass
from bot.handoff.rules import asks_for_person, complex_case_reason, learned_reason
from bot.safety import detect
from bot.triage.service import triage

CONFIG_PATH = Path(__file__).resolve().parents[2] / "config.yml"
HANDOFF_COMPONENT = "bot.components.handoff_classifier.HandoffClassifier"
EVENTS_COMPONENT = "bot.components.life_event_recogniser.LifeEventRecogniser"
MODEL_RANKING_KEY = "model_intent_ranking"
SHOWN = 5  # intents shown of the ranking


@lru_cache(maxsize=1)
def thresholds(path: Path = CONFIG_PATH) -> Dict[str, float]:
    """The learned scores' thresholds as config.yml sets them (the component's defaults where it does not)."""
    from bot.components.handoff_classifier import HandoffClassifier
    from bot.components.life_event_recogniser import LifeEventRecogniser

    values = {**HandoffClassifier.get_default_config(), **LifeEventRecogniser.get_default_config()}
    pipeline = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("pipeline") or []
    for component in pipeline:
        if isinstance(component, dict) and component.get("name") in (HANDOFF_COMPONENT, EVENTS_COMPONENT):
            values.update(component)
    return {
        "urgent": float(values["urgent_threshold"]),
        "reason": float(values["reason_threshold"]),
        "event": float(values["event_threshold"]),
        "cue_languages": list(values.get("cue_languages") or []),
    }


def _ranking(entries: Any) -> List[Dict[str, Any]]:
    return [
        {"name": str(e.get("name")), "confidence": round(float(e.get("confidence") or 0.0), 4)}
        for e in entries or []
        if isinstance(e, Mapping)
    ]


def model_scores(parse: Mapping[str, Any]) -> Dict[str, Any]:
    """What the learned parts said, before any rule."""
    model_ranking = _ranking(parse.get(MODEL_RANKING_KEY) or parse.get("intent_ranking"))
    signals = parse.get("handoff_signals") or {}
    limits = thresholds()
    return {
        "intent_ranking": model_ranking[:SHOWN],
        "event_ranking": _ranking(parse.get("event_ranking"))[:SHOWN],
        "event_support": {
            event: round(float(score), 4)
            for event, score in (parse.get("event_scores") or intent_mass(model_ranking)).items()
        },
        "event_threshold": limits["event"],
        "urgent": {
            "score": float(signals.get("urgent_confidence") or 0.0),
            "threshold": limits["urgent"],
            "fires": bool(signals.get("urgent")),
        },
        "reason": {
            "label": signals.get("reason"),
            "score": float(signals.get("reason_confidence") or 0.0),
            "threshold": limits["reason"],
            "fires": bool(signals.get("reason")),
        },
    }


def rules_fired(text: str, parse: Mapping[str, Any], events: List[str]) -> List[Dict[str, Any]]:
    """Every rule that fired on the text, by layer."""
    fired: List[Dict[str, Any]] = []
    signal = detect(text)
    if signal is not None:
        fired.append({"layer": "safety", "rule": signal.kind, "matched": signal.matched})
    for event, cue in (detect_events(text) if cues_apply(text, thresholds()["cue_languages"]) else {}).items():
        entry = {"layer": "life_event_cue", "event": event, "strength": cue.strength, "rule": cue.phrase}
        entry["matched"] = cue.text
        if cue.vetoed_by:
            entry["vetoed_by"] = cue.vetoed_by
        fired.append(entry)
    if asks_for_person(text):
        fired.append({"layer": "handoff", "rule": "asks_for_person"})
    entities = parse.get("entities") or []
    case = complex_case_reason(text, entities, events)
    if case:
        fired.append({"layer": "handoff", "rule": case})
    return fired


def _urgent_why(result: Mapping[str, Any], parse: Mapping[str, Any], scores: Mapping[str, Any]) -> str:
    urgent = scores["urgent"]
    source = (parse.get("safety") or {}).get("source")
    if result["safety"]:
        return (
            f"Urgent: the safety rule '{result['safety']['kind']}' fired; the crisis referral and the priority queue."
        )
    if result["urgent"] and source == "learned":
        return (
            f"Urgent: no safety rule fired, but the learned urgency score {urgent['score']:.2f} is at or above "
            f"its threshold {urgent['threshold']:.2f}."
        )
    if result["urgent"]:
        return "Urgent: the model ranked `crisis` first and a word that can go with a crisis confirms it."
    return (
        f"Not urgent: no safety rule fired and the learned urgency score {urgent['score']:.2f} is below "
        f"its threshold {urgent['threshold']:.2f}."
    )


def _event_why(parse: Mapping[str, Any], result: Mapping[str, Any], scores: Mapping[str, Any]) -> List[str]:
    chosen = {e.get("id"): e for e in parse.get("life_events") or [] if isinstance(e, Mapping)}
    cues = {c["event"]: c for c in scores["_cues"]}
    support = scores["event_support"]
    threshold = scores["event_threshold"]
    lines = []
    for event in EVENTS:
        cue = cues.get(event)
        s = support.get(event, 0.0)
        if event in chosen and str(chosen[event].get("source") or "") == "strong cue":
            lines.append(
                f"{event}: in, a strong cue '{cue['rule'] if cue else '?'}' (\"{cue['matched'] if cue else ''}\")."
            )
        elif event in chosen:
            lines.append(f"{event}: in, the model's P({event}) {s:.2f} >= {threshold:.2f} and no veto.")
        elif cue and cue["strength"] == "veto":
            lines.append(f"{event}: out, vetoed by '{cue.get('vetoed_by') or cue['rule']}' (model P {s:.2f}).")
        elif s >= 0.2:
            lines.append(f"{event}: out, no cue and the model's P({event}) {s:.2f} < {threshold:.2f}.")
    if not chosen:
        lines.append("No life event: nothing above decided one.")
    if result["urgent"] and not chosen:
        lines.append("(A crisis is answered first; the events it mentions wait.)")
    return lines


def _handoff_why(result: Mapping[str, Any], parse: Mapping[str, Any], text: str, scores: Mapping[str, Any]) -> str:
    handoff = result["handoff"]
    reason = str(handoff.get("reason") or "")
    if not handoff["needed"]:
        return (
            "No handoff: no request for a person, no complex case in the rules, "
            "and no learned reason above its threshold."
        )
    if reason == "urgent":
        return f"Handoff to the {handoff['queue']} queue because the message is urgent."
    if reason == "asked_for_person":
        how = "the words ask for a person (rule)" if asks_for_person(text) else "the model's intent is request_human"
        return f"Handoff to the {handoff['queue']} queue: {how}."
    if reason.startswith("complex_case:"):
        events = [e["id"] for e in result["life_events"]]
        if complex_case_reason(text, parse.get("entities") or [], events) == reason:
            return f"Handoff to the {handoff['queue']} queue: the rule for {reason.split(':', 1)[1]} fired."
        learned = scores["reason"]
        if learned_reason(parse.get("handoff_signals"), text, parse.get("entities") or [], events) == reason:
            return (
                f"Handoff to the {handoff['queue']} queue: the learned reason '{learned['label']}' scored "
                f"{learned['score']:.2f} >= {learned['threshold']:.2f}, and no rule ruled it out."
            )
    return f"Handoff to the {handoff['queue']} queue ({reason})."


def explain(text: str, parse: Mapping[str, Any], snapshot: Any, lang: str = "en") -> Dict[str, Any]:
    """The explanation of one already-redacted message and the model's parse of it."""
    result = triage(text, parse, snapshot, lang)
    events = [e["id"] for e in result["life_events"]]
    scores = model_scores(parse)
    fired = rules_fired(text, parse, events)
    scores["_cues"] = [f for f in fired if f["layer"] == "life_event_cue"]
    why = [
        _urgent_why(result, parse, scores),
        *_event_why(parse, result, scores),
        _handoff_why(result, parse, text, scores),
    ]
    scores.pop("_cues")
    return {
        "text": text,
        "model": scores,
        "rules": fired,
        "decision": {
            "life_events": events,
            "intent": result["intent"],
            "urgent": result["urgent"],
            "handoff": result["handoff"],
        },
        "why": why,
    }


def render(explanation: Mapping[str, Any]) -> str:
    """The explanation as text for a person at a terminal."""
    model = explanation["model"]
    lines = [f"Message: {explanation['text']}", "", "Model scores (before any rule):"]
    for entry in model["intent_ranking"]:
        lines.append(f"  {entry['confidence']:.3f}  {entry['name']}")
    support = ", ".join(f"{event} {score:.2f}" for event, score in model["event_support"].items())
    lines.append(f"  life events P(e): {support} (threshold {model['event_threshold']:.2f})")
    urgent, reason = model["urgent"], model["reason"]
    lines.append(f"  learned urgency {urgent['score']:.3f} (threshold {urgent['threshold']:.2f})")
    label: Optional[str] = reason["label"]
    lines.append(f"  learned reason {label or 'none'} {reason['score']:.3f} (threshold {reason['threshold']:.2f})")
    lines += ["", "Rules that fired:"]
    if not explanation["rules"]:
        lines.append("  none")
    for rule in explanation["rules"]:
        details = ", ".join(f"{k}={v!r}" for k, v in rule.items() if k != "layer")
        lines.append(f"  {rule['layer']}: {details}")
    decision = explanation["decision"]
    lines += [
        "",
        "Decision:",
        f"  life events {decision['life_events'] or 'none'}; intent {decision['intent']['name']}; "
        f"urgent {decision['urgent']}; handoff {decision['handoff']['needed']} ({decision['handoff']['reason']})",
        "",
        "Why:",
    ]
    lines += [f"  - {line}" for line in explanation["why"]]
    return "\n".join(lines)
