"""Recognition through the running Rasa server and the triage service, scored
like `onewindow eval`, on labelled sets that were never trained on
(tests/triage/test_test_sets_stay_unseen.py keeps near copies out of data/nlu):

- tests/recognition/heldout/cases.yml, written with the training data and harder; its
  failures guided later cues and training data, so it is a development set;
- tests/recognition/blind*/cases.yml, each written by someone who never saw the
  training data, the cues or the other sets. Their first-look scores are in
  the README and in each set's first_look.txt; fixes followed each first look.

Every set must hold the issue's targets (life events exactly right >= 0.95,
urgent recall 1.0, misrouted <= 5%), so a change that makes recognition worse
fails. A set that does not meet them yet is listed in BELOW_TARGET with the
floor it was measured at (and issue #3 stays open): it may not get worse.
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
TARGETS = {"event_exact_match": 0.95, "urgent_recall": 1.0, "misrouted_rate": 0.05}
# Sets that do not meet the targets yet, held to the floor they were measured at until they do. (heldout,
# blind6, blind9 and blind13 were here before, until the fixes in general terms that followed their looks.)
BELOW_TARGET: Dict[str, Dict[str, float]] = {}
FLOORS = {
    path.parent.name: BELOW_TARGET.get(path.parent.name, TARGETS) for path in sorted(ROOT.glob("tests/recognition/*/cases.yml"))
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request, stack):
    snapshot = CatalogueSnapshot.build(read_catalogue(ROOT / "catalogue" / "seed"))
    cases = load_cases(ROOT / "tests" / "recognition" / request.param / "cases.yml", snapshot)
    parser = RasaServerParser(stack["rasa"], stack["token"])
    results = []
    for case in cases:
        text = clean_text(case.text)
        results.append(triage(text, run(parser.parse(text)), snapshot))
    return FLOORS[request.param], score(cases, results, snapshot)


def test_life_events(scored):
    floors, scores = scored
    assert scores["event_exact_match"] >= floors["event_exact_match"], scores["failures"]


def test_urgent_recall(scored):
    floors, scores = scored
    assert scores["urgent_recall"] >= floors["urgent_recall"], [f for f in scores["failures"] if "urgent" in str(f)]


def test_misrouted(scored):
    floors, scores = scored
    assert scores["misrouted_rate"] <= floors["misrouted_rate"], scores["failures"]
