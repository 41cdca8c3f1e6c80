"""bot/catalogue_admin/said.py: the catalogue's own English messages, made by the catalogue's real checks
(an entry, a condition, a fact's value, the whole catalogue, an import), are each told in French with
their values carried over; in English they are unchanged; a message no template knows stays English and
says so. The templates in catalogue.en.yml must keep matching the code: a reworded message fails here."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from bot.catalogue_admin import exchange
from bot.catalogue_admin.said import error_text, problem_out, problem_text, said
from onewindow_catalogue import conditions
from onewindow_catalogue.drafts import service as drafts
from onewindow_catalogue.drafts.entries import check_candidate, entry_dict, parse_entry
from onewindow_catalogue.loading import read_catalogue
from onewindow_catalogue.validation import Problem, review_warnings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue(ROOT / "catalogue" / "seed")


@pytest.fixture(scope="module")
def entry(catalogue):
    return entry_dict(next(s for s in catalogue.services if s.id == "ca-business-number"))


def changed(entry, **fields):
    data = copy.deepcopy(entry)
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def entry_messages(entry):
    """What parse_entry says about a series of broken entries (pydantic's and the seed format's messages)."""
    broken = [
        changed(entry, url="not a url", summary={"fr": "pas d'anglais"}, name=None, extra_field=1),
        changed(entry, name="plain text", level="galactic", requires=["Not An Id"]),
        changed(entry, name={"en": "x", "de": "y"}, summary={"en": "x", "fr": 3}, life_events=[]),
        changed(entry, summary={"en": "x" * 5000}, level="municipal"),
        changed(entry, municipalities=["City of Toronto"]),
        changed(entry, municipalities="everywhere", level="municipal"),
        changed(entry, channels=[{"type": "fax"}, {"type": "phone", "phone": "call me"}], last_checked="soon"),
        changed(entry, deadline={"due": [{"after": {"days": -1}}, {"when_event_between": ["x"], "first": True}]}),
        changed(entry, deadline={"due": [{"after": {"days": 2}, "soon": True}]}, uncertain="maybe"),
        changed(entry, requires="ca-gst-hst-account", covers=[None]),
        "not a mapping",
    ]
    messages = []
    for data in broken:
        _, problems = parse_entry(data)
        assert problems, data
        messages += [p.message for p in problems]
    return messages


def condition_messages(catalogue):
    facts = {f.id: f for f in catalogue.facts}
    events = [e.id for e in catalogue.life_events]
    shapes = [
        "has_employees",
        {"all": [], "fact": "x"},
        {"any": []},
        {"event": "birth", "fact": "has_employees"},
        {"event": "marriage"},
        {"eq": True},
        {"fact": "has_employees", "eq": True, "colour": 1},
        {"fact": "has_employees", "eq": True, "ne": False},
        {"fact": "no_such_fact", "eq": True},
        {"fact": "business_structure", "in": []},
        {"fact": "has_employees", "gt": 3},
        {"fact": "has_employees", "eq": "perhaps"},
        {"fact": "business_structure", "eq": "cooperative"},
        {"fact": "birth_date", "eq": "yesterday"},
        {"fact": "municipality", "eq": 3},
    ]
    messages = []
    for shape in shapes:
        errors = conditions.check_shape(shape, facts, "condition", events)
        assert errors, shape
        messages += [str(error).split(": ", 1)[1] for error in errors]
    return messages


def catalogue_messages(catalogue, entry):
    """Problems across the catalogue: unknown services, itself, a cycle, unknown life event and municipality."""
    broken = changed(entry, requires=["no-such-service", entry["id"]], life_events=["marriage"])
    service, problems = parse_entry(broken)
    assert service is not None, problems
    messages = [p.message for p in check_candidate(catalogue, {service.id: service})]
    gst = next(s for s in catalogue.services if s.id == "ca-gst-hst-account")
    cycle = gst.copy(update={"requires": [entry["id"]]})
    mine = service.copy(update={"requires": ["ca-gst-hst-account"], "life_events": ["new_business"]})
    messages += [p.message for p in check_candidate(catalogue, {mine.id: mine, gst.id: cycle})]
    retired = check_candidate(catalogue, {"ca-gst-hst-account": None})
    messages += [p.message for p in retired]
    messages += [p.message for p in review_warnings(catalogue.copy(update={"services": [mine]}))]
    return messages


def import_messages():
    """What an import says about the file itself (exchange.read_import; the entries then go through parse_entry)."""
    messages = []
    for text, format in (
        ("name,id\n", "csv"),
        ("id,colour\nx,y\n", "csv"),
        ("id,organisation,level,life_events,name_en,channels\nx,o,federal,new_business,N,{not json\n", "csv"),
        ("services: [", "yaml"),
        ("{not json", "json"),
        ("42", "json"),
    ):
        entries, problems = exchange.read_import(text, format)
        messages += [p.message for p in problems]
        assert problems, (format, text)
    return messages


def test_every_message_of_the_real_checks_is_told_in_french(catalogue, entry):
    messages = entry_messages(entry) + condition_messages(catalogue) + catalogue_messages(catalogue, entry)
    messages += import_messages()
    assert len(messages) > 40
    untold = [m for m in messages if said(m, "fr").lang != "fr"]
    assert not untold, untold
    for message in messages:
        assert said(message, "en") == message and said(message, "en").lang == "en"


def test_values_are_carried_over_and_nested_messages_told_too():
    assert said("unknown service 'ca-xyz'", "fr") == "service inconnu : « ca-xyz »"
    nested = "fact 'has_employees': 'has_employees' expects yes or no (true/false), got 'perhaps'"
    assert (
        said(nested, "fr")
        == "fait « has_employees » : « has_employees » attend oui ou non (true/false), valeur reçue : 'perhaps'"
    )
    assert said("must be a mapping of language to text, e.g. {en: ...}", "fr").startswith("doit associer")
    assert "{{" not in said("must be a mapping of language to text, e.g. {en: ...}", "fr")
    assert said("Draft 4 is in review; nothing more can be done with it.", "fr") == (
        "L'ébauche 4 est en attente d'approbation; on ne peut plus rien en faire."
    )


def test_a_message_no_template_knows_stays_english_and_says_so():
    unknown = said("the moon is in the wrong phase", "fr")
    assert unknown == "the moon is in the wrong phase" and unknown.lang == "en"
    half = said("fact 'has_employees': the moon is in the wrong phase", "fr")  # a French frame, English inside: no
    assert half.lang == "en" and half == "fact 'has_employees': the moon is in the wrong phase"


def test_problems_and_errors_in_both_languages():
    problem = Problem("services", "ca-x", "requires", "unknown service 'ca-y'")
    assert problem_text(problem, "fr") == "services:ca-x:requires: service inconnu : « ca-y »"
    assert problem_text(problem, "en") == str(problem)
    assert problem_out(problem, "fr") == {
        "file": "services",
        "entry": "ca-x",
        "field": "requires",
        "message": "service inconnu : « ca-y »",
        "lang": "fr",
    }
    assert problem_out(problem, "en")["message"] == "unknown service 'ca-y'"
    error = drafts.SelfReview("A second person must approve this change; you cannot approve your own draft.")
    assert error_text(error, "fr").startswith("Une deuxième personne doit approuver")
    assert error_text(error, "en") == str(error)
