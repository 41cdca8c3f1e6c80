"""The plan's order is checked against the catalogue's own deadlines and
`requires` relations, for every life event of the real seed."""

import datetime as dt

import pytest

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


def check_plan_against_catalogue(snapshot, bundle, today=TODAY):
    """Every rule the plan promises, read from the catalogue, not from the plan."""
    steps = bundle["plan"]["steps"]
    order = [step["id"] for step in steps]
    assert order == [service["id"] for service in bundle["services"]], "the API lists services in plan order"
    position = {sid: index for index, sid in enumerate(order)}
    phase = {step["id"]: PHASES.index(step["phase"]) for step in steps}
    top = [step for step in steps if not step["covered_by"]]
    root = {step["id"]: step["covered_by"] or step["id"] for step in steps}
    for earlier, later in zip(top, top[1:], strict=False):
        assert phase[earlier["id"]] <= phase[later["id"]], f"{earlier['id']} is in a later phase than {later['id']}"
    for step in steps:
        service = snapshot.services[step["id"]].service
        if step["covered_by"]:
            coverer = step["covered_by"]
            assert position[coverer] < position[step["id"]]
            between = order[position[coverer] + 1 : position[step["id"]]]
            assert all(root[sid] == coverer for sid in between), "a covered step stays under its application"
        for required in service.requires:
            if required in position and root[required] != root[step["id"]]:
                assert position[root[required]] < position[root[step["id"]]], f"{required} must precede {step['id']}"
                assert step["id"] not in [s["id"] for s in top] or phase[root[required]] <= phase[root[step["id"]]]
        deadline = service.deadline
        if step["covered_by"] or deadline is None:
            continue
        if any(rule.first for rule in deadline.due):
            assert step["phase"] == "now"
        if step["due"]:
            days = (dt.date.fromisoformat(step["due"]) - today).days
            if days <= 2:
                assert step["phase"] == "now"
            elif days <= 7:
                assert step["phase"] in ("now", "this_week")
    # Among top-level steps of one phase without prerequisites between them, the earlier due date comes first.
    for a in top:
        for b in top:
            same_phase = a["phase"] == b["phase"] and not a["after"] and not b["after"]
            if same_phase and a["due"] and b["due"] and a["due"] < b["due"]:
                assert position[a["id"]] < position[b["id"]], f"{a['id']} is due before {b['id']}"


@pytest.mark.parametrize("event", sorted(EVENT_DATES))
def test_the_seed_plan_follows_deadlines_and_dependencies(seed_snapshot, event):
    date_fact, date = EVENT_DATES[event]
    facts = parse_facts(seed_snapshot, {date_fact: date, "municipality": "Ottawa"})
    bundle = build_bundle(seed_snapshot, [event], facts, today=TODAY)
    assert bundle["plan"]["steps"], event
    check_plan_against_catalogue(seed_snapshot, bundle)


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
        check_plan_against_catalogue(seed_snapshot, reversed_bundle)


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
