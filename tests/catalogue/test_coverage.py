"""The official checklists as data: every item covered by catalogue entries or
left out with a recorded reason, and at least 90% covered per life event."""

import re

import pytest
import yaml
from support import SEED_DIR

from onewindow_catalogue.coverage import (
    COVERED,
    EXCLUDED,
    MISSING,
    check_against,
    coverage,
    coverage_table,
    load_checklists,
    parse_checklists,
)


@pytest.fixture(scope="module")
def checklists():
    lists, problems = load_checklists(SEED_DIR)
    assert problems == []
    return lists


def test_every_item_is_covered_or_excluded_with_a_reason(checklists, seed_catalogue):
    assert check_against(checklists, seed_catalogue) == []
    missing = [f"{i.event}/{i.id}" for i in checklists.items if i.status == MISSING]
    assert missing == []
    for item in checklists.items:
        assert item.status != EXCLUDED or len(item.excluded) > 40, f"{item.id}: say why it is left out"


def test_at_least_90_percent_covered_for_every_life_event(checklists, seed_catalogue):
    rows = coverage(checklists, seed_catalogue)
    assert {row.event for row in rows} == {event.id for event in seed_catalogue.life_events}
    for row in rows:
        assert row.percent >= 90, row
        assert row.covered / row.items >= 0.9, row  # also when exclusions count against us


def test_every_item_names_its_sources_official_first(checklists):
    for item in checklists.items:
        assert item.sources, item.id
        assert all(source in checklists.sources for source in item.sources)


def test_an_unknown_service_id_is_a_clear_error(checklists, seed_catalogue):
    data = yaml.safe_load((SEED_DIR / "official_checklists.yml").read_text())
    data["life_events"]["birth"][0]["covered_by"] = ["on-newborn-registration-servce"]
    lists, problems = parse_checklists(data)
    assert problems == []
    assert check_against(lists, seed_catalogue) == [
        "life_events.birth.birth-register.covered_by: unknown service 'on-newborn-registration-servce'"
    ]


def test_a_service_outside_the_items_life_event_does_not_count(seed_catalogue):
    data = {
        "sources": {"X": {"url": "https://www.ontario.ca/x", "official": True}},
        "life_events": {
            "birth": [{"id": "x", "what": "Final return", "sources": ["X"], "covered_by": ["ca-cra-final-return"]}]
        },
    }
    lists, problems = parse_checklists(data)
    assert problems == []
    assert check_against(lists, seed_catalogue) == [
        "life_events.birth.x.covered_by: 'ca-cra-final-return' is not part of the 'birth' life event"
    ]


def test_an_item_with_nothing_is_missing_and_lowers_coverage():
    data = {
        "sources": {"X": {"url": "https://www.ontario.ca/x", "official": True}},
        "life_events": {
            "birth": [
                {"id": "a", "what": "A", "sources": ["X"], "covered_by": ["s"]},
                {"id": "b", "what": "B", "sources": ["X"]},
                {"id": "c", "what": "C", "sources": ["X"], "covered_by": ["s"], "partial": "one city only"},
                {"id": "d", "what": "D", "sources": ["X"], "excluded": "not a service"},
            ]
        },
    }
    lists, problems = parse_checklists(data)
    assert problems == []
    assert [i.status for i in lists.items] == [COVERED, MISSING, "partial", EXCLUDED]
    (row,) = coverage(lists)
    assert (row.items, row.covered, row.partial, row.excluded, row.missing) == (4, 1, 1, 1, 1)
    assert round(row.percent) == 33
    assert coverage_table(lists)[2].startswith("| birth | 4 | 1 |")


@pytest.mark.parametrize(
    "item, message",
    [
        ({"id": "a", "what": "A"}, "give the source(s)"),
        ({"id": "a", "what": "A", "sources": ["Z"]}, "unknown source 'Z'"),
        (
            {"id": "a", "what": "A", "sources": ["X"], "covered_by": ["s"], "excluded": "r"},
            "either covered or excluded",
        ),
        ({"id": "a", "what": "A", "sources": ["X"], "cover": ["s"]}, "unknown key(s) ['cover']"),
        ({"what": "A"}, "needs an id"),
    ],
)
def test_malformed_items_are_named(item, message):
    data = {"sources": {"X": {"url": "https://www.ontario.ca/x"}}, "life_events": {"birth": [item]}}
    _, problems = parse_checklists(data)
    assert any(message in problem for problem in problems), problems


def test_the_cli_prints_the_table_and_fails_on_a_missing_item(tmp_path, seed_catalogue):
    import shutil

    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, ["catalogue", "coverage", str(SEED_DIR)])
    assert result.exit_code == 0, result.output
    assert "| life event | official items | covered |" in result.output and "| After a death | 31 |" in result.output
    assert re.search(r"^French: \d+ of \d+ services have a French name and summary", result.output, re.M)

    folder = tmp_path / "seed"
    shutil.copytree(SEED_DIR, folder)
    data = yaml.safe_load((folder / "official_checklists.yml").read_text())
    del data["life_events"]["birth"][0]["covered_by"]
    (folder / "official_checklists.yml").write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["catalogue", "coverage", str(folder)])
    assert result.exit_code == 1
    assert "open: birth/birth-register (missing)" in result.output
