"""Phrases that once needed a cue of their own (bot/components/life_event_cues.yml) and that the learned
EventClassifier now decides, through the running Rasa server and the triage service.

When the model took over recognising life events, the strong cues that never decided a labelled case the model
got wrong were removed; the unit tests that held those cues' phrases moved here, so the behaviour they
described is still checked, now against the whole assistant."""

from pathlib import Path

import pytest

from bot.triage.nlu import RasaServerParser, run
from bot.triage.service import clean_text, triage
from onewindow_catalogue.loading import read_catalogue
from onewindow_catalogue.snapshot import CatalogueSnapshot

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[2]

PHRASES = [
    ("quitting my job to go self-employed as a plumber", ["new_business"]),
    ("planning to start a food truck next summer", ["new_business"]),
    ("we're adopting a little boy from foster care next month", ["birth"]),
    ("just had my c-section on tuesday", ["birth"]),
    ("Our daughter arrived three weeks early", ["birth"]),
    ("my daughter arrived in june and we still have no birth certificate", ["birth"]),
    ("the father is not involved, can I register on my own", ["birth"]),
    ("we need a death certificate for my father", ["bereavement"]),
    ("I was named executor of my aunt's will", ["bereavement"]),
    ("my mother in law passed peacefully in hospice", ["bereavement"]),
    ("my neighbour's son was killed in an accident and she asked me to help", ["bereavement"]),
    ("I landed in Canada last Tuesday as a permanent resident", ["new_to_ontario"]),
    ("moving back to ontario after five years in dubai", ["new_to_ontario"]),
    ("I came to Windsor in April on a work permit", ["new_to_ontario"]),
    ("been in Sudbury only 4 months, where do I get a doctor", ["new_to_ontario"]),
    ("new to Canada and want to open a restaurant in Hamilton", ["new_business", "new_to_ontario"]),
    ("we immigrated last year and my father-in-law passed away yesterday", ["bereavement", "new_to_ontario"]),
    ("just landed in toronto im pregnant what do i do", ["birth", "new_to_ontario"]),
    ("our daughter died giving birth, we are raising the baby", ["bereavement", "birth"]),
    ("my husbnd passed awya on monday", ["bereavement"]),
    ("im pregant with my second", ["birth"]),
    ("dads funral is tomorrow", ["bereavement"]),
    ("thinking of quitting the mill to start doing drywall on my own", ["new_business"]),
    ("i want to start doing mobile detailing out of my van", ["new_business"]),
    ("my baby needs a passport before our trip", ["birth"]),
    ("moving back to Sudbury after 9 years in Qatar", ["new_to_ontario"]),
    ("our pizzeria on King Street opens next month, which inspections do we book", ["new_business"]),
    ("moving back after six years in Dubai with my family", ["new_to_ontario"]),
    ("returning Canadian after years in Seoul, what do I need for OHIP", ["new_to_ontario"]),
    ("the laundromat we just bought in Welland needs a new licence", ["new_business"]),
    ("selling my crochet animals on etsy, do I need a business name", ["new_business"]),
    ("our baby was born still at 37 weeks", ["bereavement"]),
]


@pytest.fixture(scope="module")
def recognise(stack):
    snapshot = CatalogueSnapshot.build(read_catalogue(ROOT / "catalogue" / "seed"))
    parser = RasaServerParser(stack["rasa"], stack["token"])

    def events(text: str) -> list:
        clean = clean_text(text)
        return sorted(e["id"] for e in triage(clean, run(parser.parse(clean)), snapshot)["life_events"])

    return events


@pytest.mark.parametrize("text, expected", PHRASES)
def test_the_model_recognises_what_a_cue_used_to(recognise, text, expected):
    assert recognise(text) == sorted(expected), text
