"""Every kind of validation error, each with its file, entry and field; and a
file that fails loads nothing."""

import copy
import json
from pathlib import Path

import pytest
import yaml

from onewindow_catalogue.loading import check_path, dump_catalogue, read_catalogue
from onewindow_catalogue.validation import CatalogueInvalid

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture()
def mini_data():
    return yaml.safe_load((FIXTURES / "mini_catalogue.yml").read_text())


def problems_for(tmp_path, data, name="catalogue.yml"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data))
    _, problems = check_path(path)
    return problems


def service(data, service_id):
    return next(s for s in data["services"] if s["id"] == service_id)


def test_the_mini_catalogue_is_valid(tmp_path, mini_data):
    assert problems_for(tmp_path, mini_data) == []


@pytest.mark.parametrize(
    "mutate, entry, field, message",
    [
        (
            lambda d: service(d, "final-return")["life_events"].append("wedding"),
            "final-return",
            "life_events",
            "unknown life event 'wedding'",
        ),
        (
            lambda d: service(d, "final-return").update(requires=["no-such-service"]),
            "final-return",
            "requires",
            "unknown service 'no-such-service'",
        ),
        (
            lambda d: service(d, "child-benefit").update(covers=["ghost"]),
            "child-benefit",
            "covers",
            "unknown service 'ghost'",
        ),
        (
            lambda d: d["services"].append(copy.deepcopy(service(d, "final-return"))),
            "final-return",
            "id",
            "duplicate id",
        ),
        (lambda d: service(d, "final-return").pop("name"), "final-return", "name", "field required"),
        (
            lambda d: service(d, "final-return").update(url="javascript:alert(1)"),
            "final-return",
            "url",
            "malformed URL",
        ),
        (
            lambda d: service(d, "child-benefit")["channels"][1].update(phone="call us maybe"),
            "child-benefit",
            "channels.1.phone",
            "malformed phone",
        ),
        (
            lambda d: service(d, "business-name")["applies_when"].update(condition={"fact": "owns_boat", "eq": True}),
            "business-name",
            "applies_when.condition",
            "unknown fact 'owns_boat'",
        ),
        (
            lambda d: service(d, "final-return").update(organisation="nobody"),
            "final-return",
            "organisation",
            "unknown organisation",
        ),
        (
            lambda d: service(d, "toronto-hbhc").update(municipalities=["Springfield"]),
            "toronto-hbhc",
            "municipalities",
            "unknown municipality 'Springfield'",
        ),
        (
            lambda d: service(d, "toronto-hbhc").pop("municipalities"),
            "toronto-hbhc",
            "municipalities",
            "needs the municipalities it serves",
        ),
        (lambda d: service(d, "final-return").update(name={"fr": "seulement"}), "final-return", "name", "English text"),
        (lambda d: service(d, "final-return").update(colour="blue"), "final-return", "colour", "extra fields"),
        (lambda d: service(d, "final-return").update(level="galactic"), "final-return", "level", "must be one of"),
    ],
)
def test_each_problem_kind_is_reported_where_it_is(tmp_path, mini_data, mutate, entry, field, message):
    mutate(mini_data)
    problems = problems_for(tmp_path, mini_data)
    assert any(p.entry == entry and p.field == field and message in p.message for p in problems), problems
    assert all(p.file.endswith("catalogue.yml") for p in problems)


def test_cycle_in_requires(tmp_path, mini_data):
    service(mini_data, "incorporation")["requires"] = ["payroll-account"]  # payroll already requires incorporation
    problems = problems_for(tmp_path, mini_data)
    assert len(problems) == 1 and "cycle in requires" in problems[0].message
    assert "incorporation" in problems[0].message and "payroll-account" in problems[0].message


def test_every_problem_is_reported_not_just_the_first(tmp_path, mini_data):
    service(mini_data, "final-return")["life_events"] = ["wedding"]
    service(mini_data, "child-benefit")["covers"] = ["ghost"]
    assert len(problems_for(tmp_path, mini_data)) == 2


@pytest.mark.parametrize(
    "content, message",
    [
        ("services: [\n  - id: x\n    name: {en: 'unclosed\n", "not valid YAML at line"),
        ("- just\n- a list\n", "expected a mapping"),
        ("services: 12\n", "must be a list"),
        ("services:\n  - just a string\n", "each entry must be a mapping"),
        ("planets: []\n", "unknown section"),
    ],
)
def test_malformed_files(tmp_path, content, message):
    path = tmp_path / "bad.yml"
    path.write_text(content)
    _, problems = check_path(path)
    assert any(message in p.message for p in problems), problems


def test_malformed_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"services": [}')
    _, problems = check_path(path)
    assert "not valid JSON" in problems[0].message


def test_missing_file_and_missing_section_file(tmp_path):
    _, problems = check_path(tmp_path / "nowhere.yml")
    assert problems[0].message == "no such file"
    (tmp_path / "folder").mkdir()
    _, problems = check_path(tmp_path / "folder")
    assert {p.message for p in problems} == {
        f"missing file for section '{s}'" for s in ("life_events", "facts", "organisations", "services")
    }


def test_read_catalogue_raises_with_all_problems(tmp_path, mini_data):
    service(mini_data, "final-return")["life_events"] = ["wedding"]
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump(mini_data))
    with pytest.raises(CatalogueInvalid) as error:
        read_catalogue(path)
    assert "final-return:life_events: unknown life event 'wedding'" in str(error.value)


def test_hostile_text_is_kept_as_plain_text(tmp_path, mini_data):
    service(mini_data, "final-return")["summary"] = {"en": "<script>alert('x')</script> & \"quotes\""}
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump(mini_data))
    catalogue = read_catalogue(path)
    assert catalogue.services[-2].summary["en"] == "<script>alert('x')</script> & \"quotes\""


@pytest.mark.parametrize("suffix", [".yml", ".json", ""])
def test_export_round_trips(tmp_path, mini_catalogue, suffix):
    path = tmp_path / f"export{suffix}"
    dump_catalogue(mini_catalogue, path)
    assert read_catalogue(path) == mini_catalogue
