"""Checks across a whole catalogue. Each problem names the file, the entry and
the field, so a service owner can go straight to it; a catalogue with any
problem is never loaded (import is all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

from onewindow_catalogue import conditions
from onewindow_catalogue.municipalities import MunicipalityDirectory
from onewindow_catalogue.seed_format import Catalogue
from onewindow_catalogue.text import SUPPORTED_LANGUAGES

REVIEWED_TEXTS = ("name", "summary")  # a service without these in every language is listed for review


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, self.entry, self.field) if part)
        return f"{where}: {self.message}"

    def as_dict(self) -> Dict[str, str | None]:
        return {"file": self.file, "entry": self.entry, "field": self.field, "message": self.message}


class CatalogueInvalid(ValueError):
    """Raised with every problem found; nothing was loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s):\n" + "\n".join(f"  {p}" for p in self.problems))


def check_catalogue(
    catalogue: Catalogue, municipalities: MunicipalityDirectory, files: Dict[str, str] | None = None
) -> List[Problem]:
    """Every cross-entry problem. `files` names the file each section came from."""
    files = files or {}
    problems: List[Problem] = []
    problems += _duplicates("life_events", [e.id for e in catalogue.life_events], files)
    problems += _duplicates("facts", [f.id for f in catalogue.facts], files)
    problems += _duplicates("organisations", [o.id for o in catalogue.organisations], files)
    problems += _duplicates("services", [s.id for s in catalogue.services], files)

    events = {e.id for e in catalogue.life_events}
    facts = {f.id: f for f in catalogue.facts}
    organisations = {o.id: o for o in catalogue.organisations}
    services = {s.id: s for s in catalogue.services}

    facts_file = files.get("facts", "facts")
    for fact in catalogue.facts:
        for event in fact.life_events:
            if event not in events:
                problems.append(Problem(facts_file, fact.id, "life_events", f"unknown life event '{event}'"))
    for fact in catalogue.facts:
        for value, implied in fact.implies.items():
            try:
                fact.parse(value)
            except ValueError as error:
                problems.append(Problem(facts_file, fact.id, f"implies.{value}", str(error)))
            for other, other_value in implied.items():
                target = facts.get(other)
                if target is None or other == fact.id:
                    problems.append(Problem(facts_file, fact.id, f"implies.{value}", f"unknown fact '{other}'"))
                elif target.check_value(other_value):
                    problems.append(
                        Problem(facts_file, fact.id, f"implies.{value}.{other}", target.check_value(other_value))
                    )
    events_file = files.get("life_events", "life_events")
    for event in catalogue.life_events:
        for index, suggestion in enumerate(event.suggests):
            where = f"suggests[{index}]"
            if suggestion.event not in events or suggestion.event == event.id:
                message = f"unknown life event '{suggestion.event}'"
                problems.append(Problem(events_file, event.id, f"{where}.event", message))
            for error in conditions.check_shape(suggestion.when, facts, f"{where}.when", events):
                problems.append(Problem(events_file, event.id, error.path, str(error).split(": ", 1)[1]))
        date_fact = facts.get(event.date_fact)
        if date_fact is None or date_fact.type != "date":
            problems.append(Problem(events_file, event.id, "date_fact", f"'{event.date_fact}' is not a date fact"))

    organisations_file = files.get("organisations", "organisations")
    for organisation in catalogue.organisations:
        if organisation.municipality and organisation.municipality not in municipalities:
            problems.append(
                Problem(
                    organisations_file,
                    organisation.id,
                    "municipality",
                    f"unknown municipality '{organisation.municipality}'",
                )
            )

    services_file = files.get("services", "services")
    for service in catalogue.services:

        def problem(field: str, message: str, service_id: str = service.id) -> None:
            problems.append(Problem(services_file, service_id, field, message))

        for event in service.life_events:
            if event not in events:
                problem("life_events", f"unknown life event '{event}'; known: {', '.join(sorted(events))}")
        organisation = organisations.get(service.organisation)
        if organisation is None:
            problem("organisation", f"unknown organisation '{service.organisation}'")
        for relation in ("requires", "covers"):
            for target in getattr(service, relation):
                if target == service.id:
                    problem(relation, "a service cannot refer to itself")
                elif target not in services:
                    problem(relation, f"unknown service '{target}'")
        if isinstance(service.municipalities, list):
            for name in service.municipalities:
                if name not in municipalities:
                    problem(
                        "municipalities",
                        f"unknown municipality '{name}' (use the official name, e.g. 'City of Toronto')",
                    )
        if service.applies_when.condition is not None:
            for error in conditions.check_shape(
                service.applies_when.condition, facts, "applies_when.condition", events
            ):
                problem(error.path, str(error).split(": ", 1)[1])
    problems += _requires_cycles(catalogue, services_file)
    return problems


def _duplicates(section: str, ids: Iterable[str], files: Dict[str, str]) -> List[Problem]:
    seen, problems = set(), []
    for entry_id in ids:
        if entry_id in seen:
            problems.append(Problem(files.get(section, section), entry_id, "id", f"duplicate id '{entry_id}'"))
        seen.add(entry_id)
    return problems


def _requires_cycles(catalogue: Catalogue, file: str) -> List[Problem]:
    """Depth-first search for cycles in `requires`; one problem per cycle."""
    graph = {s.id: [t for t in s.requires] for s in catalogue.services}
    state: Dict[str, int] = {}  # 1 = on the current path, 2 = finished
    problems: List[Problem] = []
    reported = set()

    def visit(node: str, path: List[str]) -> None:
        state[node] = 1
        path.append(node)
        for target in graph.get(node, []):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycle = path[path.index(target) :] + [target]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.append(Problem(file, target, "requires", "cycle in requires: " + " -> ".join(cycle)))
            elif state.get(target) is None:
                visit(target, path)
        path.pop()
        state[node] = 2

    for node in graph:
        if state.get(node) is None:
            visit(node, [])
    return problems


def official_sources(source: str | None) -> List[str]:
    """The parts of a `source` text not marked 'secondary:' (parts are separated
    by '; ' outside parentheses; official sources come first, secondary ones
    say so), so an entry resting only on secondary sources can be listed."""
    parts, depth, current = [], 0, ""
    for char in source or "":
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth <= 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part and not part.lower().startswith("secondary:")]


def review_warnings(catalogue: Catalogue, files: Dict[str, str] | None = None) -> List[Problem]:
    """What a catalogue may be loaded with but a person should look at: a
    service without its French name or summary (the citizen then sees the
    English text, marked as such) or resting only on secondary sources.
    Never blocks an import."""
    file = (files or {}).get("services", "services")
    warnings: List[Problem] = []
    for service in catalogue.services:
        if not official_sources(service.source):
            warnings.append(
                Problem(file, service.id, "source", "no official source (only secondary ones): listed for review")
            )
        for name in REVIEWED_TEXTS:
            text = getattr(service, name) or {}
            for lang in SUPPORTED_LANGUAGES:
                if not (text.get(lang) or "").strip():
                    warnings.append(Problem(file, service.id, f"{name}.{lang}", f"no '{lang}' text: listed for review"))
    return warnings


def translated_share(catalogue: Catalogue, lang: str = "fr") -> Tuple[int, int]:
    """(services with a name and summary in `lang`, all services)."""
    done = sum(
        1
        for service in catalogue.services
        if all((getattr(service, name) or {}).get(lang, "").strip() for name in REVIEWED_TEXTS)
    )
    return done, len(catalogue.services)
