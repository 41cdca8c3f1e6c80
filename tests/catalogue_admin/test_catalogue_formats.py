"""Export and import formats: CSV for spreadsheets (lossless round trip,
formula-safe) and JSON-LD in the CPSV-AP 3.2 vocabulary; and the pure parts
of drafts (diff, three-way merge, history recorded on re-import)."""

from __future__ import annotations

import json

from onewindow_catalogue import service as catalogue_service
from onewindow_catalogue.csv_format import read_entries, write_services
from onewindow_catalogue.database import session_scope
from onewindow_catalogue.drafts import service as drafts
from onewindow_catalogue.drafts.diff import diff, three_way
from onewindow_catalogue.drafts.entries import entry_dict, parse_entry
from onewindow_catalogue.jsonld import CONTEXT, to_jsonld
from onewindow_catalogue.seed_format import Service


def test_csv_round_trip_of_the_whole_seed(seed_catalogue):
    entries, problems = read_entries(write_services(seed_catalogue.services))
    assert problems == []
    assert [entry_dict(Service(**entry)) for entry in entries] == [entry_dict(s) for s in seed_catalogue.services]


def test_csv_cells_are_formula_safe_and_restored(seed_catalogue):
    service = seed_catalogue.services[0].copy(update={"name": {"en": '=HYPERLINK("http://evil")'}})
    text = write_services([service])
    assert "\"'=HYPERLINK" in text or ",'=HYPERLINK" in text
    entries, problems = read_entries(text)
    assert not problems and entries[0]["name"]["en"] == '=HYPERLINK("http://evil")'


def test_csv_problems_name_row_and_column():
    entries, problems = read_entries('id,channels,bogus\nx-one,"[not json",1\n')
    assert "unknown column" in problems[0].message
    assert problems[1].entry == "row 2 (x-one)" and "'channels' is not valid JSON" in problems[1].message
    assert read_entries("")[1][0].message.startswith("the first row")


def test_jsonld_uses_cpsv_ap_and_every_reference_resolves(seed_catalogue):
    document = json.loads(json.dumps(to_jsonld(seed_catalogue)))
    assert document["@context"]["cpsv"] == "http://purl.org/vocab/cpsv#"
    assert document["@context"]["cv"] == "http://data.europa.eu/m8g/"
    graph = {node["@id"]: node for node in document["@graph"]}
    services = [n for n in graph.values() if n["@type"] == "cpsv:PublicService"]
    assert len(services) == len(seed_catalogue.services)
    assert {n["@type"] for n in graph.values()} == {"cpsv:PublicService", "cv:PublicOrganisation", "cv:LifeEvent"}
    newborn = graph["urn:onewindow:service:on-newborn-registration-service"]
    assert newborn["cv:isGroupedBy"] == [{"@id": "urn:onewindow:life-event:birth"}]
    assert {"@id": "urn:onewindow:service:ca-sin"} in newborn["ow:covers"]
    requiring = next(n for n in services if "dct:requires" in n)
    for node in services:
        assert node["cv:hasCompetentAuthority"]["@id"] in graph
        for key in ("dct:requires", "ow:covers", "cv:isGroupedBy"):
            assert all(ref["@id"] in graph for ref in node.get(key, []))
        assert node["dct:title"][0]["@language"] == "en"
        assert all(channel["@type"] == "cv:Channel" for channel in node["cv:hasChannel"])
    assert requiring["dct:requires"]
    prefixes = {key.split(":", 1)[0] for node in graph.values() for key in node if ":" in key}
    assert prefixes <= set(CONTEXT)


def test_diff_and_three_way_merge():
    base = {"id": "x", "name": {"en": "A"}, "summary": {"en": "S"}, "requires": ["p"]}
    mine = {"id": "x", "name": {"en": "A", "fr": "A-fr"}, "summary": {"en": "S2"}, "requires": ["p"]}
    theirs = {"id": "x", "name": {"en": "B"}, "summary": {"en": "S3"}, "requires": ["p", "q"]}
    assert [c.field for c in diff(base, theirs)] == ["name.en", "summary.en", "requires"]
    merged, conflicts = three_way(base, mine, theirs)
    assert merged == {"id": "x", "name": {"en": "B", "fr": "A-fr"}, "summary": {"en": "S2"}, "requires": ["p", "q"]}
    assert conflicts == ["summary.en"]


def test_reimport_records_new_versions_and_retirements(seeded_app, seed_catalogue):
    factory = seeded_app.state.session_factory
    with session_scope(factory) as session:
        assert drafts.record_import(db_session=session, catalogue=seed_catalogue) == len(seed_catalogue.services)
        assert drafts.record_import(db_session=session, catalogue=seed_catalogue) == 0
    changed = [s for s in seed_catalogue.services if s.id != "ca-ei-self-employed"]
    changed[0] = changed[0].copy(update={"summary": {"en": "Changed by a re-import."}})
    smaller = seed_catalogue.copy(update={"services": changed})
    with session_scope(factory) as session:
        catalogue_service.replace_all(db_session=session, catalogue=smaller)
        assert drafts.record_import(db_session=session, catalogue=smaller) == 2
    with session_scope(factory) as session:
        assert drafts.current(db_session=session, service_id=changed[0].id).number == 2
        gone = drafts.current(db_session=session, service_id="ca-ei-self-employed")
        assert gone.retired and gone.number == 2


def test_parse_entry_reports_like_the_import():
    service, problems = parse_entry({"id": "Bad Id", "level": "galactic"})
    assert service is None
    fields = {p.field for p in problems}
    assert {"id", "level", "organisation", "name", "channels"} <= fields
