"""How much of the official checklists the catalogue covers.

The lists are data (seed/official_checklists.yml): per life event, each item
an official page names, its source addresses, and either the catalogue
services that cover it or a documented reason it is left out. An item that
names an unknown service, or a service outside its life event, is an error;
an item with neither services nor a reason is missing, and
`onewindow catalogue coverage` and tests/catalogue hold it to account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from onewindow_catalogue.municipalities import SEED_DIR
from onewindow_catalogue.seed_format import Catalogue

FILE_NAME = "official_checklists.yml"
COVERED, PARTIAL, EXCLUDED, MISSING = "covered", "partial", "excluded", "missing"


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    title: str
    official: bool


@dataclass(frozen=True)
class Item:
    id: str
    event: str
    what: str
    sources: Tuple[str, ...]
    covered_by: Tuple[str, ...] = ()
    partial: Optional[str] = None
    excluded: Optional[str] = None

    @property
    def status(self) -> str:
        if self.excluded:
            return EXCLUDED
        if not self.covered_by:
            return MISSING
        return PARTIAL if self.partial else COVERED


@dataclass
class Checklists:
    sources: Dict[str, Source] = field(default_factory=dict)
    items: List[Item] = field(default_factory=list)

    def events(self) -> List[str]:
        return list(dict.fromkeys(item.event for item in self.items))


@dataclass(frozen=True)
class EventCoverage:
    event: str
    items: int
    covered: int
    partial: int
    excluded: int
    missing: int
    uncertain: int = 0  # covered items whose every covering entry is marked uncertain

    @property
    def percent(self) -> float:
        """Covered items over the items the catalogue means to cover (excluded ones are counted apart)."""
        counted = self.items - self.excluded
        return 100.0 * self.covered / counted if counted else 100.0


def parse_checklists(data: Mapping[str, Any] | None) -> Tuple[Checklists, List[str]]:
    """The checklists and every shape problem, as 'where: message' strings."""
    problems: List[str] = []
    result = Checklists()
    if not isinstance(data, Mapping):
        return result, ["expected a mapping with 'sources' and 'life_events'"]
    for sid, spec in (data.get("sources") or {}).items():
        if not isinstance(spec, Mapping) or not spec.get("url"):
            problems.append(f"sources.{sid}: needs a url")
            continue
        result.sources[str(sid)] = Source(
            str(sid), str(spec["url"]), str(spec.get("title", "")), bool(spec.get("official"))
        )
    seen = set()
    for event, items in (data.get("life_events") or {}).items():
        for index, raw in enumerate(items or []):
            where = f"life_events.{event}.{raw.get('id', index + 1) if isinstance(raw, Mapping) else index + 1}"
            if not isinstance(raw, Mapping) or not raw.get("id") or not raw.get("what"):
                problems.append(f"{where}: each item needs an id and 'what'")
                continue
            if raw["id"] in seen:
                problems.append(f"{where}: duplicate item id")
            seen.add(raw["id"])
            unknown = set(raw) - {"id", "what", "sources", "covered_by", "partial", "excluded"}
            if unknown:
                problems.append(f"{where}: unknown key(s) {sorted(unknown)}")
            item = Item(
                id=str(raw["id"]),
                event=str(event),
                what=str(raw["what"]),
                sources=tuple(str(s) for s in raw.get("sources") or ()),
                covered_by=tuple(str(s) for s in raw.get("covered_by") or ()),
                partial=raw.get("partial"),
                excluded=raw.get("excluded"),
            )
            if not item.sources:
                problems.append(f"{where}: give the source(s) that list this item")
            for source in item.sources:
                if source not in result.sources:
                    problems.append(f"{where}.sources: unknown source '{source}'")
            if item.excluded and item.covered_by:
                problems.append(f"{where}: an item is either covered or excluded, not both")
            result.items.append(item)
    return result, problems


def check_against(checklists: Checklists, catalogue: Catalogue) -> List[str]:
    """Problems between the lists and a catalogue: unknown events, unknown
    service ids, and services that would not appear in the item's event."""
    events = {event.id for event in catalogue.life_events}
    services = {service.id: service for service in catalogue.services}
    problems: List[str] = []
    for item in checklists.items:
        where = f"life_events.{item.event}.{item.id}"
        if item.event not in events:
            problems.append(f"{where}: unknown life event '{item.event}'")
        for sid in item.covered_by:
            service = services.get(sid)
            if service is None:
                problems.append(f"{where}.covered_by: unknown service '{sid}'")
            elif item.event not in service.life_events:
                problems.append(f"{where}.covered_by: '{sid}' is not part of the '{item.event}' life event")
    return problems


def read_checklists(path: Path) -> Tuple[Checklists, List[str]]:
    if not path.exists():
        return Checklists(), [f"{path}: no such file"]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        return Checklists(), [f"{path}: not valid YAML ({error})"]
    checklists, problems = parse_checklists(data)
    return checklists, [f"{path}:{problem}" for problem in problems]


def load_checklists(seed_dir: Path = SEED_DIR) -> Tuple[Checklists, List[str]]:
    return read_checklists(seed_dir / FILE_NAME)


def coverage(
    checklists: Checklists, catalogue: Catalogue | None = None, events: Sequence[str] | None = None
) -> List[EventCoverage]:
    """One row per life event, in the lists' order. With the catalogue, also
    how many covered items rest only on entries marked uncertain."""
    uncertain_ids = {s.id for s in catalogue.services if s.uncertain} if catalogue else set()
    rows = []
    for event in events or checklists.events():
        items = [item for item in checklists.items if item.event == event]
        count = {status: sum(1 for item in items if item.status == status) for status in (COVERED, PARTIAL, EXCLUDED)}
        missing = sum(1 for item in items if item.status == MISSING)
        shaky = sum(1 for item in items if item.status == COVERED and set(item.covered_by) <= uncertain_ids)
        rows.append(EventCoverage(event, len(items), count[COVERED], count[PARTIAL], count[EXCLUDED], missing, shaky))
    return rows


def coverage_table(
    checklists: Checklists, catalogue: Catalogue | None = None, titles: Mapping[str, str] | None = None
) -> List[str]:
    """The per-event table as Markdown lines (what `onewindow catalogue coverage` prints).
    coverage = covered / (items - excluded); 'of all' = covered / items."""
    titles = titles or {}
    lines = [
        "| life event | official items | covered | of which uncertain | partial | excluded | missing | coverage "
        "| of all |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in coverage(checklists, catalogue):
        strict = 100.0 * row.covered / row.items if row.items else 100.0
        lines.append(
            f"| {titles.get(row.event, row.event)} | {row.items} | {row.covered} | {row.uncertain} | {row.partial} "
            f"| {row.excluded} | {row.missing} | {row.percent:.0f}% | {strict:.0f}% |"
        )
    return lines


def open_items(checklists: Checklists) -> List[Item]:
    """Items still missing or only partly covered, for the review list."""
    return [item for item in checklists.items if item.status in (MISSING, PARTIAL)]
