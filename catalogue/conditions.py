"""Conditions are data, never code: a small tree of `all` / `any` / `not` over
comparisons of named facts, evaluated with three-valued logic so that a fact
nobody has given yet becomes a question instead of a wrong answer.

    {"all": [{"fact": "business_structure", "eq": "corporation"},
             {"fact": "incorporation_jurisdiction", "eq": "ontario"}]}

A leaf `{"event": "birth"}` holds when that life event is part of the request,
so a service shared by several events can ask each event's own questions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import AbstractSet, Any, Callable, Collection, Dict, FrozenSet, List, Mapping

COMPARISONS: Dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda value, expected: value == expected,
    "ne": lambda value, expected: value != expected,
    "in": lambda value, expected: value in expected,
    "not_in": lambda value, expected: value not in expected,
    "gt": lambda value, expected: value > expected,
    "gte": lambda value, expected: value >= expected,
    "lt": lambda value, expected: value < expected,
    "lte": lambda value, expected: value <= expected,
}
LIST_OPERATORS = {"in", "not_in"}
ORDER_OPERATORS = {"gt", "gte", "lt", "lte"}
COMBINATORS = {"all", "any", "not"}


class ConditionError(ValueError):
    """A condition that is not well formed; `path` says where inside it."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


@dataclass(frozen=True)
class Outcome:
    """The value of a condition: True, False, or None (unknown) with the facts
    whose answers could still change it."""

    value: bool | None
    unknown_facts: FrozenSet[str] = frozenset()

    @property
    def is_unknown(self) -> bool:
        return self.value is None


TRUE = Outcome(True)
FALSE = Outcome(False)


def facts_in(condition: Mapping[str, Any] | None) -> FrozenSet[str]:
    """Every fact a (well-formed) condition mentions."""
    if not condition:
        return frozenset()
    if "all" in condition or "any" in condition:
        parts = condition.get("all") or condition.get("any") or []
        return frozenset().union(*(facts_in(part) for part in parts)) if parts else frozenset()
    if "not" in condition:
        return facts_in(condition["not"])
    if "event" in condition:
        return frozenset()
    return frozenset({condition["fact"]})


def evaluate(
    condition: Mapping[str, Any] | None, facts: Mapping[str, Any], events: AbstractSet[str] = frozenset()
) -> Outcome:
    """Evaluate with Kleene logic. A fact absent from `facts`, or present with
    value None ("the person does not know"), is unknown."""
    if not condition:
        return TRUE
    if "all" in condition:
        return _all([evaluate(part, facts, events) for part in condition["all"]])
    if "any" in condition:
        return _any([evaluate(part, facts, events) for part in condition["any"]])
    if "not" in condition:
        inner = evaluate(condition["not"], facts, events)
        return inner if inner.is_unknown else Outcome(not inner.value)
    if "event" in condition:
        return TRUE if condition["event"] in events else FALSE
    return _compare(condition, facts)


def _all(outcomes: List[Outcome]) -> Outcome:
    if any(outcome.value is False for outcome in outcomes):
        return FALSE
    unknown = [outcome for outcome in outcomes if outcome.is_unknown]
    if unknown:
        return Outcome(None, frozenset().union(*(o.unknown_facts for o in unknown)))
    return TRUE


def _any(outcomes: List[Outcome]) -> Outcome:
    if any(outcome.value is True for outcome in outcomes):
        return TRUE
    unknown = [outcome for outcome in outcomes if outcome.is_unknown]
    if unknown:
        return Outcome(None, frozenset().union(*(o.unknown_facts for o in unknown)))
    return FALSE


