"""One service entry as data: parsing it exactly as an import does, and
checking the whole catalogue with it swapped in before anything is published."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

from pydantic import ValidationError

from onewindow_catalogue.loading import plain
from onewindow_catalogue.municipalities import MunicipalityDirectory, load_directory
from onewindow_catalogue.seed_format import Catalogue, Service
from onewindow_catalogue.validation import Problem, check_catalogue

SECTION = "services"


def entry_dict(service: Service) -> Dict[str, Any]:
    """The seed-format entry as JSON-safe data (what the versions table and the API hold)."""
    return plain({"id": service.id, **service.dict(exclude_none=True, exclude_defaults=True)})


def parse_entry(data: Any, label: Optional[str] = None) -> Tuple[Optional[Service], List[Problem]]:
    """A Service, or the problems found, each naming its field — the same
    checks and messages as `onewindow catalogue import`."""
    if not isinstance(data, dict):
        return None, [Problem(SECTION, label, None, "each entry must be a mapping")]
    entry_id = data.get("id")
    label = label or (str(entry_id) if entry_id else "new service")
    try:
        return Service(**data), []
    except ValidationError as error:
        problems = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"] if part != "__root__") or None
            problems.append(Problem(SECTION, label, field, item["msg"]))
        return None, problems
    except TypeError as error:  # e.g. non-string keys
        return None, [Problem(SECTION, label, None, str(error))]


@lru_cache(maxsize=1)
def municipalities() -> MunicipalityDirectory:
    return load_directory()


def with_entries(published: Catalogue, changes: Dict[str, Optional[Service]]) -> Catalogue:
    """The published catalogue with entries replaced, added (at the end) or removed (None)."""
    services = []
    for service in published.services:
        if service.id in changes:
            if changes[service.id] is not None:
                services.append(changes[service.id])
        else:
            services.append(service)
    known = {service.id for service in published.services}
    services += [service for service_id, service in changes.items() if service_id not in known and service]
    return published.copy(update={"services": services})


def check_candidate(published: Catalogue, changes: Dict[str, Optional[Service]]) -> List[Problem]:
    """Every problem the catalogue would have after the changes. Problems on
    other entries (e.g. a service that still requires a retired one) are
    reported too: publishing must not break them."""
    candidate = with_entries(published, changes)
    problems = check_catalogue(candidate, municipalities(), {SECTION: SECTION})
    changed = set(changes)
    own = [problem for problem in problems if problem.entry in changed]
    others = [
        Problem(SECTION, problem.entry, problem.field, f"service '{problem.entry}' would break: {problem.message}")
        for problem in problems
        if problem.entry not in changed
    ]
    return own + others
