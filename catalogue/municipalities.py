"""Ontario's 444 municipalities and the names people actually use for them.

Municipal services are scoped to a municipality or its upper-tier region, so
"I live in Streetsville" must reach Mississauga's and Peel Region's services.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Tuple

import yaml

SEED_DIR = Path(__file__).parent / "seed"


@dataclass(frozen=True)
class Municipality:
    name: str
    short_name: str
    tier: str
    region: str | None
    area: str | None = None  # geographic area (county or district) of single- and upper-tier municipalities

    def served_by(self) -> Tuple[str, ...]:
        """The names a municipal service may be scoped to that reach this place:
        the municipality itself and its upper-tier region."""
        return (self.name, self.region) if self.region else (self.name,)


def place_label(municipality: Municipality | Mapping[str, Any], lang: str) -> str | None:
    """The place as a text in `lang` names it. Official names are English ("City of Ottawa"), so English says
    that and other languages say the place itself ("Ottawa"), or the official name when there is no short one.
    Takes a Municipality or its view in a bundle's JSON (`name`, `short_name`), the one rule for both."""
    if isinstance(municipality, Municipality):
        name, short_name = municipality.name, municipality.short_name
    else:
        name, short_name = municipality.get("name"), municipality.get("short_name")
    return (short_name if lang != "en" else None) or name


class MunicipalityDirectory:
    """Look-ups by official name, short name or common alias, case-insensitively."""

    def __init__(self, municipalities: Iterable[Municipality], aliases: Dict[str, str]) -> None:
        self.by_name: Dict[str, Municipality] = {m.name: m for m in municipalities}
        self._lookup: Dict[str, Municipality] = {}
        # Official names win, then the aliases people use ("York" is Toronto's
        # former city, not York Region), then short names — where two share a
        # short name, a city or single-tier municipality before the others.
        for municipality in self.by_name.values():
            self._lookup.setdefault(municipality.name.lower(), municipality)
        for alias, official in aliases.items():
            if official in self.by_name:
                self._lookup.setdefault(alias.lower(), self.by_name[official])
        for municipality in sorted(self.by_name.values(), key=_short_name_priority):
            self._lookup.setdefault(municipality.short_name.lower(), municipality)
        self.aliases = {alias: official for alias, official in aliases.items() if official in self.by_name}

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def __len__(self) -> int:
        return len(self.by_name)

    def find(self, text: str) -> Municipality | None:
        """The municipality a person means by `text`, if any."""
        return self._lookup.get(" ".join(text.lower().split()))

    def names_for_matching(self) -> List[Tuple[str, str]]:
        """(surface form, official name) pairs for rule-based recognisers."""
        return sorted({(surface, municipality.name) for surface, municipality in self._lookup.items()})


def _short_name_priority(municipality: Municipality) -> Tuple[int, str]:
    rank = {"single-tier": 0, "lower-tier": 1, "upper-tier": 2}.get(municipality.tier, 3)
    return (0 if municipality.name.startswith("City of") else 1, rank, municipality.name)


def _short_name(entry: Dict[str, str]) -> str:
    if entry.get("short_name"):
        return entry["short_name"]
    name, form = entry["name"], entry.get("legal_form") or ""
    for prefix in (f"{form} of the ", f"{form} of "):
        if form and name.startswith(prefix):
            return name[len(prefix) :]
    return name


@lru_cache(maxsize=4)
def load_directory(seed_dir: Path = SEED_DIR) -> MunicipalityDirectory:
    data = json.loads((seed_dir / "municipalities.json").read_text(encoding="utf-8"))
    municipalities = [
        Municipality(
            name=entry["name"],
            short_name=_short_name(entry),
            tier=entry["tier"],
            region=entry.get("region"),
            area=entry.get("geographic_area"),
        )
        for entry in data["municipalities"]
    ]
    alias_file = seed_dir / "municipality_aliases.yml"
    aliases = yaml.safe_load(alias_file.read_text(encoding="utf-8")) if alias_file.exists() else {}
    return MunicipalityDirectory(municipalities, aliases or {})
