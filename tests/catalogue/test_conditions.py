import datetime as dt

import pytest

from onewindow_catalogue.conditions import check_shape, evaluate, facts_in
from onewindow_catalogue.facts import Fact

FACTS = {
    "has_employees": Fact(id="has_employees", type="boolean", question={"en": "?"}),
    "structure": Fact(
        id="structure",
        type="choice",
        question={"en": "?"},
        values=[{"id": "corporation", "label": {"en": "C"}}, {"id": "sole", "label": {"en": "S"}}],
    ),
    "age": Fact(id="age", type="number", question={"en": "?"}),
    "when": Fact(id="when", type="date", question={"en": "?"}),
}


def test_missing_fact_is_unknown_and_named():
    outcome = evaluate({"fact": "has_employees", "eq": True}, {})
    assert outcome.value is None and outcome.unknown_facts == {"has_employees"}


def test_none_means_person_does_not_know():
    assert evaluate({"fact": "has_employees", "eq": True}, {"has_employees": None}).is_unknown


@pytest.mark.parametrize(
    "condition, facts, expected",
    [
        (
            {"all": [{"fact": "has_employees", "eq": True}, {"fact": "structure", "eq": "corporation"}]},
            {"has_employees": False},
            False,
        ),  # a known False decides `all` whatever else is unknown
        (
            {"any": [{"fact": "has_employees", "eq": True}, {"fact": "structure", "eq": "corporation"}]},
            {"structure": "corporation"},
            True,
        ),
        ({"not": {"fact": "structure", "in": ["sole"]}}, {"structure": "sole"}, False),
        ({"fact": "age", "gte": 60}, {"age": 64}, True),
        ({"fact": "age", "lt": 60}, {"age": 64}, False),
        ({"fact": "when", "lte": dt.date(2026, 1, 1)}, {"when": dt.date(2025, 5, 1)}, True),
        ({"fact": "structure", "not_in": ["sole"]}, {"structure": "corporation"}, True),
        ({"fact": "structure", "ne": "sole"}, {"structure": "sole"}, False),
        (None, {}, True),
    ],
)
def test_three_valued_logic(condition, facts, expected):
    assert evaluate(condition, facts).value is expected


def test_unknown_only_lists_facts_that_could_change_the_result():
    condition = {"all": [{"fact": "has_employees", "eq": True}, {"fact": "structure", "eq": "corporation"}]}
    assert evaluate(condition, {"has_employees": True}).unknown_facts == {"structure"}
    assert facts_in(condition) == {"has_employees", "structure"}


def test_wrong_type_value_never_satisfies():
    assert evaluate({"fact": "age", "gt": 3}, {"age": "old"}).value is False


@pytest.mark.parametrize(
    "condition, message",
    [
        ({"fact": "pets", "eq": True}, "unknown fact 'pets'"),
        ({"fact": "has_employees", "eq": "yes"}, "expects true or false"),
        ({"fact": "structure", "eq": "llc"}, "expects one of corporation, sole"),
        ({"fact": "structure", "gt": "sole"}, "needs a number or date fact"),
        ({"fact": "structure", "in": []}, "non-empty list"),
        ({"fact": "age", "eq": 1, "gt": 0}, "exactly one comparison"),
        ({"fact": "age", "between": [1, 2]}, "unknown key"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"fact": "age", "eq": 1}], "any": []}, "must stand alone"),
        ("has_employees == True", "must be a mapping"),
        ({"eq": True}, "needs 'fact'"),
    ],
)
def test_shape_errors_are_clear(condition, message):
    errors = check_shape(condition, FACTS)
    assert errors and message in str(errors[0])


def test_shape_errors_say_where():
    errors = check_shape({"all": [{"fact": "age", "eq": 1}, {"not": {"fact": "nope", "eq": 1}}]}, FACTS)
    assert [error.path for error in errors] == ["condition.all[1].not"]


def test_no_text_is_ever_evaluated():
    # Conditions are data: a string that looks like code is rejected, never run.
    assert check_shape({"fact": "__import__('os').system('x')", "eq": 1}, FACTS)


