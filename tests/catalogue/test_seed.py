"""The project's own seed catalogue: complete, valid, and giving sensible bundles."""

import json
from pathlib import Path

from onewindow_catalogue.bundle import build_bundle, parse_facts

SHARED = Path(__file__).resolve().parents[3] / "shared" / "catalogue" / "services.json"


def ids(bundle):
    return [s["id"] for s in bundle["services"]]


def test_every_gathered_service_id_is_kept(seed_catalogue):
    ours = {s.id for s in seed_catalogue.services}
    assert len(ours) >= 66
    if SHARED.exists():
        assert {s["id"] for s in json.loads(SHARED.read_text())} <= ours


def test_all_444_municipalities(seed_snapshot):
    assert len(seed_snapshot.municipalities) == 444


def test_uncertain_fees_are_never_shown_as_fact(seed_snapshot):
    events = list(seed_snapshot.life_events)
    municipalities = ["Toronto", "Mississauga", "Ottawa", "Hamilton", "Niagara Falls"]
    for place in municipalities:
        bundle = build_bundle(seed_snapshot, events, parse_facts(seed_snapshot, {"municipality": place}))
        for service in bundle["services"]:
            entry = seed_snapshot.services[service["id"]].service
            if entry.fee and entry.fee.uncertain:
                assert entry.fee.text["en"] not in service["fee"]["text"]


def test_newborn_in_toronto(seed_snapshot):
    facts = parse_facts(
        seed_snapshot, {"municipality": "Scarborough", "born_in_ontario": "yes", "birth_date": "2026-11-10"}
    )
    bundle = build_bundle(seed_snapshot, ["birth"], facts)
    services = {s["id"]: s for s in bundle["services"]}
    nrs = services["on-newborn-registration-service"]
    assert nrs["status"] == "applies" and nrs["deadline"]["date"] == "2026-12-10"
    assert services["ca-sin"]["covered_by"] == "on-newborn-registration-service"
    assert "mun-toronto-hbhc" in services and "mun-ottawa-hbhc" not in services


def test_newcomer_is_not_asked_about_a_baby(seed_snapshot):
    bundle = build_bundle(seed_snapshot, ["new_to_ontario"], {})
    assert "born_in_ontario" not in [q["fact"] for q in bundle["questions"]]


def test_each_event_gives_services_and_questions(seed_snapshot):
    for event in seed_snapshot.life_events:
        bundle = build_bundle(seed_snapshot, [event], {})
        assert bundle["services"], event
        assert bundle["questions"], event


def test_bereavement_and_business_merge(seed_snapshot):
    merged = build_bundle(seed_snapshot, ["bereavement", "new_business"], {})
    alone = set(ids(build_bundle(seed_snapshot, ["bereavement"], {}))) | set(
        ids(build_bundle(seed_snapshot, ["new_business"], {}))
    )
    assert set(ids(merged)) == alone and len(ids(merged)) == len(set(ids(merged)))


def test_no_event_asks_another_events_questions(seed_snapshot):
    """A service shared by several events guards each event's facts with {event: …}."""
    for event in seed_snapshot.life_events:
        for question in build_bundle(seed_snapshot, [event], {})["questions"]:
            fact = seed_snapshot.facts[question["fact"]]
            assert not fact.life_events or event in fact.life_events, (event, fact.id, question["decides"])


def test_what_must_happen_right_away_comes_first_even_without_a_date(seed_snapshot):
    order = ids(build_bundle(seed_snapshot, ["bereavement"], {}))
    assert order[0] == "mun-death-registration-burial-permit"
    assert order.index("mun-death-registration-burial-permit") < order.index("on-death-certificate")


def test_death_registration_orders_first_without_an_unsourced_date(seed_snapshot):
    """No source gives a number of days: the step leads the list but shows no due date."""
    facts = parse_facts(seed_snapshot, {"death_date": "2026-11-20", "death_in_ontario": "yes"})
    bundle = build_bundle(seed_snapshot, ["bereavement"], facts)
    first = bundle["services"][0]
    assert first["id"] == "mun-death-registration-burial-permit"
    assert first["deadline"]["date"] is None and "official page" in first["deadline"]["text"]


def test_service_canada_notice_says_the_province_reports_the_sin(seed_snapshot):
    entry = seed_snapshot.services["ca-notify-service-canada-death"].service
    assert "vital statistics agency" in entry.summary["en"] and "OAS" in entry.name["en"]
    assert "gov.bc.ca" not in entry.source and entry.source.startswith("canada.ca")


def test_final_return_gives_cra_dates_for_business_income_and_payment(seed_snapshot):
    entry = seed_snapshot.services["ca-cra-final-return"].service
    text = entry.deadline.text["en"]
    assert "June 15" in text and "December 16" in text and "balance owing" in text
    assert entry.source.startswith("canada.ca CRA")
    bundle = build_bundle(seed_snapshot, ["bereavement"], parse_facts(seed_snapshot, {"death_date": "2026-12-20"}))
    final = next(s for s in bundle["services"] if s["id"] == "ca-cra-final-return")
    assert final["deadline"]["date"] == "2027-06-20"  # six months: the payment date, whatever the business income


def test_estate_tax_online_filing_stays_marked_unverified(seed_snapshot):
    assert "Unverified" in seed_snapshot.services["on-estate-administration-tax"].service.notes["en"]


def test_every_new_entry_is_bilingual_and_names_its_source(seed_catalogue):
    for service in seed_catalogue.services:
        if service.last_checked and service.last_checked.isoformat() >= "2026-12-07":
            assert service.name.get("fr") and service.summary.get("fr") and service.applies_when.text.get("fr"), (
                service.id
            )
            assert service.source, service.id


def test_every_citizen_facing_text_of_the_seed_is_in_french(seed_catalogue):
    """Service owners may publish English first (it is listed for review); the project's own seed is bilingual."""
    missing = []
    for s in seed_catalogue.services:
        texts = {"name": s.name, "summary": s.summary, "applies_when": s.applies_when.text, "notes": s.notes}
        texts.update({"deadline": s.deadline.text if s.deadline else None, "fee": s.fee.text if s.fee else None})
        texts["processing_time"] = s.processing_time
        texts.update({f"documents.{i}": doc for i, doc in enumerate(s.documents)})
        texts.update({f"channels.{i}.note": c.note for i, c in enumerate(s.channels)})
        missing += [f"{s.id}:{field}" for field, text in texts.items() if text and not text.get("fr")]
    for fact in seed_catalogue.facts:
        labels = [v.label for v in fact.values]
        missing += [f"fact {fact.id}" for text in [fact.question, fact.help, *labels] if text and not text.get("fr")]
    missing += [f"organisation {o.id}" for o in seed_catalogue.organisations if not o.name.get("fr")]
    assert missing == []
