"""The plan's order is checked against the catalogue's own deadlines and
`requires` relations, for every life event of the real seed."""

import datetime as dt

import pytest
from plan_checks import check_plan_against_catalogue

from onewindow_catalogue.bundle import build_bundle, parse_facts
from onewindow_catalogue.plan import PHASES, StepInput, build_plan
from onewindow_catalogue.seed_format import DueRule

TODAY = dt.date(2026, 12, 7)
EVENT_DATES = {
    "bereavement": ("death_date", "2026-12-06"),
    "birth": ("birth_date", "2026-12-01"),
    "new_to_ontario": ("arrival_date", "2026-11-20"),
    "new_business": ("business_start_date", "2026-12-07"),
}


@pytest.mark.parametrize("event", sorted(EVENT_DATES))
def test_the_seed_plan_follows_deadlines_and_dependencies(seed_snapshot, event):
    date_fact, date = EVENT_DATES[event]
    facts = parse_facts(seed_snapshot, {date_fact: date, "municipality": "Ottawa"})
    bundle = build_bundle(seed_snapshot, [event], facts, today=TODAY)
    assert bundle["plan"]["steps"], event
    check_plan_against_catalogue(seed_snapshot, bundle, TODAY)


def test_a_reversed_plan_fails_the_check(seed_snapshot):
    """The check above can fail: the same bundle in reverse order is refused."""
    facts = parse_facts(seed_snapshot, {"death_date": "2026-12-06", "municipality": "Ottawa"})
    bundle = build_bundle(seed_snapshot, ["bereavement"], facts, today=TODAY)
    reversed_bundle = {
        **bundle,
        "plan": {**bundle["plan"], "steps": bundle["plan"]["steps"][::-1]},
        "services": bundle["services"][::-1],
    }
    with pytest.raises(AssertionError):
        check_plan_against_catalogue(seed_snapshot, reversed_bundle, TODAY)


def test_after_a_death_the_registration_comes_first_and_the_order_of_government_is_only_a_label(seed_snapshot):
    facts = parse_facts(seed_snapshot, {"death_date": "2026-12-06", "municipality": "Ottawa"})
    bundle = build_bundle(seed_snapshot, ["bereavement"], facts, today=TODAY)
    steps = bundle["plan"]["steps"]
    assert steps[0]["id"] == "mun-death-registration-burial-permit" and steps[0]["phase"] == "now"
    assert bundle["services"][0]["level"] == "municipal"  # a label on the step, not the outline
    order = [s["id"] for s in steps]
    # 60 days for the CPP death benefit, next April for the final return.
    assert order.index("ca-cpp-death-benefit") < order.index("ca-cra-final-return")
    by_id = {s["id"]: s for s in steps}
    assert by_id["ca-cpp-death-benefit"]["due"] == "2027-02-04"
    assert by_id["ca-notify-service-canada-death"]["phase"] == "this_week"  # "as soon as possible"
    assert [p["id"] for p in bundle["plan"]["phases"]] == list(PHASES)
    assert any(r["code"] == "required_by" for r in by_id["mun-death-registration-burial-permit"]["reasons"])


def test_a_prerequisite_is_pulled_into_the_phase_of_what_needs_it():
    today = TODAY
    plan = build_plan(
        [
            StepInput(id="licence", due=today + dt.timedelta(days=1), has_deadline=True, requires=["name"], position=0),
            StepInput(id="name", position=1),
            StepInput(id="later", due=today + dt.timedelta(days=40), has_deadline=True, position=2),
            StepInput(id="whenever", position=3),
        ],
        today,
    )
    assert [(s["id"], s["phase"]) for s in plan["steps"]] == [
        ("name", "now"),
        ("licence", "now"),
        ("later", "within_deadline"),
        ("whenever", "when_ready"),
    ]
    assert plan["steps"][1]["after"] == ["name"]


def test_french_plan_texts():
    plan = build_plan([StepInput(id="x", soon=True, has_deadline=True)], TODAY, lang="fr")
    assert plan["phases"][0]["title"] == "Cette semaine"
    assert plan["steps"][0]["reasons"][0]["text"] == "Dès que possible"


def test_a_due_rule_is_one_of_after_on_day_first_or_soon():
    assert DueRule(soon=True).soon
    with pytest.raises(ValueError):
        DueRule(soon=True, first=True)
