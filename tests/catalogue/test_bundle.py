import datetime as dt

import pytest

from onewindow_catalogue.bundle import BundleRequestError, build_bundle, parse_facts

TODAY = dt.date(2026, 11, 23)


def ids(bundle):
    return [service["id"] for service in bundle["services"]]


def by_id(bundle):
    return {service["id"]: service for service in bundle["services"]}


def test_unknown_facts_become_may_apply_with_questions(mini_snapshot):
    bundle = build_bundle(mini_snapshot, ["birth"], {}, today=TODAY)
    services = by_id(bundle)
    assert services["birth-registration"]["status"] == "may_apply"
    assert services["birth-registration"]["unknown_facts"] == ["born_in_ontario"]
    questions = [q["fact"] for q in bundle["questions"]]
    # born_in_ontario decides two services, municipality two hidden ones, the date only sharpens a deadline.
    assert questions[0] in {"born_in_ontario", "municipality"}
    assert questions[-1] == "birth_date"
    born = next(q for q in bundle["questions"] if q["fact"] == "born_in_ontario")
    assert set(born["decides"]) == {"birth-registration", "birth-certificate"}
    assert born["options"] == [{"value": "true", "label": "Yes"}, {"value": "false", "label": "No"}]


def test_known_false_removes_the_service(mini_snapshot):
    bundle = build_bundle(mini_snapshot, ["birth"], {"born_in_ontario": False}, today=TODAY)
    assert "birth-registration" not in ids(bundle)
    assert "born_in_ontario" not in [q["fact"] for q in bundle["questions"]]


def test_person_who_does_not_know_is_not_asked_again(mini_snapshot):
    bundle = build_bundle(mini_snapshot, ["birth"], {"born_in_ontario": None}, today=TODAY)
    assert by_id(bundle)["birth-registration"]["status"] == "may_apply"
    assert "born_in_ontario" not in [q["fact"] for q in bundle["questions"]]


def test_covers_groups_services_under_the_one_application(mini_snapshot):
    bundle = build_bundle(mini_snapshot, ["birth"], {"born_in_ontario": True}, today=TODAY)
    services = by_id(bundle)
    assert services["child-benefit"]["covered_by"] == "birth-registration"
    # a chain resolves to the outermost application
    assert services["provincial-child-benefit"]["covered_by"] == "birth-registration"
    assert services["birth-registration"]["covers"] == ["child-benefit", "birth-certificate"]
    order = ids(bundle)
    start = order.index("birth-registration")
    assert set(order[start + 1 : start + 4]) == {"child-benefit", "birth-certificate", "provincial-child-benefit"}


def test_only_a_service_that_applies_covers_others(mini_snapshot):
    bundle = build_bundle(mini_snapshot, ["birth"], {}, today=TODAY)
    assert by_id(bundle)["child-benefit"]["covered_by"] is None


def test_requires_orders_before_deadline(mini_snapshot):
    facts = {"business_structure": "corporation", "has_employees": True}
    order = ids(build_bundle(mini_snapshot, ["new_business"], facts, today=TODAY))
    assert order.index("incorporation") < order.index("payroll-account")


def test_deadline_dates_from_the_event_date(mini_snapshot):
    facts = {"born_in_ontario": True, "birth_date": dt.date(2026, 11, 1)}
    registration = by_id(build_bundle(mini_snapshot, ["birth"], facts, today=TODAY))["birth-registration"]
    assert registration["deadline"] == {"text": "within 30 days of the birth", "date": "2026-12-01", "overdue": False}
    late = by_id(build_bundle(mini_snapshot, ["birth"], {**facts, "birth_date": dt.date(2026, 9, 1)}, today=TODAY))
    assert late["birth-registration"]["deadline"]["overdue"] is True


@pytest.mark.parametrize(
    "death, due",
    [
        ("2026-03-15", "2027-04-30"),
        ("2026-10-31", "2027-04-30"),
        ("2026-11-20", "2027-05-20"),
        ("2026-12-31", "2027-06-30"),
    ],
)
def test_rule_list_picks_the_first_rule_that_holds(mini_snapshot, death, due):
    bundle = build_bundle(mini_snapshot, ["bereavement"], {"death_date": dt.date.fromisoformat(death)}, today=TODAY)
    assert by_id(bundle)["final-return"]["deadline"]["date"] == due


def test_earliest_deadline_first(mini_snapshot):
    facts = {"born_in_ontario": True, "birth_date": dt.date(2026, 11, 1)}
    assert ids(build_bundle(mini_snapshot, ["birth"], facts, today=TODAY))[0] == "birth-registration"


def test_municipal_services_only_for_the_persons_municipality(mini_snapshot):
    unknown = ids(build_bundle(mini_snapshot, ["birth"], {}, today=TODAY))
    assert "toronto-hbhc" not in unknown and "peel-hbhc" not in unknown
    toronto = ids(build_bundle(mini_snapshot, ["birth"], parse_facts(mini_snapshot, {"municipality": "Toronto"})))
    assert "toronto-hbhc" in toronto and "peel-hbhc" not in toronto
    # a lower-tier municipality reaches its upper-tier region's services
    mississauga = ids(
        build_bundle(mini_snapshot, ["birth"], parse_facts(mini_snapshot, {"municipality": "Mississauga"}))
    )
    assert "peel-hbhc" in mississauga and "toronto-hbhc" not in mississauga