def _compare(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> Outcome:
    name = condition["fact"]
    value = facts.get(name)
    if value is None:
        return Outcome(None, frozenset({name}))
    operator = next(key for key in condition if key in COMPARISONS)
    expected = condition[operator]
    try:
        return Outcome(bool(COMPARISONS[operator](value, expected)))
    except TypeError:
        # A value of the wrong type (e.g. a date compared with a number) cannot
        # satisfy the comparison; validation keeps such values out of the facts.
        return FALSE


def check_shape(
    condition: Any,
    known_facts: Mapping[str, FactLike],
    path: str = "condition",
    known_events: Collection[str] = (),
) -> List[ConditionError]:
    """Every problem with a condition's shape, its facts and its values.

    `known_facts` maps a fact id to something with a `check_value(value)`
    method that returns an error message or None (see catalogue.facts.Fact).
    """
    if not isinstance(condition, Mapping):
        return [ConditionError("must be a mapping such as {fact: has_employees, eq: true}", path)]
    combinators = COMBINATORS & set(condition)
    if combinators:
        if len(condition) != 1:
            return [ConditionError(f"'{next(iter(combinators))}' must stand alone in its mapping", path)]
        key = next(iter(combinators))
        if key == "not":
            return check_shape(condition["not"], known_facts, f"{path}.not", known_events)
        parts = condition[key]
        if not isinstance(parts, list) or not parts:
            return [ConditionError(f"'{key}' takes a non-empty list of conditions", path)]
        errors: List[ConditionError] = []
        for index, part in enumerate(parts):
            errors.extend(check_shape(part, known_facts, f"{path}.{key}[{index}]", known_events))
        return errors
    if "event" in condition:
        if len(condition) != 1:
            return [ConditionError("'event' must stand alone in its mapping, e.g. {event: birth}", path)]
        if condition["event"] not in known_events:
            return [ConditionError(f"unknown life event {condition['event']!r}", path)]
        return []
    return _check_comparison(condition, known_facts, path)


def _check_comparison(condition: Mapping[str, Any], known_facts: Mapping[str, Any], path: str) -> List[ConditionError]:
    name = condition.get("fact")
    operators = [key for key in condition if key in COMPARISONS]
    extra = set(condition) - {"fact"} - set(COMPARISONS)
    if not isinstance(name, str) or not name:
        return [ConditionError("needs 'fact' (a fact id) or one of all/any/not", path)]
    if extra:
        return [ConditionError(f"unknown key(s) {sorted(extra)}; use one of {sorted(COMPARISONS)}", path)]
    if len(operators) != 1:
        return [ConditionError(f"needs exactly one comparison, one of {sorted(COMPARISONS)}", path)]
    if name not in known_facts:
        return [ConditionError(f"unknown fact '{name}'; known facts: {', '.join(sorted(known_facts))}", path)]
    operator = operators[0]
    expected = condition[operator]
    fact = known_facts[name]
    values = expected if operator in LIST_OPERATORS else [expected]
    if operator in LIST_OPERATORS and (not isinstance(expected, list) or not expected):
        return [ConditionError(f"'{operator}' takes a non-empty list of values", path)]
    if operator in ORDER_OPERATORS and not fact.is_ordered:
        return [ConditionError(f"'{operator}' needs a number or date fact; '{name}' is {fact.type}", path)]
    errors = []
    for value in values:
        problem = fact.check_value(value)
        if problem:
            errors.append(ConditionError(f"fact '{name}': {problem}", path))
    return errors


class FactLike:  # pragma: no cover - documentation of the protocol only
    type: str
    is_ordered: bool

    def check_value(self, value: Any) -> str | None: ...


def normalise_value(value: Any) -> Any:
    """Seed files may carry dates as ISO strings; comparisons want dates."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


Compiled = Callable[[Mapping[str, Any], AbstractSet[str]], Outcome]


def compile_condition(condition: Mapping[str, Any] | None) -> Compiled:
    """The condition as a function of (facts, events) giving the same Outcome
    as evaluate(), built once per published catalogue so that every bundle
    skips re-reading the condition's structure."""
    if not condition:
        return lambda facts, events: TRUE
    if "all" in condition or "any" in condition:
        combine = _all if "all" in condition else _any
        parts = [compile_condition(part) for part in condition.get("all") or condition.get("any")]
        return lambda facts, events: combine([part(facts, events) for part in parts])
    if "not" in condition:
        inner_condition = compile_condition(condition["not"])

        def negated(facts: Mapping[str, Any], events: AbstractSet[str]) -> Outcome:
            inner = inner_condition(facts, events)
            return inner if inner.is_unknown else (FALSE if inner.value else TRUE)

        return negated
    if "event" in condition:
        event = condition["event"]
        return lambda facts, events: TRUE if event in events else FALSE
    name = condition["fact"]
    operator = next(key for key in condition if key in COMPARISONS)
    compare, expected, unknown = COMPARISONS[operator], condition[operator], Outcome(None, frozenset({name}))

    def leaf(facts: Mapping[str, Any], events: AbstractSet[str]) -> Outcome:
        value = facts.get(name)
        if value is None:
            return unknown
        try:
            return TRUE if compare(value, expected) else FALSE
        except TypeError:
            return FALSE

    return leaf