def test_event_leaf_holds_only_for_events_in_the_request():
    condition = {"any": [{"event": "birth"}, {"fact": "has_employees", "eq": True}]}
    assert evaluate(condition, {}, {"birth"}).value is True
    outcome = evaluate(condition, {}, {"new_to_ontario"})
    assert outcome.is_unknown and outcome.unknown_facts == {"has_employees"}
    assert facts_in(condition) == {"has_employees"}


def test_event_leaf_shape():
    assert check_shape({"event": "birth"}, FACTS, known_events={"birth"}) == []
    assert "unknown life event" in str(check_shape({"event": "wedding"}, FACTS, known_events={"birth"})[0])
    assert "stand alone" in str(check_shape({"event": "birth", "eq": 1}, FACTS, known_events={"birth"})[0])


def test_compiled_conditions_agree_with_evaluate(seed_catalogue):
    """Every seed condition, compiled once, gives evaluate()'s answer for many fact sets."""
    import random

    from onewindow_catalogue.conditions import compile_condition

    rng = random.Random(7)
    facts_by_id = {f.id: f for f in seed_catalogue.facts}
    events = [e.id for e in seed_catalogue.life_events]
    samples = {
        "boolean": [True, False, None],
        "number": [0, 61, None],
        "date": [dt.date(2026, 1, 1), None],
        "municipality": ["City of Toronto", None],
    }
    for service in seed_catalogue.services:
        condition = service.applies_when.condition
        compiled = compile_condition(condition)
        for _ in range(30):
            facts = {}
            for fact_id in facts_in(condition):
                fact = facts_by_id[fact_id]
                options = samples.get(fact.type) or [*fact.value_ids, None]
                value = rng.choice(options)
                if value is not None or rng.random() < 0.5:
                    facts[fact_id] = value
            active = set(rng.sample(events, rng.randint(0, len(events))))
            assert compiled(facts, active) == evaluate(condition, facts, active), (service.id, facts, active)


# Hand-written answers at each operator's boundary: the compiled and interpreted
# conditions share one operator table, so their agreement cannot catch a wrong
# operator ('gte' read as '>'); only values written out here can.
BOUNDARIES = [
    ("age", "gt", 60, [(59, False), (60, False), (61, True)]),
    ("age", "gte", 60, [(59, False), (60, True), (61, True)]),
    ("age", "lt", 60, [(59, True), (60, False), (61, False)]),
    ("age", "lte", 60, [(59, True), (60, True), (61, False)]),
    ("age", "eq", 60, [(59, False), (60, True), (61, False)]),
    ("age", "ne", 60, [(59, True), (60, False), (61, True)]),
    ("age", "gte", 60.5, [(60, False), (60.5, True), (61, True)]),
    (
        "when",
        "gte",
        dt.date(2026, 1, 1),
        [(dt.date(2025, 12, 31), False), (dt.date(2026, 1, 1), True), (dt.date(2026, 1, 2), True)],
    ),
    (
        "when",
        "lt",
        dt.date(2026, 1, 1),
        [(dt.date(2025, 12, 31), True), (dt.date(2026, 1, 1), False), (dt.date(2026, 1, 2), False)],
    ),
    ("structure", "in", ["sole"], [("sole", True), ("corporation", False)]),
    ("structure", "not_in", ["sole"], [("sole", False), ("corporation", True)]),
    ("has_employees", "eq", True, [(True, True), (False, False)]),
]


@pytest.mark.parametrize(
    "fact, operator, expected, value, holds",
    [(fact, op, expected, value, holds) for fact, op, expected, cases in BOUNDARIES for value, holds in cases],
)
def test_each_operator_at_its_boundary(fact, operator, expected, value, holds):
    from onewindow_catalogue.conditions import compile_condition

    condition = {"fact": fact, operator: expected}
    assert evaluate(condition, {fact: value}).value is holds
    assert compile_condition(condition)({fact: value}, frozenset()).value is holds


def test_every_operator_has_a_boundary_case():
    from onewindow_catalogue.conditions import COMPARISONS

    assert {operator for _, operator, _, _ in BOUNDARIES} == set(COMPARISONS)