def test_municipality_question_names_the_services_it_decides(mini_snapshot):
    bundle = build_bundle(mini_snapshot, ["birth"], {}, today=TODAY)
    question = next(q for q in bundle["questions"] if q["fact"] == "municipality")
    assert set(question["decides"]) == {"toronto-hbhc", "peel-hbhc"}


def test_any_municipality_services_always_appear(mini_snapshot):
    assert "death-registration" in ids(build_bundle(mini_snapshot, ["bereavement"], {}, today=TODAY))


def test_several_events_merge_without_duplicates(mini_snapshot):
    bundle = build_bundle(mini_snapshot, ["birth", "new_to_ontario", "birth"], {}, today=TODAY)
    assert ids(bundle).count("child-benefit") == 1
    assert by_id(bundle)["child-benefit"]["life_events"] == ["birth", "new_to_ontario"]
    assert [e["id"] for e in bundle["events"]] == ["birth", "new_to_ontario"]


def test_uncertain_fee_is_never_shown_as_fact(mini_snapshot):
    bundle = build_bundle(mini_snapshot, ["birth"], {"born_in_ontario": True}, today=TODAY)
    fee = by_id(bundle)["birth-certificate"]["fee"]
    assert fee["uncertain"] is True and "$35" not in fee["text"] and "official page" in fee["text"]
    assert by_id(bundle)["child-benefit"]["fee"] == {"text": "free", "uncertain": False}


def test_reason_and_who_delivers(mini_snapshot):
    service = by_id(build_bundle(mini_snapshot, ["bereavement"], {"relationship_to_deceased": "spouse"}))[
        "survivor-pension"
    ]
    assert service["status"] == "applies"
    assert service["reason"] == "you were the spouse"
    assert service["organisation"] == {"id": "canada-revenue-agency", "name": "Canada Revenue Agency"}


def test_not_condition_with_a_known_fact(mini_snapshot):
    facts = {"has_employees": True, "business_structure": "sole_proprietorship"}
    assert "payroll-account" not in ids(build_bundle(mini_snapshot, ["new_business"], facts))


@pytest.mark.parametrize(
    "events, raw, field",
    [
        (["wedding"], {}, "events"),
        (["birth"], {"favourite_colour": "blue"}, "favourite_colour"),
        (["birth"], {"born_in_ontario": "perhaps"}, "born_in_ontario"),
        (["birth"], {"municipality": "Springfield"}, "municipality"),
        (["birth"], {"birth_date": "yesterday"}, "birth_date"),
        (["birth"], {"municipality": "'; DROP TABLE catalogue_services; --"}, "municipality"),
    ],
)
def test_bad_requests_name_the_field(mini_snapshot, events, raw, field):
    with pytest.raises(BundleRequestError) as error:
        build_bundle(mini_snapshot, events, parse_facts(mini_snapshot, raw))
    assert error.value.field == field


def test_parse_facts_types_values(mini_snapshot):
    facts = parse_facts(
        mini_snapshot, {"has_employees": "yes", "birth_date": "2026-01-02", "municipality": "scarborough"}
    )
    assert facts == {"has_employees": True, "birth_date": dt.date(2026, 1, 2), "municipality": "City of Toronto"}


def test_without_an_event_date_deadlines_still_order_as_if_it_were_today(mini_snapshot):
    facts = {"born_in_ontario": True}
    order = ids(build_bundle(mini_snapshot, ["birth", "bereavement"], facts, today=TODAY))
    # registration (30 days) before the final return (next April) before services with no deadline
    assert order.index("birth-registration") < order.index("final-return") < order.index("survivor-pension")


def test_the_whole_order_for_two_events(mini_snapshot):
    """The full list, written out: the nearest dated deadline first (registration
    within 30 days), then next April's final return, then a deadline with no date,
    then no deadline; covered services follow the one covering them, in
    catalogue order (the order of government never orders the plan)."""
    order = ids(build_bundle(mini_snapshot, ["birth", "bereavement"], {"born_in_ontario": True}, today=TODAY))
    assert order == [
        "birth-registration",
        "birth-certificate",
        "child-benefit",
        "provincial-child-benefit",
        "final-return",
        "death-registration",
        "survivor-pension",
    ]


def test_a_first_step_leads_the_bundle_but_shows_no_date(mini_catalogue):
    from onewindow_catalogue.seed_format import Catalogue, Deadline, DueRule
    from onewindow_catalogue.snapshot import CatalogueSnapshot

    services = []
    for service in mini_catalogue.services:
        if service.id == "death-registration":
            deadline = Deadline(text={"en": "before the funeral"}, due=[DueRule(first=True)])
            service = service.copy(update={"deadline": deadline})
        services.append(service)
    snapshot = CatalogueSnapshot.build(Catalogue(**{**mini_catalogue.dict(), "services": services}))
    bundle = build_bundle(snapshot, ["bereavement"], {"death_date": dt.date(2026, 11, 20)}, today=TODAY)
    assert ids(bundle)[0] == "death-registration"
    assert bundle["services"][0]["deadline"]["date"] is None


@pytest.mark.parametrize(
    "rule", [{"first": True, "after": {"days": 1}}, {}, {"first": True, "on_day": {"month": 4, "day": 30}}]
)
def test_a_due_rule_is_one_way_only(rule):
    from pydantic import ValidationError

    from onewindow_catalogue.seed_format import DueRule

    with pytest.raises(ValidationError, match="exactly one"):
        DueRule(**rule)
