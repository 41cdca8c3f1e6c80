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
# The model of 73a8979 measures 0.954-1.0 of life events exactly right and 1.1-5.8% misrouted on the development
# sets (heldout, blind, blind2-blind17; README); the floors sit at least 0.05 below and 4 points above: nine
# cases of 180 or more, beyond what training on another machine moves.
FLOORS = {"event_exact_match": 0.90, "urgent_recall": 1.0, "misrouted_rate": 0.10}
# Sets that measure lower, each held about five points below its own figure: the four sets looked at once with the
# model of 73a8979 and never fixed (their first_look.txt). Urgent recall is never lowered: blind18_registers (0.64),
# blind19_questions (0.5) and fr_registers (0.93) fail it at their first look, and must, until crises said
# that way are recognised.
OWN_FLOORS: Dict[str, Dict[str, float]] = {
    "blind18_registers": {"event_exact_match": 0.77, "misrouted_rate": 0.31},
    "blind19_questions": {"event_exact_match": 0.83, "misrouted_rate": 0.23},
    "fr_plain": {"event_exact_match": 0.75, "misrouted_rate": 0.30},
    "fr_registers": {"event_exact_match": 0.70, "misrouted_rate": 0.41},
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
