"""Field-by-field differences between two versions of an entry, and the
three-way merge that keeps a colleague's published changes when a draft
started from an older version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

# Read and replaced whole: a structured condition or a list of rules has no
# meaningful field-by-field merge.
ATOMIC = ("applies_when.condition",)
MISSING = object()


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any

    def as_dict(self) -> Dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


def flatten(data: Optional[Dict[str, Any]], prefix: str = "") -> Dict[str, Any]:
    """{"name": {"en": "x"}} -> {"name.en": "x"}; lists and ATOMIC paths stay whole."""
    flat: Dict[str, Any] = {}
    for key, value in (data or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and path not in ATOMIC:
            flat.update(flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def unflatten(flat: Dict[str, Any], order: List[str]) -> Dict[str, Any]:
    """The inverse of flatten; top-level keys follow `order` where known."""
    nested: Dict[str, Any] = {}
    for path in sorted(flat, key=lambda p: _order_key(p, order)):
        parts = path.split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = flat[path]
    return nested


def _order_key(path: str, order: List[str]) -> Tuple[int, str]:
    top = path.split(".", 1)[0]
    return (order.index(top) if top in order else len(order), "")


def diff(before: Optional[Dict[str, Any]], after: Optional[Dict[str, Any]]) -> List[Change]:
    """The fields that differ, in the entry's field order; absent values are None."""
    old, new = flatten(before), flatten(after)
    paths = list(dict.fromkeys([*old, *new]))
    return [Change(path, old.get(path), new.get(path)) for path in paths if old.get(path) != new.get(path)]


def three_way(base: Dict[str, Any], mine: Dict[str, Any], theirs: Dict[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    """Merge my draft (started from `base`) onto `theirs` (published since):
    fields only I changed take my value, fields only they changed keep theirs;
    fields we both changed differently keep mine and are listed as conflicts
    for a person to check."""
    flat_base, flat_mine, flat_theirs = flatten(base), flatten(mine), flatten(theirs)
    merged: Dict[str, Any] = {}
    conflicts: List[str] = []
    for path in dict.fromkeys([*flat_theirs, *flat_mine, *flat_base]):
        b, m, t = (flat.get(path, MISSING) for flat in (flat_base, flat_mine, flat_theirs))
        if m == b:
            value = t
        elif t in (b, m):
            value = m
        else:
            value = m
            conflicts.append(path)
        if value is not MISSING:
            merged[path] = value
    order = list(dict.fromkeys([*theirs, *mine]))
    return unflatten(merged, order), conflicts
