"""A French conversation handed over goes to the French queue once an agent's *account* says they
serve in French (users.languages), with nothing in queues.yml's agent_languages: the router asks the
database (bot.cases.directory.language_queue with its session)."""

from __future__ import annotations

import pytest
from support import add_people
from test_french_cases import handed_over

from bot.cases import directory
from bot.users import service as users
from onewindow_catalogue.database import session_scope


@pytest.fixture(autouse=True)
def nobody_in_queues_yml():
    """queues.yml lists no one: only the account can make the French queue used."""
    assert not (directory._data().get("agent_languages") or {})


def test_a_french_case_goes_to_the_french_queue_when_an_account_speaks_french(chat, rasa):
    with session_scope(chat.app.state.session_factory) as session:
        add_people(session, [("fay", "Fay Franco", "agent", [])])
    _, _, queue, _ = handed_over(chat, rasa, "fr")
    assert queue == "family"  # no one serves in French yet: the case keeps its life event's queue
    with session_scope(chat.app.state.session_factory) as session:
        users.set_languages(db_session=session, username="fay", languages=["fr"])
    _, _, queue, summary = handed_over(chat, rasa, "fr")
    assert queue == "french" and summary["lang"] == "fr"
