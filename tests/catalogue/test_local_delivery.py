"""General municipal services: resolved to the body that delivers them for the
person's municipality, and replaced by a city's own entry when it has one."""

import copy

import pytest
import yaml
from support import FIXTURES

from onewindow_catalogue.bundle import build_bundle, parse_facts
from onewindow_catalogue.local_delivery import LocalDelivery, load_local_delivery
from onewindow_catalogue.municipalities import load_directory
from onewindow_catalogue.seed_format import Catalogue
from onewindow_catalogue.snapshot import CatalogueSnapshot

GENERAL_LICENCE = {
    "id": "business-licence",
    "level": "municipal",
    "organisation": "your-municipality",
    "life_events": ["new_business"],
    "name": {"en": "Municipal business licence"},
    "summary": {"en": "Ask your municipality."},
    "applies_when": {"text": {"en": "ask the municipality"}},
    "municipalities": "any",
    "channels": [{"type": "in_person"}],
}
LOCAL = {
    "general_services": {
        "business-licence": {"delivered_by": "municipality", "overridden_by": ["food-licence"]},
        "food-inspection": {"delivered_by": "public_health_unit"},
    },
    "locator": {"url": "https://www.health.gov.on.ca/en/common/system/services/phu/locations.aspx"},
    "public_health_units": [
        {"id": "york", "name": {"en": "York Region Public Health"}, "regions": ["Regional Municipality of York"]},
        {"id": "toronto", "name": {"en": "Toronto Public Health"}, "areas": ["Toronto"]},
    ],
    "pages": [{"municipality": "City of Toronto", "url": "https://www.toronto.ca"}],
}


@pytest.fixture(scope="module")
def snapshot():
    data = yaml.safe_load((FIXTURES / "mini_catalogue.yml").read_text())
    data["services"].append(copy.deepcopy(GENERAL_LICENCE))
    inspection = {**copy.deepcopy(GENERAL_LICENCE), "id": "food-inspection", "name": {"en": "Food inspection"}}
    data["services"].append(inspection)
    return CatalogueSnapshot.build(Catalogue(**data), local=LocalDelivery.from_data(LOCAL))


def ids(bundle):
    return [s["id"] for s in bundle["services"]]


def test_a_city_entry_replaces_the_general_one(snapshot):
    toronto = build_bundle(snapshot, ["new_business"], parse_facts(snapshot, {"municipality": "Toronto"}))
    assert "food-licence" in ids(toronto) and "business-licence" not in ids(toronto)


def test_the_general_entry_stays_where_the_city_entry_does_not_apply(snapshot):
    """Toronto's entry is for food only: a business that sells none still hears about licences."""
    facts = parse_facts(snapshot, {"municipality": "Toronto", "sells_food": "no"})
    bundle = build_bundle(snapshot, ["new_business"], facts)
    assert "food-licence" not in ids(bundle) and "business-licence" in ids(bundle)


def test_resolved_to_the_municipality_with_its_page_or_an_honest_contact(snapshot):
    markham = build_bundle(snapshot, ["new_business"], parse_facts(snapshot, {"municipality": "Markham"}))
    licence = next(s for s in markham["services"] if s["id"] == "business-licence")
    assert licence["organisation"]["name"] == "City of Markham"
    assert licence["delivered_by"]["url"] is None and licence["delivered_by"]["page_known"] is False
    assert "City of Markham" in licence["delivered_by"]["note"]
    toronto = build_bundle(
        snapshot, ["new_business"], parse_facts(snapshot, {"municipality": "Toronto", "sells_food": "no"})
    )
    licence = next(s for s in toronto["services"] if s["id"] == "business-licence")
    assert licence["url"] == "https://www.toronto.ca" and licence["delivered_by"]["page_known"]


def test_public_health_unit_from_the_upper_tier(snapshot):
    bundle = build_bundle(snapshot, ["new_business"], parse_facts(snapshot, {"municipality": "Markham"}), lang="fr")
    inspection = next(s for s in bundle["services"] if s["id"] == "food-inspection")
    assert inspection["organisation"]["name"] == "York Region Public Health"
    assert inspection["url"].endswith("locations.aspx")  # no page of its own on file: the official locator


