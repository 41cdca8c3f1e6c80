"""Recognition quality gates, through the running Rasa server and the triage service, scored like
`onewindow eval`, on the labelled sets in tests/recognition/ (never trained on:
tests/triage/test_test_sets_stay_unseen.py keeps near copies out of data/nlu).

These are floors, not the figures: each holds with an honest margin below what the model measures, so that
training noise on another machine (README, "Recognition: reproducible training") never fails CI while a real
regression does. The exact figures are printed by `onewindow eval` and `make bench` (which also reports how far
above its threshold each urgent case the rules miss is scored).

Urgent recall has no margin: it is 1.0 in every set, in every language. Every urgent case of the sets is
caught by the deterministic safety rules (bot/safety) or by the learned urgency with a clear margin above its
threshold (`make bench`, "urgent margin").
"""

from pathlib import Path
from typing import Dict

import pytest

from bot.triage.evaluation import load_cases, score
from bot.triage.nlu import RasaServerParser, run
from bot.triage.service import clean_text, triage
from onewindow_catalogue.loading import read_catalogue
from onewindow_catalogue.snapshot import CatalogueSnapshot

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "tests" / "recognition"
# The model of 99e5cf8 (life events on the EventClassifier) measures 0.961-0.994 of life events exactly right and
# 0.6-5.0% misrouted on the development sets (heldout, blind, blind2-blind17; README); the floors sit at least 0.06
# below and 5 points above: ten cases of 180 or more, beyond what training on another machine moves.
FLOORS = {"event_exact_match": 0.90, "urgent_recall": 1.0, "misrouted_rate": 0.10}
# Sets that measure lower, each held about five points below what it measures: the sets written in other registers
# and in French. blind20_registers, blind21_questions and fr_blind3 at their first look (99e5cf8, first_look.txt):
# 0.906 / 0.927 / 0.835 of life events, 11.9% / 8.2% / 24.1% misrouted. Urgent recall is never lowered: blind20 and
# fr_blind3 failed it at their look (two emergencies each), found by the crisis rules of 4f2791e since. The French
# sets' floors rose with the model of 5854ff2 (fr_plain 0.967 / 5.0%, fr_registers 0.906 / 11.3%, fr_blind3
# 0.900 / 11.2%), again about five points below.
OWN_FLOORS: Dict[str, Dict[str, float]] = {
    "blind18_registers": {"event_exact_match": 0.77, "misrouted_rate": 0.27},
    "blind19_questions": {"event_exact_match": 0.88, "misrouted_rate": 0.15},
    "blind20_registers": {"event_exact_match": 0.85, "misrouted_rate": 0.17},
    "blind21_questions": {"event_exact_match": 0.87, "misrouted_rate": 0.14},
    "fr_plain": {"event_exact_match": 0.90, "misrouted_rate": 0.12},
    "fr_registers": {"event_exact_match": 0.85, "misrouted_rate": 0.18},
    "fr_blind3": {"event_exact_match": 0.84, "misrouted_rate": 0.18},
    # first looks with the model of 5854ff2 (first_look.txt): 0.841 / 0.853 of life events, 20.0% / 18.2% misrouted;
    # fr_blind4 missed two women in labour, found by the French crisis rules of 109c2e6 since
    "blind22_registers": {"event_exact_match": 0.78, "misrouted_rate": 0.26},
    "fr_blind4": {"event_exact_match": 0.79, "misrouted_rate": 0.25},
}


def floors_of(name: str) -> Dict[str, float]:
    return {**FLOORS, **OWN_FLOORS.get(name, {})}


@pytest.fixture(scope="module", params=sorted(p.parent.name for p in SETS.glob("*/cases.yml")))
def scored(request, stack):
    snapshot = CatalogueSnapshot.build(read_catalogue(ROOT / "catalogue" / "seed"))
    cases = load_cases(SETS / request.param / "cases.yml", snapshot)
    parser = RasaServerParser(stack["rasa"], stack["token"])
    results = []
    for case in cases:
        text = clean_text(case.text)
        results.append(triage(text, run(parser.parse(text)), snapshot))
    return floors_of(request.param), score(cases, results, snapshot)


def test_life_events(scored):
    floors, scores = scored
    assert scores["event_exact_match"] >= floors["event_exact_match"], scores["failures"]


def test_urgent_recall(scored):
    floors, scores = scored
    if scores["urgent_recall"] is None:
        pytest.skip("no urgent case in this set")
    assert scores["urgent_recall"] >= floors["urgent_recall"], [f for f in scores["failures"] if "urgent" in str(f)]


def test_misrouted(scored):
    floors, scores = scored
    assert scores["misrouted_rate"] <= floors["misrouted_rate"], scores["failures"]


def test_every_floor_keeps_a_margin_and_urgent_recall_is_never_lowered():
    """A floor at the edge of what one training measured is what failed CI on another machine (issue 15)."""
    for name, own in OWN_FLOORS.items():
        assert own.get("urgent_recall", 1.0) == 1.0, name
    assert FLOORS["urgent_recall"] == 1.0
    assert FLOORS["event_exact_match"] <= 0.92 and FLOORS["misrouted_rate"] >= 0.08
