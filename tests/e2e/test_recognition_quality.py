"""Recognition on the held-out labelled set (never trained on), through the
running Rasa server and the triage service, scored like `onewindow eval`.

The issue's targets are event exact match >= 0.95, urgent recall 1.0 and
misrouted <= 5%. They are not met yet (see the issue note); these floors are
what the model reaches now, so a change that makes recognition worse fails."""

from pathlib import Path

import pytest

from bot.triage.evaluation import load_cases, score
from bot.triage.nlu import RasaServerParser, run
from bot.triage.service import clean_text, triage
from onewindow_catalogue.loading import read_catalogue
from onewindow_catalogue.snapshot import CatalogueSnapshot

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[2]
FLOORS = {"event_exact_match": 0.85, "urgent_recall": 1.0, "misrouted_rate": 0.15}


@pytest.fixture(scope="module")
def scores(stack):
    snapshot = CatalogueSnapshot.build(read_catalogue(ROOT / "catalogue" / "seed"))
    cases = load_cases(ROOT / "tests" / "nlu_heldout" / "cases.yml", snapshot)
    parser = RasaServerParser(stack["rasa"], stack["token"])
    results = []
    for case in cases:
        text = clean_text(case.text)
        results.append(triage(text, run(parser.parse(text)), snapshot))
    return score(cases, results, snapshot)


def test_life_events(scores):
    assert scores["event_exact_match"] >= FLOORS["event_exact_match"], scores["failures"]


def test_urgent_recall(scores):
    assert scores["urgent_recall"] >= FLOORS["urgent_recall"], [f for f in scores["failures"] if "urgent" in str(f)]


def test_misrouted(scores):
    assert scores["misrouted_rate"] <= FLOORS["misrouted_rate"]