def test_without_a_municipality_it_says_your_municipality_and_asks(snapshot):
    bundle = build_bundle(snapshot, ["new_business"], {}, lang="fr")
    licence = next(s for s in bundle["services"] if s["id"] == "business-licence")
    assert licence["organisation"]["name"] == "votre municipalité"
    municipality = next(q for q in bundle["questions"] if q["fact"] == "municipality")
    assert "business-licence" in municipality["decides"]


def test_other_services_have_no_delivered_by(snapshot):
    bundle = build_bundle(snapshot, ["bereavement"], parse_facts(snapshot, {"municipality": "Ottawa"}))
    assert all(s["delivered_by"] is None for s in bundle["services"])


def test_the_seed_reaches_one_public_health_unit_from_each_of_444_municipalities():
    directory = load_directory()
    local = load_local_delivery()
    assert len(directory) == 444
    assert all(local.health_unit(m) is not None for m in directory.by_name.values())
    assert local.problems({sid: None for sid in ()}, directory)  # unknown ids are reported, not ignored


def test_unknown_ids_in_the_delivery_file_are_refused(tmp_path, seed_catalogue):
    from onewindow_catalogue.loading import check_path, dump_catalogue

    dump_catalogue(seed_catalogue, tmp_path)
    data = yaml.safe_load((FIXTURES.parent.parent / "catalogue" / "seed" / "local_delivery.yml").read_text())
    data["general_services"]["mun-business-licence"]["overridden_by"].append("mun-ghost-licence")
    (tmp_path / "local_delivery.yml").write_text(yaml.safe_dump(data))
    _, problems = check_path(tmp_path)
    assert [p.message for p in problems] == ["unknown service 'mun-ghost-licence'"]


def test_every_seed_municipality_gets_each_general_service_once(seed_snapshot):
    """Sampled across tiers: a bundle never lists a general entry next to the city entry replacing it."""
    facts = {"sells_food": "yes", "sells_alcohol": "yes", "renovating_premises": "yes", "estate_lacks_funds": "yes"}
    for place in ["Toronto", "Mississauga", "Brampton", "Ottawa", "Hamilton", "St. Catharines", "Kenora", "Guelph"]:
        parsed = parse_facts(seed_snapshot, {**facts, "municipality": place})
        bundle = build_bundle(seed_snapshot, ["new_business", "bereavement"], parsed)
        listed = set(ids(bundle))
        for general in seed_snapshot.local.general.values():
            assert not (general.id in listed and listed & set(general.overridden_by)), (place, general.id)


def test_all_444_municipalities_get_a_named_deliverer_for_every_general_service(seed_snapshot):
    facts = {"sells_food": True, "renovating_premises": True}
    generals = set(seed_snapshot.local.general)
    for municipality in seed_snapshot.municipalities.by_name.values():
        bundle = build_bundle(seed_snapshot, ["new_business"], {**facts, "municipality": municipality.name})
        for service in bundle["services"]:
            if service["id"] in generals:
                delivered = service["delivered_by"]
                assert delivered["name"] and (delivered["url"] or delivered["note"]), (municipality.name, service["id"])


def test_ontario_works_is_named_only_where_the_data_says_who_runs_it(seed_snapshot):
    """A county's Ontario Works office is often a nearby city's: no guess, an honest 'which office' note."""

    def funeral_help(place):
        facts = parse_facts(seed_snapshot, {"municipality": place, "estate_lacks_funds": "yes"})
        bundle = build_bundle(seed_snapshot, ["bereavement"], facts)
        return next(s for s in bundle["services"] if s["id"] == "mun-funeral-assistance")["delivered_by"]

    assert funeral_help("Oakville")["name"] == "Regional Municipality of Halton"
    county = funeral_help("Strathroy-Caradoc")
    assert "County of Middlesex" not in county["name"] and county["url"] is None
    assert "not in our data" in county["note"]
