"""May we recommend: a second life event the person did not ask about but
whose facts point to it (a deceased person's business, a newborn in a family
that has just moved here). Rules are data (life_events.yml `suggests`); the
assistant offers each as a question with its reason, and adds nothing unless
the person says yes."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from onewindow_catalogue import conditions
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.text import localise


def suggestions(
    snapshot: CatalogueSnapshot, events: Sequence[str], said: Mapping[str, Any], lang: str = "en"
) -> List[Dict[str, Any]]:
    """[{event, title, why, because: [facts]}] for events not in `events` whose rule
    holds on what the person said (`said`: typed facts, whatever event they belong to)."""
    active = frozenset(events)
    offered: Dict[str, Dict[str, Any]] = {}
    for event_id in events:
        event = snapshot.life_events.get(event_id)
        for rule in event.suggests if event else []:
            if rule.event in active or rule.event in offered or rule.event not in snapshot.life_events:
                continue
            if conditions.evaluate(rule.when, said, active).value is True:
                offered[rule.event] = {
                    "event": rule.event,
                    "title": localise(snapshot.life_events[rule.event].title, lang),
                    "why": localise(rule.why, lang),
                    "because": sorted(conditions.facts_in(rule.when) & set(said)),
                }
    return list(offered.values())
